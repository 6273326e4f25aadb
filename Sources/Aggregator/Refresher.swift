import FeedFetcher
import FeedModel
import FeedParser
import FeedStore
import Foundation
import Logging

/// How one refresh of one feed ended.
public struct RefreshOutcome: Sendable, Equatable {
    public enum Result: Sendable, Equatable {
        case updated(new: Int, changed: Int)
        case notModified
        /// The feed failed (network, HTTP status, not a feed); recorded on the feed.
        case failed(String)
        /// The store could not record the result: the daemon's own problem, not the feed's.
        case storeFailed(String)
        /// Shutdown interrupted the transfer; nothing was recorded.
        case cancelled
    }

    public var feedURL: String
    public var result: Result
    public var bytes: Int
    public var status: Int?
    /// When the feed should be fetched next, also when the store could not record it.
    public var nextFetch: Date
}

/// The refresh pipeline for one feed: conditional fetch, parse, merge into the store, record the fetch state.
/// A failure is recorded on the feed and returned; it never throws past the feed.
public struct Refresher: Sendable {
    public let store: FeedStore
    public let fetcher: HTTPFetcher
    public let logger: Logger
    public var userAgent = FeeddVersion.userAgent

    public init(store: FeedStore, fetcher: HTTPFetcher = HTTPFetcher(), logger: Logger) {
        self.store = store
        self.fetcher = fetcher
        self.logger = logger
    }

    public func refresh(_ feed: FeedConfig, now: @Sendable () -> Date = Date.init) async -> RefreshOutcome {
        let key = feed.url.absoluteString
        let started = ContinuousClock.now
        var outcome = RefreshOutcome(feedURL: key, result: .notModified, bytes: 0, status: nil, nextFetch: now())
        let stored: StoredFeed
        do {
            stored = try store.loadFeed(url: key) ?? StoredFeed(url: key)
        } catch {
            return finish(outcome, .storeFailed(error.description), feed: feed, failures: 1, elapsed: ContinuousClock.now - started)
        }
        let target = stored.fetch.movedTo.flatMap(URL.init(string:)) ?? feed.url
        let request = FetchRequest(
            url: target, etag: stored.fetch.etag, lastModified: stored.fetch.lastModified, userAgent: userAgent,
            timeout: feed.timeout)
        let interpreted: Result<(FetchResponse, ParsedFeed?), RefreshFailure>
        do {
            let response = try await fetcher.fetch(request)
            outcome.status = response.finalURL.isFileURL ? nil : response.status
            outcome.bytes = response.body.count
            interpreted = Self.interpret(response)
        } catch .cancelled {
            return finish(outcome, .cancelled, feed: feed, failures: 0, elapsed: ContinuousClock.now - started)
        } catch {
            interpreted = .failure(RefreshFailure(message: error.description))
        }
        do {
            let (result, failures) = try commit(interpreted, feed: feed, now: now())
            return finish(outcome, result, feed: feed, failures: failures, elapsed: ContinuousClock.now - started)
        } catch {
            return finish(
                outcome, .storeFailed("\(error)"), feed: feed, failures: stored.fetch.consecutiveFailures + 1,
                elapsed: ContinuousClock.now - started)
        }
    }

    struct RefreshFailure: Error {
        var message: String
    }

    /// Decides what a response means: not modified, a feed, or a failure.
    static func interpret(_ response: FetchResponse) -> Result<(FetchResponse, ParsedFeed?), RefreshFailure> {
        if response.isNotModified { return .success((response, nil)) }
        guard (200..<300).contains(response.status) else {
            return .failure(RefreshFailure(message: "HTTP \(response.status)"))
        }
        do {
            let feed = try StreamingFeedParser.parse(response.body, url: response.finalURL, contentType: response.contentType)
            return .success((response, feed))
        } catch {
            return .failure(RefreshFailure(message: error.description))
        }
    }

    /// Under the store lock, re-reads the feed's file (another process may have written it), merges and saves.
    /// Returns the result and the feed's consecutive failures after it.
    private func commit(
        _ interpreted: Result<(FetchResponse, ParsedFeed?), RefreshFailure>, feed: FeedConfig, now: Date
    ) throws -> (RefreshOutcome.Result, Int) {
        let key = feed.url.absoluteString
        return try store.withWriteLock { () throws(StoreError) -> (RefreshOutcome.Result, Int) in
            var stored = try store.loadFeed(url: key, quarantine: true) ?? StoredFeed(url: key)
            stored.fetch.lastFetch = now
            let result: RefreshOutcome.Result
            switch interpreted {
            case .failure(let failure):
                stored.fetch.consecutiveFailures += 1
                stored.fetch.lastResult = failure.message
                result = .failed(failure.message)
            case .success((let response, let document)):
                if let etag = response.etag { stored.fetch.etag = etag }
                if let lastModified = response.lastModified { stored.fetch.lastModified = lastModified }
                if let moved = response.permanentRedirect { stored.fetch.movedTo = moved.absoluteString }
                stored.fetch.consecutiveFailures = 0
                stored.fetch.lastSuccess = now
                if let document {
                    let merge = ItemMerge.merge(stored: stored.items, parsed: document.items, feedURL: key, now: now)
                    stored.items = merge.items
                    stored.title = document.title ?? stored.title
                    stored.link = document.link ?? stored.link
                    stored.fetch.lastResult = "ok"
                    result = .updated(new: merge.newCount, changed: merge.updatedCount)
                    for warning in document.warnings.prefix(3) {
                        logger.debug("feed warning", metadata: ["feed_url": "\(key)", "warning": "\(warning)"])
                    }
                } else {
                    stored.fetch.lastResult = "not modified"
                    result = .notModified
                }
            }
            stored.fetch.nextFetch = Schedule.nextFetch(
                now: now, interval: feed.interval, consecutiveFailures: stored.fetch.consecutiveFailures)
            try store.saveFeed(stored)
            return (result, stored.fetch.consecutiveFailures)
        }
    }

    private func finish(
        _ outcome: RefreshOutcome, _ result: RefreshOutcome.Result, feed: FeedConfig, failures: Int, elapsed: Duration
    ) -> RefreshOutcome {
        var outcome = outcome
        outcome.result = result
        outcome.nextFetch = Schedule.nextFetch(now: outcome.nextFetch, interval: feed.interval, consecutiveFailures: failures)
        log(outcome, elapsed: elapsed)
        return outcome
    }

    private func log(_ outcome: RefreshOutcome, elapsed: Duration) {
        var metadata: Logger.Metadata = [
            "feed_url": "\(outcome.feedURL)", "bytes": "\(outcome.bytes)",
            "duration_ms": "\(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000)",
        ]
        if let status = outcome.status { metadata["status"] = "\(status)" }
        switch outcome.result {
        case .updated(let new, let changed):
            metadata["items_new"] = "\(new)"
            metadata["items_updated"] = "\(changed)"
            logger.info("fetched", metadata: metadata)
        case .notModified:
            logger.info("not modified", metadata: metadata)
        case .failed(let message):
            metadata["error"] = "\(message)"
            logger.warning("fetch failed", metadata: metadata)
        case .storeFailed(let message):
            metadata["error"] = "\(message)"
            logger.error("store failed", metadata: metadata)
        case .cancelled:
            logger.info("fetch cancelled by shutdown", metadata: metadata)
        }
        for warning in store.warnings.drain() { logger.error("\(warning)") }
    }
}
