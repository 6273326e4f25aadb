import Foundation
import Synchronization
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `full_text` end to end: a feed of teasers and its pages on one local server, the real `feedd --once`
/// storing the articles, the real `feedctl` showing them; the page fetches polite (the feed's identity, one
/// at a time per host, credentials only for the feed's host) and bounded (5 MiB).
struct FullArticleTests {
    static let pages = BinariesTests.repositoryRoot.appendingPathComponent("Tests/FeedArticleTests/Fixtures/Pages")

    static func page(_ name: String) -> Data { FileManager.default.contents(atPath: pages.appendingPathComponent(name).path) ?? Data() }

    static let longContent = String(repeating: "Un paragraphe entier de l’article, tel que le flux le donne, sans coupure. ", count: 30)

    /// Six items, newest first: five teasers and one whole article. With `full_text_limit: 4` the oldest
    /// teaser is not fetched.
    static func feed(host: String, otherHost: String) -> String {
        func item(_ slug: String, day: Int, description: String, on server: String? = nil) -> String {
            """
            <item><title>Article \(slug)</title><link>\(server ?? host)/articles/\(slug).html</link><guid>\(slug)</guid>
            <pubDate>\(String(format: "%02d", day)) Dec 2026 09:00:00 +0000</pubDate><description>\(description)</description></item>
            """
        }
        let teaser = "Le début de l’article seulement, pour donner envie de lire la suite [&#8230;]"
        return """
            <?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Teasers</title>
            \(item("wordpress", day: 6, description: teaser))
            \(item("big", day: 5, description: teaser))
            \(item("missing", day: 4, description: teaser))
            \(item("video", day: 3, description: teaser, on: otherHost))
            \(item("whole", day: 2, description: "<![CDATA[<p>\(longContent)</p>]]>"))
            \(item("oldest", day: 1, description: teaser))
            </channel></rss>
            """
    }

    @Test func teasersGetTheirArticlesAndFailuresAreKept() async throws {
        let inFlight = Mutex((now: [String: Int](), most: 0))
        let pageRequests = Mutex<[(path: String, userAgent: String?, auth: String?)]>([])
        let hosts = Mutex((own: "", other: ""))
        let server = try TestHTTPServer { request in
            if request.path == "/feed" {
                let (own, other) = hosts.withLock { ($0.own, $0.other) }
                return .init(headers: [("Content-Type", "application/rss+xml")], text: Self.feed(host: own, otherHost: other))
            }
            pageRequests.withLock { $0.append((request.path, request.headers["user-agent"], request.headers["authorization"])) }
            let host = request.headers["host"] ?? ""
            inFlight.withLock { $0.now[host, default: 0] += 1; $0.most = max($0.most, $0.now[host] ?? 0) }
            defer { inFlight.withLock { $0.now[host, default: 0] -= 1 } }
            usleep(150_000)  // long enough for a second fetch to the host to overlap, if one were allowed
            switch request.path {
            case "/articles/wordpress.html", "/articles/whole.html":
                return .init(headers: [("Content-Type", "text/html; charset=UTF-8")], body: Self.page("wordpress-fr.html"))
            case "/articles/big.html":
                return .init(headers: [("Content-Type", "text/html")], body: Data(repeating: UInt8(ascii: "x"), count: 6 << 20))
            case "/articles/video.html":
                return .init(headers: [("Content-Type", "text/html")], body: Self.page("video-only.html"))
            default:
                return .init(status: 404, text: "not here")
            }
        }
        let own = "http://127.0.0.1:\(server.port)"
        hosts.withLock { $0 = (own, "http://localhost:\(server.port)") }
        let directory = try TemporaryDirectory()
        let password = try directory.write("password", "s3cret\n")
        let config = try directory.write("c.yaml", """
            state_dir: state
            defaults:
              full_text: auto
              full_text_limit: 4
            feeds:
              - url: \(own)/feed
                user_agent: feedd-test-agent/1.0
                auth:
                  username: reader
                  password_file: \(password)
            """)
        let daemon = try await Subprocess.run("feedd", ["--config", config, "--once"])
        #expect(daemon.status == 0, "\(daemon.stderr)")

        // The four newest teasers' pages, no more; never the whole article's; one at a time to the host.
        let fetched = pageRequests.withLock { $0 }
        #expect(Set(fetched.map(\.path)) == ["/articles/wordpress.html", "/articles/big.html", "/articles/missing.html", "/articles/video.html"])
        #expect(inFlight.withLock { $0.most } == 1)
        #expect(fetched.allSatisfy { $0.userAgent == "feedd-test-agent/1.0" })
        // Credentials go to the feed's own host only (localhost is another host).
        #expect(fetched.filter { $0.auth != nil }.map(\.path).sorted() == ["/articles/big.html", "/articles/missing.html", "/articles/wordpress.html"])
        #expect(fetched.first { $0.path == "/articles/video.html" }?.auth == nil)

        let list = try await Subprocess.run("feedctl", ["list", "--json", "--config", config])
        let items = try #require(try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]])
        func id(_ title: String) throws -> String { try #require(items.first { $0["title"] as? String == title }?["id"] as? String) }

        func article(_ title: String) async throws -> [String: Any]? {
            let shown = try await Subprocess.run("feedctl", ["show", try id(title), "--json", "--config", config])
            let object = try #require(try JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: Any])
            return object["article"] as? [String: Any]
        }
        let kept = try #require(try await article("Article wordpress"))
        #expect(kept["failure"] is NSNull)
        #expect((kept["html"] as? String)?.contains("<p>") == true)
        #expect((try await article("Article big"))?["failure"] as? String == "body larger than 5242880 bytes")
        #expect((try await article("Article missing"))?["failure"] as? String == "HTTP 404")
        #expect(((try await article("Article video"))?["failure"] as? String)?.hasPrefix("no article") == true)
        #expect(try await article("Article whole") == nil)
        #expect(try await article("Article oldest") == nil)

        // `show` prefers the article and says so; the feed's own text is still stored.
        let expected = try String(contentsOf: Self.pages.appendingPathComponent("wordpress-fr.expected.txt"), encoding: .utf8)
        let secondParagraph = expected.components(separatedBy: "\n\n")[2]
        let shown = try await Subprocess.run("feedctl", ["show", try id("Article wordpress"), "--config", config])
        #expect(shown.stdout.contains("Article:    full text extracted from the page on "))
        #expect(shown.stdout.replacingOccurrences(of: "\n", with: " ").contains(String(secondParagraph.prefix(60))))
        let failed = try await Subprocess.run("feedctl", ["show", try id("Article missing"), "--config", config])
        #expect(failed.stdout.contains("Article:    none (HTTP 404, "))
        #expect(failed.stdout.contains("Le début de l’article seulement"))

        // A second run has no new item: no page is fetched again.
        _ = try await Subprocess.run("feedd", ["--config", config, "--once", "--force"])
        #expect(pageRequests.withLock { $0.count } == 4)

        // On demand, for any item: fetched, kept, shown.
        let full = try await Subprocess.run("feedctl", ["show", try id("Article whole"), "--full", "--config", config])
        #expect(full.status == 0, "\(full.stderr)")
        #expect(full.stdout.contains("Article:    full text extracted from the page on "))
        #expect(try await article("Article whole")?["words"] as? Int ?? 0 > 100)
        let noPage = try await Subprocess.run("feedctl", ["show", try id("Article oldest"), "--full", "--config", config])
        #expect(noPage.status == 1)
        #expect(noPage.stderr == "feedctl: no full article: HTTP 404\n")

        // `feedctl extract URL` gives what the daemon kept, as text.
        let extracted = try await Subprocess.run("feedctl", ["extract", "\(own)/articles/wordpress.html", "--json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(extracted.stdout.utf8)) as? [String: Any])
        #expect(object["text"] as? String == String(expected.dropLast()))
        #expect(object["url"] as? String == "\(own)/articles/wordpress.html")
    }
}
