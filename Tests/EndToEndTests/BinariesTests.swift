import FeedCore
import FeedModel
import FeedStore
import Foundation
import Synchronization
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The real `feedd` and `feedctl` binaries, run as subprocesses against a local HTTP server and a real store.
@Suite(.serialized)
struct BinariesTests {
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func sample(_ name: String) -> Data {
        FileManager.default.contents(atPath: repositoryRoot.appendingPathComponent("config/examples/\(name)").path) ?? Data()
    }

    @Test func configToStoreToListToMarkRead() async throws {
        let server = try TestHTTPServer { request in
            switch request.path {
            case "/carnet/feed/": return .init(headers: [("Content-Type", "application/rss+xml; charset=UTF-8")], body: Self.sample("carnet-du-libriste.xml"))
            case "/outil/releases.atom": return .init(headers: [("Content-Type", "application/atom+xml")], body: Self.sample("outil-releases.atom"))
            default: return .init(status: 404)
            }
        }
        let directory = try TemporaryDirectory()
        let config = try directory.write("config.yaml", """
            state_dir: state   # relative to this file
            feeds:
              - url: \(server.url("/carnet/feed/"))
              - url: \(server.url("/outil/releases.atom"))
                name: outil
              - url: \(server.url("/gone"))
            """)

        let daemon = try await Subprocess.run("feedd", ["--config", config, "--once"])
        #expect(daemon.status == 0, "\(daemon.stderr)")
        #expect(daemon.stderr.contains("items_new=4"))
        #expect(daemon.stderr.contains("HTTP 404"))

        let list = try await Subprocess.run("feedctl", ["list", "--format", "tsv", "--config", config])
        #expect(list.status == 0, "\(list.stderr)")
        let lines = list.stdout.split(separator: "\n")
        #expect(lines.count == 7)
        #expect(lines.first?.hasSuffix("\t2026-11-20T08:30:00Z\tLe Carnet du Libriste\tL’auto-hébergement en 2026\u{00A0}: « simple » ?\thttps://carnet-libriste.example.fr/2026/11/20/auto-hebergement-2026-simple/") == true)
        #expect(lines.contains { $0.hasSuffix("\t2026-11-18T14:02:33Z\toutil\tv2.4.0\thttps://github.com/example-org/outil/releases/tag/v2.4.0") })
        let text = try await Subprocess.run("feedctl", ["list", "--config", config]).stdout
        #expect(text.hasSuffix("\n7 unread item(s)\n"))
        // Feed names padded to the widest ("Le Carnet du Libriste", 21 cells): in a pipe nothing is cut.
        #expect(text.contains("  outil" + String(repeating: " ", count: 16 + 2) + "v2.4.0\n"))

        let json = try await Subprocess.run("feedctl", ["list", "--json", "--config", config])
        let items = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        #expect(items.count == 7)
        let first = try #require(items.first)
        for key in ["id", "feed", "title", "link", "published", "authors", "categories", "read"] {
            #expect(first[key] != nil, "missing \(key)")
        }
        #expect(first["published"] as? String == "2026-11-20T08:30:00Z")
        #expect(first["authors"] as? [String] == ["Odile Marchetti"])
        #expect(first["read"] as? Bool == false)

        // Mark one by the short id the listing shows, then everything.
        let id = try #require(first["id"] as? String)
        let shortID = try #require(text.split(separator: "\n").first?.split(separator: " ").first)
        #expect(shortID.count >= 4 && shortID.count < id.count && id.hasPrefix(shortID))
        #expect(try await Subprocess.run("feedctl", ["read", String(shortID), "--config", config]).stdout == "1 item(s) marked read\n")
        #expect(try await Subprocess.run("feedctl", ["list", "--format", "tsv", "--config", config]).stdout.split(separator: "\n").count == 6)
        #expect(try await Subprocess.run("feedctl", ["read", "--all", "--config", config]).status == 0)
        #expect(try await Subprocess.run("feedctl", ["list", "--config", config]).stdout == "No unread items.\n")
        let all = try await Subprocess.run("feedctl", ["list", "--all", "--json", "--config", config])
        #expect((try JSONSerialization.jsonObject(with: Data(all.stdout.utf8)) as? [[String: Any]])?.allSatisfy { $0["read"] as? Bool == true } == true)

        // A second run stores nothing twice and keeps the read marks.
        #expect(try await Subprocess.run("feedd", ["--config", config, "--once"]).status == 0)
        #expect(try await Subprocess.run("feedctl", ["list", "--config", config]).stdout == "No unread items.\n")
        #expect(try await Subprocess.run("feedctl", ["list", "--all", "--format", "tsv", "--config", config]).stdout.split(separator: "\n").count == 7)
    }

    @Test func listMarkReadMarksWhatItPrinted() async throws {
        let server = try TestHTTPServer { _ in .init(body: Self.sample("les-ondes-podcast.xml")) }
        let directory = try TemporaryDirectory()
        let config = try directory.write("c.yaml", "state_dir: s\nfeeds:\n  - url: \(server.url("/podcast"))\n")
        #expect(try await Subprocess.run("feedd", ["--config", config, "--once"]).status == 0)
        let printed = try await Subprocess.run("feedctl", ["list", "--mark-read", "--format", "tsv", "--config", config])
        #expect(printed.stdout.split(separator: "\n").count == 3)
        #expect(try await Subprocess.run("feedctl", ["list", "--config", config]).stdout == "No unread items.\n")
    }

    @Test(arguments: [
        ("feeds:\n  - url: https://a.example/\n    every: 5m\n", "c.yaml:3: unknown key `every` in a feed"),
        ("feeds:\n  - url: https://a.example/\n    interval: soon\n", "c.yaml:3: bad duration `soon`"),
        ("feeds:\n  - url: notaurl\n", "c.yaml:2: bad URL `notaurl`"),
        ("feeds:\n  - url: https://a.example/\n  - url: https://a.example/\n", "c.yaml:3: duplicate feed"),
    ])
    func configErrorsExitNonZeroWithFileAndLine(_ yaml: String, _ message: String) async throws {
        let directory = try TemporaryDirectory()
        let config = try directory.write("c.yaml", yaml)
        for (binary, arguments) in [("feedd", ["--config", config, "--once"]), ("feedctl", ["list", "--config", config])] {
            let result = try await Subprocess.run(binary, arguments)
            #expect(result.status != 0, "\(binary)")
            #expect(result.stderr.contains(directory.url.path + "/" + message), "\(binary): \(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1, "one line: \(result.stderr)")
        }
    }

    @Test func missingConfigIsAClearError() async throws {
        let result = try await Subprocess.run("feedctl", ["list", "--config", "/nonexistent/feedd.yaml"])
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("feedctl: /nonexistent/feedd.yaml: cannot read"))
    }

    @Test func parseJSONHasEveryKey() async throws {
        let path = Self.repositoryRoot.appendingPathComponent("config/examples/les-ondes-podcast.xml").path
        let result = try await Subprocess.run("feedctl", ["parse", path, "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let feed = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(feed["format"] as? String == "rss2.0")
        for key in ["title", "link", "description", "language", "updated", "items"] { #expect(feed.keys.contains(key)) }
        let items = try #require(feed["items"] as? [[String: Any]])
        let keys: Set<String> = ["id", "title", "link", "published", "updated", "authors", "categories", "summary", "content", "enclosures"]
        #expect(items.allSatisfy { keys.isSubset(of: Set($0.keys)) })
        #expect(items.contains { ($0["enclosures"] as? [Any])?.count == 2 })

        // Feed text with C1 controls and line separators comes out as escapes, never raw (the titles have
        // their controls removed already; the summary is kept as written).
        let directory = try TemporaryDirectory()
        let hostile = try directory.write("h.xml", "<rss version=\"2.0\"><channel><title>T\u{9B}2J</title><item><title>a\u{2028}b</title>"
            + "<description>x\u{7F}y\u{85}z</description></item></channel></rss>")
        let escaped = try await Subprocess.run("feedctl", ["parse", hostile, "--json"])
        #expect(escaped.stdout.contains("\"T2J\"") && escaped.stdout.contains("\"a\\u2028b\""), "\(escaped.stdout)")
        #expect(escaped.stdout.contains("\"x\\u007fy\\u0085z\""))
        #expect(!escaped.stdout.unicodeScalars.contains { (0x7F...0x9F).contains($0.value) || $0.value == 0x2028 })
    }
}

extension BinariesTests {
    @Test func unreadBringsItemsBackAndUsageErrorsExitTwo() async throws {
        let server = try TestHTTPServer { _ in .init(body: Self.sample("outil-releases.atom")) }
        let directory = try TemporaryDirectory()
        let config = try directory.write("c.yaml", "state_dir: s\nfeeds:\n  - url: \(server.url("/releases.atom"))\n")
        #expect(try await Subprocess.run("feedd", ["--config", config, "--once"]).status == 0)
        #expect(try await Subprocess.run("feedctl", ["read", "--all", "--config", config]).stdout == "3 item(s) marked read\n")
        let all = try await Subprocess.run("feedctl", ["list", "--all", "--json", "--config", config])
        let items = try #require(try JSONSerialization.jsonObject(with: Data(all.stdout.utf8)) as? [[String: Any]])
        let id = try #require(items.first?["id"] as? String)
        #expect(try await Subprocess.run("feedctl", ["unread", String(id.prefix(6)), "--config", config]).stdout == "1 item(s) marked unread\n")
        let list = try await Subprocess.run("feedctl", ["list", "--format", "tsv", "--config", config]).stdout
        #expect(list.split(separator: "\n").count == 1 && list.contains("v2.4.0"))

        let usage = try await Subprocess.run("feedctl", ["read", "--config", config])  // neither ids nor --all
        #expect(usage.status == 2)
        #expect(try await Subprocess.run("feedctl", ["list", "--no-such-flag"]).status == 2)
        #expect(try await Subprocess.run("feedctl", ["read", "ffffffffffff", "--config", config]).status == 1)
    }

    @Test func configCheckAndPathShowWhatIsUsed() async throws {
        let directory = try TemporaryDirectory()
        let config = try directory.write("c.yaml", """
            state_dir: store
            defaults:
              interval: auto
            feeds:
              - url: https://blog.example.org/feed/
                name: Blog
                on_update: unread
            """)
        let path = try await Subprocess.run("feedctl", ["config", "path", "--config", config])
        #expect(path.stdout == "config: \(config)\nstate_dir: \(directory.url.appendingPathComponent("store").path)\n")
        let check = try await Subprocess.run("feedctl", ["config", "check", "--config", config])
        #expect(check.status == 0)
        #expect(check.stdout.contains("schedule: min_interval 5m, max_interval 1d"))
        #expect(check.stdout.contains("- https://blog.example.org/feed/ (Blog): interval auto, timeout 30s, retention 500 items / 180d, on_update unread"))
        let broken = try await Subprocess.run("feedctl", ["config", "check", "--config", try directory.write("bad.yaml", "feeds:\n  - url: ftp://x\n")])
        #expect(broken.status == 1 && broken.stderr.contains("bad.yaml:2: bad URL"))
    }

    @Test func onceHonoursWhatAnEarlierRunWasToldAndForceOverrides() async throws {
        // Two hosts: one answers 429 for one feed (its other feed must wait too), the other 410 for one feed.
        let rss = "<rss version=\"2.0\"><channel><title>T</title><item><guid>1</guid><title>one</title></item></channel></rss>"
        let first = try TestHTTPServer { request in
            request.path == "/busy" ? .init(status: 429, headers: [("Retry-After", "3600")]) : .init(text: rss)
        }
        let second = try TestHTTPServer { request in request.path == "/gone" ? .init(status: 410) : .init(text: rss) }
        let directory = try TemporaryDirectory()
        let config = try directory.write("c.yaml", """
            state_dir: s
            feeds:
              - url: \(first.url("/busy"))
                name: Busy
              - url: \(first.url("/sibling"))
                name: Sibling
              - url: \(second.url("/gone"))
                name: Gone
              - url: \(second.url("/ok"))
                name: Fine
            """)
        func requested() -> [String] { (first.requests + second.requests).map(\.path).sorted() }

        _ = try await Subprocess.run("feedd", ["--config", config, "--once"])
        #expect(requested() == ["/busy", "/gone", "/ok", "/sibling"])

        let again = try await Subprocess.run("feedd", ["--config", config, "--once"])
        #expect(again.status == 0)
        #expect(requested() == ["/busy", "/gone", "/ok", "/ok", "/sibling"], "only the feed nobody asked to wait")
        let notices = again.stderr.split(separator: "\n").filter { $0.contains("not fetched") }
        #expect(notices.count == 3, "\(again.stderr)")
        #expect(notices.contains { $0.contains("/busy") && $0.contains("Retry-After") && $0.contains("--force") })
        #expect(notices.contains { $0.contains("/sibling") && $0.contains("127.0.0.1:\(first.port)") })
        #expect(notices.contains { $0.contains("/gone") && $0.contains("410 Gone") })

        // feedctl fetch with no daemon running says what it fetched and what it skipped.
        let fetch = try await Subprocess.run("feedctl", ["fetch", "--config", config])
        #expect(fetch.status == 0)
        let lines = fetch.stdout.split(separator: "\n")
        #expect(lines.first == "fetched 1 of 4 feed(s): 0 new item(s), 0 updated, 1 not modified, 0 failed", "\(fetch.stdout)")
        #expect(lines.filter { $0.hasPrefix("skipped") }.map { $0.split(separator: ":")[0] } == ["skipped  Busy", "skipped  Sibling", "skipped  Gone"])

        let forced = try await Subprocess.run("feedd", ["--config", config, "--once", "--force"])
        #expect(forced.status == 0)
        #expect(requested().filter { $0 != "/ok" } == ["/busy", "/busy", "/gone", "/gone", "/sibling", "/sibling"])
        #expect(try await Subprocess.run("feedd", ["--config", config, "--force"]).status != 0, "--force without --once")
    }

    @Test func aFileNameWithEscapeSequencesIsPrintedEscaped() async throws {
        let directory = try TemporaryDirectory()
        let hostile = "feeds\u{1B}]0;owned\u{07}\u{1B}[2J.yaml"
        let missing = directory.url.appendingPathComponent(hostile).path
        let broken = try directory.write("broken\u{1B}[31m.yaml", "feeds:\n  - url: [unclosed\n")
        for (tool, arguments) in [
            ("feedctl", ["list", "--config", missing]), ("feedctl", ["list", "--config", broken]),
            ("feedd", ["--once", "--config", missing]), ("feedd", ["--once", "--config", broken]),
            ("feedctl", ["import", directory.url.appendingPathComponent("in\u{1B}[1m.opml").path, "--config", broken]),
        ] {
            let result = try await Subprocess.run(tool, arguments)
            #expect(result.status != 0)
            #expect(!result.stderr.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 }, "\(tool) \(arguments)")
            #expect(result.stderr.contains("\\e["), "\(tool) \(arguments): \(result.stderr)")
        }
        let named = try await Subprocess.run("feedctl", ["list", "--config", missing])
        #expect(named.stderr.contains("feeds\\e]0;owned\\x07\\e[2J.yaml"), "\(named.stderr)")
    }
}

