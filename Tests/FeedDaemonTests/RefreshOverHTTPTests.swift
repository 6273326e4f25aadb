import FeedCore
import FeedDaemon
import FeedConfiguration
import FeedFetcher
import FeedStore
import Foundation
import Logging
import Synchronization
import TestSupport
import Testing

/// The whole refresh path against a real HTTP server on 127.0.0.1.
struct RefreshOverHTTPTests {
    static func rss(items: Range<Int>) -> String {
        let entries = items.map { number in
            """
            <item><title>Article n\u{00B0}\(number) &#8217; «\u{00A0}ok\u{00A0}»</title>
            <link>https://blog.example.org/\(number)</link><guid isPermaLink="false">post-\(number)</guid>
            <pubDate>Mon, 0\(number % 9 + 1) Nov 2026 10:00:00 +0100</pubDate></item>
            """
        }
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss version=\"2.0\"><channel><title>Blog</title>"
            + entries.joined() + "</channel></rss>"
    }

    struct Setup {
        let directory: TemporaryDirectory
        let store: FeedStore
        let refresher: Refresher

        init() throws {
            directory = try TemporaryDirectory()
            store = try FeedStore(directory: directory.url)
            refresher = Refresher(store: store, engine: FetchEngine(), logger: Logger(label: "test"))
        }

        func feed(_ url: URL) -> FeedConfig {
            let yaml = "feeds:\n  - url: \(url.absoluteString)\n"
            return (try? Configuration.parse(yaml, path: directory.url.appendingPathComponent("c.yaml").path).feeds[0])!
        }
    }

    @Test func conditionalGetAndNoDuplicates() async throws {
        let server = try TestHTTPServer { request in
            if request.headers["if-none-match"] == "\"v1\"" { return .init(status: 304, headers: [("ETag", "\"v1\"")]) }
            return .init(
                headers: [("ETag", "\"v1\""), ("Last-Modified", "Mon, 02 Nov 2026 10:00:00 GMT"), ("Content-Type", "application/rss+xml; charset=utf-8")],
                text: Self.rss(items: 1..<4))
        }
        let setup = try Setup()
        let feed = setup.feed(server.url("/feed"))

        let first = await setup.refresher.refresh(feed)
        #expect(first.result == .updated(new: 3, changed: 0))
        #expect(first.status == 200)
        let second = await setup.refresher.refresh(feed)
        #expect(second.result == .notModified)
        #expect(server.requests[1].headers["if-none-match"] == "\"v1\"")
        #expect(server.requests[1].headers["if-modified-since"] == "Mon, 02 Nov 2026 10:00:00 GMT")
        #expect(server.requests[0].headers["user-agent"]?.hasPrefix("feedd/") == true)
        #expect(server.requests[0].headers["accept-encoding"]?.contains("gzip") == true)

        let stored = try #require(try setup.store.loadFeed(url: feed.url.absoluteString))
        #expect(stored.items.count == 3)
        #expect(stored.items.first?.title == "Article n°3 ’ «\u{00A0}ok\u{00A0}»")
        #expect(stored.fetch.lastResult == "not modified")
    }

    @Test func serverIgnoringValidatorsStillStoresNothingTwice() async throws {
        let body = Mutex(Self.rss(items: 1..<3))
        let server = try TestHTTPServer { _ in .init(text: body.withLock { $0 }) }
        let setup = try Setup()
        let feed = setup.feed(server.url("/feed"))
        #expect(await setup.refresher.refresh(feed).result == .updated(new: 2, changed: 0))
        #expect(await setup.refresher.refresh(feed).result == .notModified)  // same bytes: not even parsed
        body.withLock { $0 = Self.rss(items: 1..<5) }
        #expect(await setup.refresher.refresh(feed).result == .updated(new: 2, changed: 0))
        let stored = try #require(try setup.store.loadFeed(url: feed.url.absoluteString))
        #expect(Set(stored.items.map(\.id)).count == 4)
        #expect(stored.items.count == 4)
    }

    @Test func permanentRedirectIsRecordedAndFollowedNextTime() async throws {
        let server = try TestHTTPServer { request in
            switch request.path {
            case "/old": return .init(status: 301, headers: [("Location", "/new")])
            case "/new": return .init(text: Self.rss(items: 1..<2))
            default: return .init(status: 404)
            }
        }
        let setup = try Setup()
        let feed = setup.feed(server.url("/old"))
        #expect(await setup.refresher.refresh(feed).result == .updated(new: 1, changed: 0))
        let stored = try #require(try setup.store.loadFeed(url: feed.url.absoluteString))
        #expect(stored.fetch.movedTo == server.url("/new").absoluteString)
        #expect(await setup.refresher.refresh(feed).result == .notModified)
        #expect(server.requests.map(\.path) == ["/old", "/new", "/new"])
    }

    @Test func redirectToAFileIsRefused() async throws {
        let server = try TestHTTPServer { _ in .init(status: 302, headers: [("Location", "file:///etc/passwd")]) }
        let setup = try Setup()
        let outcome = await setup.refresher.refresh(setup.feed(server.url("/feed")))
        guard case .failed(let message) = outcome.result else {
            Issue.record("a redirect to file:// must fail, got \(outcome.result)")
            return
        }
        #expect(message.contains("refused URL scheme") || message.contains("redirect"))
    }

    @Test func tooManyRedirectsFail() async throws {
        let server = try TestHTTPServer { request in
            let hop = Int(request.path.dropFirst()) ?? 0
            return .init(status: 302, headers: [("Location", "/\(hop + 1)")])
        }
        let setup = try Setup()
        let outcome = await setup.refresher.refresh(setup.feed(server.url("/0")))
        #expect(outcome.result == .failed("more than 5 redirects"))
        #expect(server.requests.count == 6)
    }

    @Test func aFailingFeedDoesNotStopTheOthers() async throws {
        let server = try TestHTTPServer { request in
            switch request.path {
            case "/good": return .init(text: Self.rss(items: 1..<3))
            case "/html": return .init(headers: [("Content-Type", "text/html")], text: "<!DOCTYPE html><html><head><link rel=alternate type=application/rss+xml href=/good></head></html>")
            default: return .init(status: 404, text: "nope")
            }
        }
        let directory = try TemporaryDirectory()
        let yaml = """
            feeds:
              - url: \(server.url("/missing"))
              - url: \(server.url("/html"))
              - url: \(server.url("/good"))
              - url: http://127.0.0.1:1/closed-port
            """
        let config = try Configuration.parse(yaml, path: directory.url.appendingPathComponent("c.yaml").path)
        let daemon = try Daemon(configuration: config, stateDirectory: directory.url, logger: Logger(label: "test"))
        let outcomes = await daemon.refreshOnce(force: false).outcomes
        #expect(outcomes.map(\.result) == [
            .failed("HTTP 404"),
            .failed("not a feed: looks like an HTML page; it advertises \(server.url("/good"))"),
            .updated(new: 2, changed: 0),
            outcomes[3].result,
        ])
        guard case .failed(let message) = outcomes[3].result else {
            Issue.record("a closed port must fail")
            return
        }
        #expect(message.hasPrefix("connection failed"))
        let failing = try #require(try daemon.store.loadFeed(url: server.url("/missing").absoluteString))
        #expect(failing.fetch.consecutiveFailures == 1)
        #expect(failing.fetch.lastResult == "HTTP 404")
    }
}

extension RefreshOverHTTPTests {
    /// gzip with the system's `gzip`, so the test server can answer in the encoding libcurl asked for.
    static func gzip(_ data: Data) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/gzip")
        process.arguments = ["-c"]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(data)
        try input.fileHandleForWriting.close()
        let compressed = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return compressed
    }

    @Test func gzipBodyIsDecoded() async throws {
        let compressed = try Self.gzip(Data(Self.rss(items: 1..<4).utf8))
        let server = try TestHTTPServer { request in
            guard request.headers["accept-encoding"]?.contains("gzip") == true else { return .init(status: 406) }
            return .init(headers: [("Content-Encoding", "gzip"), ("Content-Type", "application/rss+xml")], body: compressed)
        }
        let setup = try Setup()
        let outcome = await setup.refresher.refresh(setup.feed(server.url("/gz")))
        #expect(outcome.result == .updated(new: 3, changed: 0))
        #expect(outcome.bytes > compressed.count)
    }
}
