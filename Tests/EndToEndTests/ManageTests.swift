import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `feedctl add`, `remove`, `import`, `export`, the pager and the generated completions, run as the real
/// binary against a local HTTP server, a config file with a person's comments, and the real daemon.
@Suite(.serialized)
struct ManageTests {
    static func sample(_ name: String) -> Data { BinariesTests.sample(name) }

    static let page = """
        <!DOCTYPE html>
        <html lang="fr"><head><meta charset="utf-8"><title>Le Carnet du Libriste</title>
        <link rel="stylesheet" href="/style.css">
        <link rel="alternate" type="application/rss+xml" title="Flux des articles" href="/feed/">
        <link rel="alternate" type="application/atom+xml" title="Versions" href="/releases.atom">
        </head><body><p>Bienvenue</p></body></html>
        """

    static func server() throws -> TestHTTPServer {
        try TestHTTPServer { request in
            switch request.path {
            case "/": return .init(headers: [("Content-Type", "text/html; charset=utf-8")], text: page)
            case "/feed/": return .init(headers: [("Content-Type", "application/rss+xml")], body: sample("carnet-du-libriste.xml"))
            case "/releases.atom": return .init(headers: [("Content-Type", "application/atom+xml")], body: sample("outil-releases.atom"))
            case "/podcast.xml": return .init(headers: [("Content-Type", "application/rss+xml")], body: sample("les-ondes-podcast.xml"))
            case let path where path.hasPrefix("/extra?"):
                return .init(headers: [("Content-Type", "application/rss+xml")], body: sample("carnet-du-libriste.xml"))
            default: return .init(status: 404)
            }
        }
    }

    static func configText(_ server: TestHTTPServer) -> String {
        """
        # Odile's feeds. Comments, blank lines and «accents» must survive feedctl.
        state_dir: state

        defaults:
          interval: 1h   # hourly is plenty

        feeds:
          - url: \(server.url("/podcast.xml"))   # the podcast
            tags: [audio]

        # fetch:
        #   concurrency: 4
        """ + "\n"
    }

    @Test func addOnAPageWithTwoFeedsListsThemThenAppendsTheChosenOneKeepingEveryOtherByte() async throws {
        let server = try Self.server()
        let directory = try TemporaryDirectory()
        let original = Self.configText(server)
        let config = try directory.write("config.yaml", original)
        func fileText() -> String { (try? String(contentsOfFile: config, encoding: .utf8)) ?? "" }

        let listed = try await Subprocess.run("feedctl", ["add", server.url("/").absoluteString, "--config", config])
        #expect(listed.status == 1)
        #expect(listed.stderr == "feedctl: \(server.url("/")) is a web page that advertises 2 feeds (listed above); add one with --choose N\n", "\(listed.stderr)")
        #expect(listed.stdout == "  1  \(server.url("/feed/"))\n  2  \(server.url("/releases.atom"))\n")
        #expect(fileText() == original)

        let added = try await Subprocess.run(
            "feedctl", ["add", server.url("/").absoluteString, "--choose", "2", "--name", "outil: releases", "--tag", "dev", "--interval", "6h", "--config", config])
        #expect(added.status == 0, "\(added.stderr)")
        #expect(added.stdout.hasPrefix("added outil: releases <\(server.url("/releases.atom"))>: 3 item(s) now in the feed\n"), "\(added.stdout)")
        #expect(added.stdout.contains("feedd is not running"))
        let entry = "  - url: \(server.url("/releases.atom"))\n    name: \"outil: releases\"\n    interval: 6h\n    tags: [dev]\n"
        #expect(fileText() == original.replacingOccurrences(of: "    tags: [audio]\n", with: "    tags: [audio]\n" + entry))

        // The same feed by another spelling of its address, or the page again, is refused.
        for address in ["\(server.url("/releases.atom"))?utm_source=newsletter", server.url("/releases.atom").absoluteString + "/"] {
            let again = try await Subprocess.run("feedctl", ["add", address, "--config", config])
            #expect(again.status == 1)
            #expect(again.stderr.contains("is already in \(config) (line 10: \(server.url("/releases.atom")))"), "\(again.stderr)")
        }
        let missing = try await Subprocess.run("feedctl", ["add", server.url("/nothing-here").absoluteString, "--config", config])
        #expect(missing.status == 1)
        #expect(missing.stderr == "feedctl: \(server.url("/nothing-here")): HTTP 404\n")

        // A page with one feed needs no choice; the feed's own title names it.
        let single = try await Subprocess.run("feedctl", ["add", server.url("/feed/").absoluteString, "--config", config])
        #expect(single.stdout.hasPrefix("added Le Carnet du Libriste <\(server.url("/feed/"))>: 4 item(s)"), "\(single.stdout) \(single.stderr)")
        let feeds = try await Subprocess.run("feedctl", ["feeds", "--json", "--config", config])
        let array = try #require(try JSONSerialization.jsonObject(with: Data(feeds.stdout.utf8)) as? [[String: Any]])
        #expect(array.count == 3)

        // Removing both gives the file back as the person wrote it.
        #expect(try await Subprocess.run("feedctl", ["remove", "outil: releases", "--config", config]).status == 0)
        #expect(try await Subprocess.run("feedctl", ["remove", server.url("/feed").absoluteString, "--config", config]).status == 0)
        #expect(fileText() == original)
        let unknown = try await Subprocess.run("feedctl", ["remove", "nope", "--config", config])
        #expect(unknown.status == 1)
        #expect(unknown.stderr == "feedctl: no feed named nope in \(config)\n")
    }

    @Test func onATerminalAddAsksWhichAdvertisedFeed() async throws {
        let server = try Self.server()
        let directory = try TemporaryDirectory()
        let config = try directory.write("config.yaml", Self.configText(server))
        // `script` gives feedctl a terminal and types the answer the pipe brings.
        let command = "printf '2\\n' | /usr/bin/script -qec '\(Subprocess.path("feedctl")) add \(server.url("/")) --config \(config)' /dev/null"
        let run = try await Subprocess.runCommand("/bin/sh", ["-c", command])
        #expect(run.status == 0, "\(run)")
        #expect(run.stdout.contains("Add which one? [1-2]"), "\(run.stdout)")
        #expect(try String(contentsOfFile: config, encoding: .utf8).contains("  - url: \(server.url("/releases.atom"))\n"))
    }

    @Test func parallelAddsAllLandAndAByteOrderMarkStays() async throws {
        let server = try Self.server()
        let directory = try TemporaryDirectory()
        let config = try directory.write("config.yaml", "\u{FEFF}" + Self.configText(server))
        let statuses = await withTaskGroup(of: Int32.self) { group in
            for number in 1...4 {
                group.addTask {
                    (try? await Subprocess.run("feedctl", ["add", server.url("/extra?n=\(number)").absoluteString, "--config", config]).status) ?? -1
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(statuses == [0, 0, 0, 0])
        let bytes = try Data(contentsOf: URL(fileURLWithPath: config))
        #expect(bytes.starts(with: [0xEF, 0xBB, 0xBF]))
        let text = String(decoding: bytes.dropFirst(3), as: UTF8.self)
        for number in 1...4 { #expect(text.contains("  - url: \(server.url("/extra?n=\(number)"))\n"), "lost n=\(number)") }
        #expect(text.hasPrefix(Self.configText(server).components(separatedBy: "\n# fetch:")[0]))
    }

    @Test func addReloadsTheRunningDaemonAndRemovePurgesWhatWasStored() async throws {
        let server = try Self.server()
        let directory = try TemporaryDirectory()
        let original = Self.configText(server)
        let config = try directory.write("config.yaml", original)
        let daemon = try DaemonTests.launch(config)
        let statusFile = directory.url.appendingPathComponent("state/status.json").path
        #expect(try await DaemonTests.waitUntil { FileManager.default.fileExists(atPath: statusFile) && DaemonTests.count(server, "/podcast.xml") >= 1 })

        let added = try await Subprocess.run("feedctl", ["add", server.url("/feed/").absoluteString, "--config", config])
        #expect(added.status == 0, "\(added.stderr)")
        #expect(added.stdout.contains("feedd (pid \(daemon.pid)) is reloading its configuration"), "\(added.stdout)")
        // One request from feedctl's check, one from the daemon after the reload.
        #expect(try await DaemonTests.waitUntil { DaemonTests.count(server, "/feed/") >= 2 })
        var listed = ""
        #expect(try await DaemonTests.waitUntil {
            listed = (try? Self.runSync(["list", "--format", "tsv", "--config", config])) ?? ""
            return listed.contains("Le Carnet du Libriste")
        })

        let removed = try await Subprocess.run("feedctl", ["remove", "Le Carnet du Libriste", "--purge", "--config", config])
        #expect(removed.status == 0, "\(removed.stderr)")
        #expect(removed.stdout.contains("deleted its stored items"))
        let after = try await Subprocess.run("feedctl", ["list", "--format", "tsv", "--config", config])
        #expect(!after.stdout.contains("Le Carnet du Libriste"))
        #expect(after.stdout.contains("Les Ondes Ouvertes"))
        #expect((try? String(contentsOfFile: config, encoding: .utf8)) == original)
        daemon.send(SIGTERM)
        #expect(await daemon.termination() == .exited(0))
    }

    /// A synchronous run for polling loops: the output of `feedctl ARGUMENTS`.
    static func runSync(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Subprocess.path("feedctl"))
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    @Test func opmlExportImportRoundTripsFeedsNamesAndTags() async throws {
        let server = try Self.server()
        let directory = try TemporaryDirectory()
        let config = try directory.write("config.yaml", """
            state_dir: state
            feeds:
              - url: \(server.url("/feed/"))
                name: Le Carnet « libre »
                tags: [fr, blogs]
              - url: \(server.url("/releases.atom"))
                tags: [dev]
              - url: \(server.url("/podcast.xml"))
            """)
        #expect(try await Subprocess.run("feedd", ["--once", "--config", config]).status == 0)
        let opml = directory.url.appendingPathComponent("feeds.opml").path
        #expect(try await Subprocess.run("feedctl", ["export", "-o", opml, "--config", config]).status == 0)
        let exported = try String(contentsOfFile: opml, encoding: .utf8)
        #expect(exported.contains("<outline type=\"rss\" text=\"Le Carnet « libre »\" title=\"Le Carnet « libre »\" xmlUrl=\"\(server.url("/feed/"))\" htmlUrl=\"https://carnet-libriste.example.fr\" category=\"/fr,/blogs\"/>"), "\(exported)")
        #expect(exported.contains("text=\"Release notes from outil\""), "the feed's own title names a feed without a name")

        let other = try directory.write("other.yaml", "# imported\nstate_dir: other-state\nfeeds:\n")
        let imported = try await Subprocess.run("feedctl", ["import", opml, "--config", other])
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.stdout.hasSuffix("3 feed(s) added, 0 skipped\nfeedd is not running: it reads the change when it starts\n"), "\(imported.stdout)")
        let again = try await Subprocess.run("feedctl", ["import", opml, "--config", other])
        #expect(again.stdout.contains("0 feed(s) added, 3 skipped"))
        #expect(again.stdout.contains("skipped \(server.url("/podcast.xml")): already in the configuration (line 10)"), "\(again.stdout)")

        let reexported = try await Subprocess.run("feedctl", ["export", "--config", other])
        func withoutDate(_ text: String) -> String {
            text.replacingOccurrences(of: " htmlUrl=\"[^\"]*\"", with: "", options: .regularExpression)
                .split(separator: "\n").filter { !$0.contains("<dateCreated>") }.joined(separator: "\n")
        }
        #expect(withoutDate(reexported.stdout) == withoutDate(exported))
        let check = try await Subprocess.run("feedctl", ["config", "check", "--config", other])
        #expect(check.status == 0)
        #expect(try String(contentsOfFile: other, encoding: .utf8).hasPrefix("# imported\nstate_dir: other-state\nfeeds:\n  - url: "))
    }

    @Test func longOutputGoesThroughThePagerOnATerminalOnly() async throws {
        let directory = try TemporaryDirectory()
        let examples = BinariesTests.repositoryRoot.appendingPathComponent("config/examples").path
        let config = try directory.write("config.yaml", """
            state_dir: state
            feeds:
              - url: file:\(examples)/carnet-du-libriste.xml
              - url: file:\(examples)/les-ondes-podcast.xml
            """)
        #expect(try await Subprocess.run("feedd", ["--once", "--config", config]).status == 0)
        let list = "\(Subprocess.path("feedctl")) list --config \(config)"
        let pager = "sed s/^/paged:/"
        // `script` gives the command a terminal; LINES says how tall it is.
        let short = try await Subprocess.runCommand("/usr/bin/script", ["-qec", list, "/dev/null"], environment: ["PAGER": pager, "LINES": "4", "NO_COLOR": "1"])
        let shortLines = short.stdout.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n")
        #expect(shortLines.count == 8, "\(short)")
        #expect(shortLines.allSatisfy { $0.hasPrefix("paged:") }, "\(short.stdout)")
        let tall = try await Subprocess.runCommand("/usr/bin/script", ["-qec", list, "/dev/null"], environment: ["PAGER": pager, "LINES": "40", "NO_COLOR": "1"])
        #expect(!tall.stdout.contains("paged:"))
        #expect(tall.stdout.contains("7 unread item(s)"))
        // A pager that is not installed: the text is printed as it is.
        let missing = try await Subprocess.runCommand(
            "/usr/bin/script", ["-qec", list, "/dev/null"], environment: ["PAGER": "/nonexistent/pager", "LINES": "4", "NO_COLOR": "1"])
        #expect(missing.stdout.contains("7 unread item(s)"), "\(missing)")
        let piped = try await Subprocess.run("feedctl", ["list", "--config", config], environment: ["PAGER": pager, "LINES": "4"])
        #expect(!piped.stdout.contains("paged:"))
        #expect(piped.stdout.hasSuffix("7 unread item(s)\n"))
    }

    @Test func completionsAndTheManualSourceCoverEveryCommand() async throws {
        let commands = ["list", "show", "read", "unread", "feeds", "add", "remove", "import", "export", "fetch", "status", "parse", "config"]
        for shell in ["bash", "zsh", "fish"] {
            let script = try await Subprocess.run("feedctl", ["--generate-completion-script", shell])
            #expect(script.status == 0)
            for command in commands { #expect(script.stdout.contains(command), "\(shell) completion lacks \(command)") }
            #expect(script.stdout.contains("choose") && script.stdout.contains("purge"), "\(shell)")
        }
        for command in commands + ["config check", "config path"] where command != "config" {
            let help = try await Subprocess.run("feedctl", command.split(separator: " ").map(String.init) + ["--help"])
            #expect(help.status == 0)
            #expect(help.stdout.contains("Example"), "feedctl \(command) --help shows no example")
        }
        let dump = try await Subprocess.run("feedctl", ["--experimental-dump-help"])
        let info = try #require(try JSONSerialization.jsonObject(with: Data(dump.stdout.utf8)) as? [String: Any])
        let root = try #require(info["command"] as? [String: Any])
        let names = (root["subcommands"] as? [[String: Any]])?.compactMap { $0["commandName"] as? String } ?? []
        #expect(Set(commands).isSubset(of: Set(names)), "\(names)")
    }
}
