import Dispatch
import Foundation
import FeedIndex
import FeedStore
import Logging
import Synchronization

/// Keeps the search index (`ItemIndex`) up to date with what the daemon stores, so that the next `feedctl`
/// finds it current instead of first catching up on a cycle's worth of feed files. An update runs on its own
/// low-priority queue a moment after a change (the changes meanwhile join it), never on the fetch path. One
/// that fails is logged and tried again at the next change: the index is derived, and feedctl builds what
/// it lacks. Once a day, after an update, it also deletes the full articles of items no longer stored.
final class IndexKeeper: Sendable {
    private let store: FeedStore
    private let logger: Logger
    private let delay: Duration
    private let queue = DispatchQueue(label: "feedd.index", qos: .utility)
    private let state = Mutex<State>(State())

    private struct State {
        var scheduled = false
        var index: ItemIndex?
        var lastFailure: String?
        var lastPrune: ContinuousClock.Instant?
    }

    /// How often articles of items gone are looked for, and how old one must be to go (an article saved
    /// since the index was updated may belong to an item it does not hold yet).
    static let pruneInterval = Duration.seconds(24 * 3600)

    init(store: FeedStore, logger: Logger, delay: Duration = .seconds(2)) {
        self.store = store
        self.logger = logger
        self.delay = delay
    }

    /// Says the store changed: an update runs after the delay, unless one is already waiting to.
    func storeChanged() {
        let schedule = state.withLock { state in
            defer { state.scheduled = true }
            return !state.scheduled
        }
        guard schedule else { return }
        let (seconds, attoseconds) = delay.components
        let nanoseconds = Int(seconds) * 1_000_000_000 + Int(attoseconds / 1_000_000_000)
        queue.asyncAfter(deadline: .now() + .nanoseconds(nanoseconds)) { self.update() }
    }

    private func update() {
        // A change from now on schedules another update.
        let index = state.withLock { state in
            state.scheduled = false
            return state.index
        }
        let started = ContinuousClock.now
        do {
            if let index {
                let files = try index.update()
                if files > 0 {
                    logger.debug(
                        "search index updated",
                        metadata: ["feed_files": "\(files)", "duration_ms": "\((ContinuousClock.now - started).wholeMilliseconds)"])
                }
            } else {
                // Only an index in the state directory is worth keeping: one in memory would be built for nobody.
                let opened = try ItemIndex.open(store: store, inMemoryFallback: false).index
                state.withLock { $0.index = opened }
                logger.info(
                    "search index up to date", metadata: ["duration_ms": "\((ContinuousClock.now - started).wholeMilliseconds)"])
            }
            state.withLock { $0.lastFailure = nil }
            try pruneArticlesIfDue()
        } catch {
            let reason = "\(error)"
            let repeated = state.withLock { state in
                defer { state.lastFailure = reason }
                return state.lastFailure == reason
            }
            // Said once, not at every change while it lasts; feedctl searches without it all the same.
            if repeated {
                logger.debug("search index not updated", metadata: ["error": "\(reason)"])
            } else {
                logger.warning("search index not updated; feedctl updates it when it next needs it", metadata: ["error": "\(reason)"])
            }
        }
    }

    private func pruneArticlesIfDue() throws {
        let now = ContinuousClock.now
        let (due, index) = state.withLock { state in
            (state.lastPrune.map { now - $0 >= Self.pruneInterval } ?? true, state.index)
        }
        guard due, let index, FileManager.default.fileExists(atPath: store.articlesDirectory.path) else { return }
        state.withLock { $0.lastPrune = now }
        let deleted = store.pruneArticles(keeping: try index.ids(), before: Date() - 24 * 3600)
        if deleted > 0 { logger.info("full articles of items no longer stored deleted", metadata: ["articles": "\(deleted)"]) }
    }
}
