import FeedFetcher
import FeedStore
import Foundation
import Logging

/// feedd's main job: fetch every configured feed on its interval and keep the store up to date.
public final class Daemon: Sendable {
    public let configuration: Configuration
    public let store: FeedStore
    private let refresher: Refresher
    private let logger: Logger
    /// Feeds being refreshed at once: their transfers queue in the fetch engine, which enforces
    /// `fetch.concurrency` and `fetch.per_host`; this only bounds the memory of bodies waiting to be parsed.
    static let refreshesInFlight = 64

    /// Opens the store and checks it can be locked and written: a daemon that cannot store is refused at start.
    public init(configuration: Configuration, stateDirectory: URL, logger: Logger) throws {
        self.configuration = configuration
        self.store = try FeedStore(directory: stateDirectory)
        try store.checkWritable()
        self.logger = logger
        self.refresher = Refresher(
            store: store, engine: FetchEngine(settings: configuration.fetch.engineSettings), fetch: configuration.fetch,
            schedule: configuration.schedule, logger: logger)
    }

    /// Fetches every feed once, concurrently; returns the outcomes in config order.
    @discardableResult
    public func refreshAll() async -> [RefreshOutcome] {
        await refresh(configuration.feeds)
    }

    /// Runs until the task is cancelled: fetches each due feed, then sleeps until the next one is due.
    /// The schedule is read from the store once and then kept in memory, so a store that cannot be written
    /// never turns into a fetch loop. Cancellation aborts transfers in flight; nothing half-done is stored.
    public func run() async {
        logger.info("started", metadata: ["feeds": "\(configuration.feeds.count)", "state_dir": "\(store.directory.path)"])
        var nextFetch: [String: Date] = [:]
        var disabled: Set<String> = []
        for feed in configuration.feeds {
            let key = feed.url.absoluteString
            let state = try? store.loadFetchState(url: key)
            nextFetch[key] = state?.nextFetch ?? .distantPast
            if let fingerprint = state?.disabledFor, fingerprint == feed.fingerprint { disabled.insert(key) }
        }
        if !disabled.isEmpty {
            logger.notice("feeds disabled after 410 Gone (edit their config entry to try again)", metadata: ["count": "\(disabled.count)"])
        }
        for warning in store.warnings.drain() { logger.error("\(warning)") }
        while !Task.isCancelled {
            let now = Date()
            let due = configuration.feeds.filter { feed in
                !disabled.contains(feed.url.absoluteString)
                    && Schedule.isDue(nextFetch: nextFetch[feed.url.absoluteString], now: now)
            }
            for outcome in await refresh(due) where outcome.result != .cancelled {
                nextFetch[outcome.feedURL] = outcome.nextFetch
                if outcome.status == 410 { disabled.insert(outcome.feedURL) }
            }
            let earliest = nextFetch.values.min() ?? Date().addingTimeInterval(60)
            let wait = min(max(earliest.timeIntervalSinceNow, 1), 300)
            do {
                try await Task.sleep(for: .milliseconds(Int64(wait * 1000)))
            } catch {
                break
            }
        }
        logger.info("stopping")
    }

    private func refresh(_ feeds: [FeedConfig]) async -> [RefreshOutcome] {
        let refresher = self.refresher
        return await withTaskGroup(of: (Int, RefreshOutcome).self) { group in
            var outcomes = [RefreshOutcome?](repeating: nil, count: feeds.count)
            var next = 0
            func startNext() {
                guard next < feeds.count else { return }
                let index = next
                let feed = feeds[index]
                next += 1
                group.addTask { (index, await refresher.refresh(feed)) }
            }
            for _ in 0..<min(Self.refreshesInFlight, feeds.count) { startNext() }
            while let (index, outcome) = await group.next() {
                outcomes[index] = outcome
                // A cancelled daemon starts nothing new.
                if !Task.isCancelled { startNext() }
            }
            return outcomes.compactMap { $0 }
        }
    }
}
