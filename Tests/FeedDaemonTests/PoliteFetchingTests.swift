import FeedCore
import FeedDaemon
import FeedConfiguration
import FeedFetcher
import FeedStore
import Foundation
import Logging
import TestScheduling
import TestSupport
import Testing

/// The HTTP decisions of the refresh path, against a real server: validators, moves, 410, 429/503, credentials.
@Suite(.ownThread)
struct PoliteFetchingTests {
    typealias Setup = RefreshOverHTTPTests.Setup
    static let rss = RefreshOverHTTPTests.rss(items:)

    @Test func validatorsAreRefreshedWhenA304CarriesNewOnes() async throws {
        let server = try TestHTTPServer { request in
            switch request.headers["if-none-match"] {
            case nil: return .init(headers: [("ETag", "\"v1\"")], text: Self.rss(1..<3))
            case "\"v1\"": return .init(status: 304, headers: [("ETag", "\"v2\"")])
            default: return .init(status: 304)
            }
        }
        let setup = try Setup()
        let feed = setup.feed(server.url("/feed"))
        _ = await setup.refresher.refresh(feed)
        #expect(await setup.refresher.refresh(feed).result == .notModified)
        #expect(await setup.refresher.refresh(feed).result == .notModified)
        #expect(server.requests.map { $0.headers["if-none-match"] } == [nil, "\"v1\"", "\"v2\""])
    }

    @Test func aNotModifiedAnswerRewritesOnlyTheStateFile() async throws {
        let server = try TestHTTPServer { request in
            request.headers["if-none-match"] == "\"v1\"" ? .init(status: 304) : .init(headers: [("ETag", "\"v1\"")], text: Self.rss(1..<3))
        }
        let setup = try Setup()
        let feed = setup.feed(server.url("/feed"))
        _ = await setup.refresher.refresh(feed)
        let itemsFile = setup.store.feedFileURL(forFeedURL: feed.url.absoluteString).path
        let before = try FileManager.default.attributesOfItem(atPath: itemsFile)[.systemFileNumber] as? Int
        #expect(await setup.refresher.refresh(feed).result == .notModified)
        let after = try FileManager.default.attributesOfItem(atPath: itemsFile)[.systemFileNumber] as? Int
        #expect(before != nil && before == after, "the items file was not replaced")
        #expect(try setup.store.loadFetchState(url: feed.url.absoluteString)?.lastResult == "not modified")
    }

    @Test func aCorruptItemsFileIsSetAsideAndTheFeedFetchedAgainInFull() async throws {
        let server = try TestHTTPServer { request in
            request.headers["if-none-match"] == "\"v1\"" ? .init(status: 304) : .init(headers: [("ETag", "\"v1\"")], text: Self.rss(1..<4))
        }
        let setup = try Setup()
        let feed = setup.feed(server.url("/feed"))
        _ = await setup.refresher.refresh(feed)
        let itemsFile = setup.store.feedFileURL(forFeedURL: feed.url.absoluteString)
        try Data("{\"schema\":2,\"url\":".utf8).write(to: itemsFile)  // a disk fault cut it short
        #expect(try setup.store.loadFeed(url: feed.url.absoluteString)?.items.isEmpty == true)  // set aside, reported
        #expect(setup.store.warnings.drain().count == 1)
        // The validators stand for items no longer stored: the next request is unconditional.
        #expect(await setup.refresher.refresh(feed).result == .updated(new: 3, changed: 0))
        #expect(server.requests.last?.headers["if-none-match"] == nil)
        #expect(try setup.store.loadFeed(url: feed.url.absoluteString)?.items.count == 3)
    }

    @Test func theSameBodyIsNotParsedAgain() async throws {
        let body = Locked(Self.rss(1..<3))
        let server = try TestHTTPServer { _ in .init(text: body.value) }
        let setup = try Setup()
        let feed = setup.feed(server.url("/feed"))
        #expect(await setup.refresher.refresh(feed).result == .updated(new: 2, changed: 0))
        #expect(await setup.refresher.refresh(feed).result == .notModified)
        #expect(try setup.store.loadFeed(url: feed.url.absoluteString)?.fetch.lastResult == "unchanged (same body)")
        body.withLock { $0 = Self.rss(1..<4) }
        #expect(await setup.refresher.refresh(feed).result == .updated(new: 1, changed: 0))
    }

    @Test func aChainOfPermanentRedirectsIsRecordedButNotAMixedOne() async throws {
        let server = try TestHTTPServer { request in
            switch request.path {
            case "/a": return .init(status: 301, headers: [("Location", "/b")])
            case "/b": return .init(status: 308, headers: [("Location", "/c")])
            case "/x": return .init(status: 301, headers: [("Location", "/y")])
            case "/y": return .init(status: 302, headers: [("Location", "/c")])
            default: return .init(text: Self.rss(1..<2))
            }
        }
        let setup = try Setup()
        let permanent = setup.feed(server.url("/a"))
        _ = await setup.refresher.refresh(permanent)
        #expect(try setup.store.loadFeed(url: permanent.url.absoluteString)?.fetch.movedTo == server.url("/c").absoluteString)
        let mixed = setup.feed(server.url("/x"))
        _ = await setup.refresher.refresh(mixed)
        #expect(try setup.store.loadFeed(url: mixed.url.absoluteString)?.fetch.movedTo == nil)
    }

    @Test func goneDisablesTheFeedUntilItsEntryChanges() async throws {
        let server = try TestHTTPServer { _ in .init(status: 410) }
        let setup = try Setup()
        let feed = setup.feed(server.url("/gone"))
        #expect(await setup.refresher.refresh(feed).result == .failed("HTTP 410"))
        let state = try #require(try setup.store.loadFeed(url: feed.url.absoluteString)?.fetch)
        #expect(state.disabledFor == feed.fingerprint)
        #expect(state.lastResult == "gone (HTTP 410): disabled until its config entry changes")
        var edited = feed
        edited.interval = .seconds(7200)
        #expect(edited.fingerprint != feed.fingerprint)
    }

    @Test func retryAfterPushesTheNextFetchAndAWaitingHostIsNotAFailure() async throws {
        let server = try TestHTTPServer { _ in .init(status: 429, headers: [("Retry-After", "7200")]) }
        let setup = try Setup()
        let first = setup.feed(server.url("/one"))
        let started = Date()
        let outcome = await setup.refresher.refresh(first)
        #expect(outcome.result == .failed("HTTP 429"))
        #expect(outcome.nextFetch.timeIntervalSince(started) >= 7195)

        let sibling = setup.feed(server.url("/two"))
        let waiting = await setup.refresher.refresh(sibling)
        guard case .failed(let message) = waiting.result else {
            Issue.record("expected a wait, got \(waiting.result)")
            return
        }
        #expect(message.contains("Retry-After"))
        #expect(waiting.nextFetch.timeIntervalSince(started) >= 7195)
        #expect(server.requests.count == 1, "the sibling feed did not contact the host")
        #expect(try setup.store.loadFeed(url: sibling.url.absoluteString)?.fetch.consecutiveFailures == 0)
    }

    @Test func aRetryAfterIsRecordedAndClearedByTheNextSuccess() async throws {
        let busy = Locked(true)
        let server = try TestHTTPServer { _ in
            busy.withLock { $0 } ? .init(status: 503, headers: [("Retry-After", "120")]) : .init(text: Self.rss(1..<2))
        }
        let setup = try Setup()
        let feed = setup.feed(server.url("/feed"))
        let before = Date()
        _ = await setup.refresher.refresh(feed)
        let after = Date()
        // 120 s from the answer, which came between `before` and `after` (whole seconds: the store's dates).
        let recorded = try #require(try setup.store.loadFetchState(url: feed.url.absoluteString)?.retryAfter)
        #expect(recorded >= before.addingTimeInterval(119) && recorded <= after.addingTimeInterval(121), "\(before) \(recorded) \(after)")
        busy.withLock { $0 = false }
        // A new engine: the wait was the old process's.
        let later = Refresher(store: setup.store, engine: FetchEngine(), logger: Logger(label: "test"))
        #expect(await later.refresh(feed).result == .updated(new: 1, changed: 0))
        #expect(try setup.store.loadFetchState(url: feed.url.absoluteString)?.retryAfter == nil)
    }

    @Test func basicAuthPasswordsComeFromAFileTheEnvironmentOrACredential() async throws {
        let server = try TestHTTPServer { request in
            request.headers["authorization"] == "Basic " + Data("ana:pw-\(request.path.dropFirst())".utf8).base64EncodedString()
                ? .init(text: Self.rss(1..<2)) : .init(status: 401)
        }
        let directory = try TemporaryDirectory()
        let passwordFile = try directory.write("password", "pw-file\n")
        try directory.write("credentials/feed-password", "pw-credential")
        let yaml = """
            feeds:
              - url: \(server.url("/file"))
                auth: {username: ana, password_file: \(passwordFile)}
              - url: \(server.url("/env"))
                auth: {username: ana, password_env: FEED_PASSWORD}
              - url: \(server.url("/credential"))
                auth: {username: ana, password_credential: feed-password}
            """
        let config = try Configuration.parse(yaml, path: directory.url.appendingPathComponent("c.yaml").path)
        let store = try FeedStore(directory: directory.url.appendingPathComponent("state"))
        let environment = ["FEED_PASSWORD": "pw-env", "CREDENTIALS_DIRECTORY": directory.url.appendingPathComponent("credentials").path]
        let refresher = Refresher(store: store, engine: FetchEngine(), logger: Logger(label: "test"), environment: environment)
        for feed in config.feeds {
            #expect(await refresher.refresh(feed).result == .updated(new: 1, changed: 0), "\(feed.url)")
        }
        let missing = Refresher(store: store, engine: FetchEngine(), logger: Logger(label: "test"), environment: [:])
        #expect(await missing.refresh(config.feeds[1]).result == .failed("$FEED_PASSWORD: password variable is not set"))
    }

    @Test func aPasswordWrittenInTheConfigIsRefused() {
        #expect(throws: ConfigError.self) {
            try Configuration.parse("feeds:\n  - url: https://a.example/\n    auth: {username: a, password: hunter2}\n", path: "c.yaml")
        }
    }

    @Test func fetchSettingsAreRead() throws {
        let config = try Configuration.parse(
            "fetch:\n  concurrency: 4\n  per_host: 1\n  max_bytes: 2MiB\n  proxy: http://127.0.0.1:3128\n  user_agent: me/1\nfeeds: []\n",
            path: "c.yaml")
        #expect(config.fetch.engineSettings == FetchSettings(concurrency: 4, perHost: 1, proxy: "http://127.0.0.1:3128"))
        #expect(config.fetch.maxBytes == 2 << 20)
        #expect(config.fetch.userAgent == "me/1")
    }
}
