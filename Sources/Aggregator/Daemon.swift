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
    /// Transfers in flight at once.
    public static let concurrency = 8

    /// Opens the store; fails only if the state directory cannot be used.
    public init(configuration: Configuration, stateDirectory: URL, logger: Logger) throws(StoreError) {
        self.configuration = configuration
        self.store = try FeedStore(directory: stateDirectory)
        self.logger = logger
        self.refresher = Refresher(store: store, logger: logger)
    }

    /// Fetches every feed once, concurrently; returns the outcomes in config order.
    @discardableResult
    public func refreshAll() async -> [RefreshOutcome] {
        await refresh(configuration.feeds)
    }

    /// Runs until the task is cancelled: fetches each due feed, then sleeps until the next one is due.
    /// A cancelled run lets transfers in flight finish and their results be stored.
    public func run() async {
        logger.info("started", metadata: ["feeds": "\(configuration.feeds.count)", "state_dir": "\(store.directory.path)"])
        while !Task.isCancelled {
            let now = Date()
            let due = configuration.feeds.filter { feed in
                let stored = try? store.loadFeed(url: feed.url.absoluteString)
                return Schedule.isDue(nextFetch: stored?.fetch.nextFetch, now: now)
            }
            if !due.isEmpty { await refresh(due) }
            let next = nextDue() ?? Date().addingTimeInterval(60)
            let wait = min(max(next.timeIntervalSinceNow, 1), 300)
            do {
                try await Task.sleep(for: .milliseconds(Int64(wait * 1000)))
            } catch {
                break
            }
        }
        logger.info("stopping")
    }

    private func nextDue() -> Date? {
        configuration.feeds.compactMap { feed in
            (try? store.loadFeed(url: feed.url.absoluteString))?.fetch.nextFetch
        }.min()
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
            for _ in 0..<min(Self.concurrency, feeds.count) { startNext() }
            while let (index, outcome) = await group.next() {
                outcomes[index] = outcome
                // A cancelled daemon finishes what is in flight but starts nothing new.
                if !Task.isCancelled { startNext() }
            }
            return outcomes.compactMap { $0 }
        }
    }
}
