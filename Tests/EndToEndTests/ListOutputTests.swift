import Foundation
import TestSupport
import Testing

/// `feedctl list` as a person and a script see it: widths with wide characters, filters, TSV, and feed
/// text that carries terminal escape sequences.
@Suite(.serialized)
struct ListOutputTests {
    static func rss(_ items: [(title: String, link: String, category: String, description: String)], title: String) -> Data {
        var text = "<rss version=\"2.0\"><channel><title>\(title)</title>"
        for (index, item) in items.enumerated() {
            text += "<item><guid>\(title)-\(index)</guid><title>\(item.title)</title><link>\(item.link)</link>"
                + "<category>\(item.category)</category><description>\(item.description)</description>"
                + "<pubDate>\(["Mon, 23 Nov 2026 10:00:00 GMT", "Tue, 24 Nov 2026 10:00:00 GMT", "Wed, 25 Nov 2026 10:00:00 GMT"][index % 3])</pubDate></item>"
        }
        return Data((text + "</channel></rss>").utf8)
    }

    /// A store with a French feed (accents, « »), a Japanese one (CJK, emoji) and a hostile one.
    static func world() async throws -> (TestHTTPServer, TemporaryDirectory, String) {
        let server = try TestHTTPServer { request in
            switch request.path {
            case "/fr":
                return .init(body: rss([
                    ("L’été « caniculaire » à Marseille : bilan", "https://fr.example/ete", "Climat", "Résumé sur la chaleur"),
                    ("Élections municipales", "https://fr.example/elections", "Politique", "Les résultats"),
                ], title: "Le Journal"))
            case "/jp":
                return .init(body: rss([("東京の天気予報 🌸 週末は晴れ、来週は雨の予報です", "https://jp.example/tenki", "天気", "晴れ")], title: "ニュース"))
            default:
                // ESC [31m, OSC 52 clipboard write, BEL, backspace and the 8-bit CSI, as character references
                // the parser drops and as raw bytes it keeps, in the title, the feed's title, the link.
                let hostile = "Pwn\u{1B}[31m red\u{07}\u{08}\u{9B}2J \u{1B}]52;c;ZXZpbA==\u{07} end"
                return .init(body: rss([(hostile, "javascript:alert(1)", "x", "y\u{9B}z")], title: "Evil\u{1B}[2J\u{9B}"))
            }
        }
        let directory = try TemporaryDirectory()
        let config = try directory.write("c.yaml", """
            state_dir: s
            feeds:
              - url: \(server.url("/fr"))
                tags: [news, fr]
              - url: \(server.url("/jp"))
                tags: news
              - url: \(server.url("/evil"))
            """)
        _ = try await Subprocess.run("feedd", ["--config", config, "--once"])
        return (server, directory, config)
    }

    /// Display width as the layout counts it: CJK and emoji two cells.
    static func cells(_ line: Substring) -> Int {
        line.unicodeScalars.reduce(0) { total, scalar in
            let wide = (0x3000...0x9FFF).contains(scalar.value) || (0xFF00...0xFF60).contains(scalar.value) || scalar.properties.isEmojiPresentation
            return total + (wide ? 2 : 1)
        }
    }

    @Test func linesFitTheWidthWithWideCharactersAndTruncateWithAnEllipsis() async throws {
        let (server, directory, config) = try await Self.world()
        defer { withExtendedLifetime((server, directory)) {} }
        for width in [40, 120] {
            let result = try await Subprocess.run("feedctl", ["list", "--config", config], environment: ["COLUMNS": "\(width)"])
            let lines = result.stdout.split(separator: "\n").dropLast()  // the counts line
            #expect(lines.count == 4)
            for line in lines { #expect(Self.cells(line) <= width, "\(width): \(line)") }
            #expect(result.stdout.hasSuffix("4 unread item(s)\n"))
            if width == 40 {
                #expect(lines.contains { $0.contains("東京") && $0.hasSuffix("…") })
            } else {
                #expect(lines.contains { $0.hasSuffix("東京の天気予報 🌸 週末は晴れ、来週は雨の予報です") })
                #expect(lines.contains { $0.hasSuffix("L’été « caniculaire » à Marseille : bilan") })
            }
        }
    }

    @Test func filtersSelectByFeedTagDateAndAccentInsensitiveSearch() async throws {
        let (server, directory, config) = try await Self.world()
        defer { withExtendedLifetime((server, directory)) {} }
        func titles(_ arguments: [String]) async throws -> [String] {
            let tsv = try await Subprocess.run("feedctl", ["list", "--format", "tsv", "--config", config] + arguments).stdout
            return tsv.split(separator: "\n").map { String($0.split(separator: "\t", omittingEmptySubsequences: false)[3]) }
        }
        #expect(try await titles(["--feed", "Le Journal"]).count == 2)
        #expect(try await titles(["--feed", server.url("/jp").absoluteString]).count == 1)
        #expect(try await titles(["--tag", "fr"]).count == 2)
        #expect(try await titles(["--tag", "news"]).count == 3)
        #expect(try await titles(["--search", "ETE"]) == ["L’été « caniculaire » à Marseille : bilan"])
        #expect(try await titles(["--search", "Caniculaire"]) == ["L’été « caniculaire » à Marseille : bilan"])
        #expect(try await titles(["--search", "resultats"]) == ["Élections municipales"])  // in the summary
        #expect(try await titles(["--since", "2026-11-24"]) == ["Élections municipales"])
        #expect(try await titles(["--limit", "1"]).count == 1)
        let bad = try await Subprocess.run("feedctl", ["list", "--since", "someday", "--config", config])
        #expect(bad.status == 2)
    }

    @Test func escapeSequencesNeverReachTheOutput() async throws {
        let (server, directory, config) = try await Self.world()
        defer { withExtendedLifetime((server, directory)) {} }
        for arguments in [["list"], ["list", "-l"], ["list", "--format", "tsv"], ["list", "--json"], ["list", "--all"], ["feeds"], ["feeds", "--json"]] {
            let result = try await Subprocess.run("feedctl", arguments + ["--config", config])
            let bytes = Array(result.stdout.utf8)
            for forbidden: [UInt8] in [[0x1B], [0x07], [0x08], [0xC2, 0x9B]] {
                #expect(bytes.firstRange(of: forbidden) == nil, "\(arguments): \(forbidden)")
            }
            #expect(!result.stdout.contains("javascript:"), "\(arguments)")
        }
    }
}

extension ListOutputTests {
    @Test func showRendersContentAsTextWithNumberedLinksWithinTheWidth() async throws {
        let server = try TestHTTPServer { request in
            request.path == "/fr"
                ? .init(body: BinariesTests.sample("carnet-du-libriste.xml"))
                : .init(body: Self.rss([("Evil\u{1B}[2J", "https://evil.example/1", "x",
                                         "&lt;p&gt;a\u{1B}]52;c;ZXZpbA==\u{07} &lt;a href='javascript:alert(1)'&gt;x&lt;/a&gt;\u{9B}&lt;/p&gt;")], title: "E"))
        }
        let directory = try TemporaryDirectory()
        let config = try directory.write("c.yaml", "state_dir: s\nfeeds:\n  - url: \(server.url("/fr"))\n  - url: \(server.url("/evil"))\n")
        _ = try await Subprocess.run("feedd", ["--config", config, "--once"])
        let listed = try await Subprocess.run("feedctl", ["list", "--json", "--config", config]).stdout
        let items = try #require(try JSONSerialization.jsonObject(with: Data(listed.utf8)) as? [[String: Any]])
        let article = try #require(items.first { ($0["title"] as? String)?.hasPrefix("L’auto-hébergement") == true }?["id"] as? String)

        let page = try await Subprocess.run("feedctl", ["show", String(article.prefix(7)), "--config", config], environment: ["COLUMNS": "60"])
        #expect(page.status == 0, "\(page.stderr)")
        let lines = page.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.first == "L’auto-hébergement en 2026\u{00A0}: « simple » ?")
        #expect(lines.contains("Author:     Odile Marchetti"))
        #expect(lines.contains { $0.hasPrefix("• l’installation d’un système de base") })
        #expect(page.stdout.contains("dédiée [1]"))
        #expect(lines.contains("[1] https://notes.carnet-libriste.example.fr/serveur-de-salon"))
        #expect(lines.filter { !$0.hasPrefix("Link") && !$0.hasPrefix("[") }.allSatisfy { Self.cells($0) <= 60 })
        #expect(!page.stdout.contains("<p>") && !page.stdout.contains("&#8217;"))

        let raw = try await Subprocess.run("feedctl", ["show", article, "--html", "--config", config]).stdout
        #expect(raw.contains("<p>") && raw.contains("<ul>"))

        let evil = try #require(items.first { ($0["title"] as? String)?.hasPrefix("Evil") == true }?["id"] as? String)
        for arguments in [["show", evil], ["show", evil, "--html"]] {
            let bytes = Array(try await Subprocess.run("feedctl", arguments + ["--config", config]).stdout.utf8)
            for forbidden: [UInt8] in [[0x1B], [0x07], [0xC2, 0x9B]] { #expect(bytes.firstRange(of: forbidden) == nil, "\(arguments)") }
        }
        #expect(!(try await Subprocess.run("feedctl", ["show", evil, "--config", config]).stdout.contains("javascript:")))
        #expect(try await Subprocess.run("feedctl", ["show", "ffffffffffff", "--config", config]).status == 1)
    }
}

extension ListOutputTests {
    @Test func readByFeedAndBeforeADate() async throws {
        let (server, directory, config) = try await Self.world()
        defer { withExtendedLifetime((server, directory)) {} }
        #expect(try await Subprocess.run("feedctl", ["read", "--feed", "Le Journal", "--before", "2026-11-24", "--config", config]).stdout
            == "1 item(s) marked read\n")
        let left = try await Subprocess.run("feedctl", ["list", "--format", "tsv", "--config", config]).stdout
        #expect(left.split(separator: "\n").count == 3)
        #expect(!left.contains("caniculaire"))
        #expect(try await Subprocess.run("feedctl", ["read", "--feed", "ニュース", "--config", config]).stdout == "1 item(s) marked read\n")
        #expect(try await Subprocess.run("feedctl", ["read", "abc", "--all", "--config", config]).status == 2)
    }

    @Test func anItemDatedFarAheadSortsByWhenItWasFirstSeenAndKeepsItsDate() async throws {
        // The first fetch finds an item dated 2099; the second, a new one dated at that moment.
        let fetches = Locked(0)
        let server = try TestHTTPServer { _ in
            let round = fetches.withLock { count in
                count += 1
                return count
            }
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "UTC")
            formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
            var items = "<item><guid>future</guid><title>Dated 2099</title><pubDate>Thu, 01 Jan 2099 00:00:00 GMT</pubDate></item>"
            if round > 1 {
                items = "<item><guid>now</guid><title>Published now</title><pubDate>\(formatter.string(from: Date()))</pubDate></item>" + items
            }
            return .init(text: "<rss version=\"2.0\"><channel><title>T</title>\(items)</channel></rss>")
        }
        let directory = try TemporaryDirectory()
        let config = try directory.write("c.yaml", "state_dir: s\nfeeds:\n  - url: \(server.url("/f"))\n")
        _ = try await Subprocess.run("feedd", ["--config", config, "--once"])
        try await Task.sleep(for: .seconds(1.1))  // a publication date later than the first sighting, to the second
        _ = try await Subprocess.run("feedd", ["--config", config, "--once"])
        let tsv = try await Subprocess.run("feedctl", ["list", "--format", "tsv", "--config", config]).stdout
        let rows = tsv.split(separator: "\n").map { $0.split(separator: "\t", omittingEmptySubsequences: false) }
        #expect(rows.map { $0[3] } == ["Published now", "Dated 2099"])
        #expect(rows.last?[1] == "2099-01-01T00:00:00Z")
        let json = try await Subprocess.run("feedctl", ["list", "--json", "--config", config]).stdout
        #expect(json.contains("\"published\": \"2099-01-01T00:00:00Z\""))
        withExtendedLifetime((server, directory)) {}
    }
}
