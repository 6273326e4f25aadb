import FeedCore
import Foundation

/// The store's write lock, held: made by `FeedStore.transaction` and valid only inside its body. Every write
/// to the store goes through one, so a write without the lock cannot be written, and the lock is never taken
/// twice by the same holder (`flock` is not re-entrant). Reads through it see what it wrote and may set aside
/// a damaged file at once.
///
/// Each write is durable when it returns, unless made inside `durableTogether`, where the step's writes
/// become durable together at its end.
public final class StoreTransaction {
    let store: FeedStore
    /// The writes of the current `durableTogether` step; nil outside one.
    private(set) var batch: PendingWrites?
    private var isOpen = true

    init(store: FeedStore) {
        self.store = store
    }

    func close() { isOpen = false }

    private func checkOpen() {
        precondition(isOpen, "a StoreTransaction is used after its transaction ended")
    }

    // MARK: - Reading

    public func loadFeed(url: String) throws(StoreError) -> StoredFeed? {
        checkOpen()
        return try store.loadFeed(url: url, held: self)
    }

    /// Only the items file (see `FeedStore.loadItems`).
    public func loadItems(url: String) throws(StoreError) -> StoredFeed? {
        checkOpen()
        return try store.loadItems(url: url, held: self)
    }

    public func loadFetchState(url: String) throws(StoreError) -> FetchState? {
        checkOpen()
        return try store.loadFetchState(url: url, held: self)
    }

    public func allFeeds() throws(StoreError) -> [StoredFeed] {
        checkOpen()
        return try store.allFeeds(held: self)
    }

    /// The read marks, to consult and change; `ReadMarks.save` writes them in this transaction.
    public func readMarks() -> ReadMarks {
        checkOpen()
        return ReadMarks(store: store, held: self)
    }

    /// The starred items, as they are under the lock.
    public func starredItems() throws(StoreError) -> StarredItems {
        checkOpen()
        return try store.loadStarred(held: self)
    }

    func loadUnread(feedURL: String) throws(StoreError) -> ItemIndexFile {
        checkOpen()
        return try store.loadUnread(feedURL: feedURL, held: self)
    }

    func loadIndex(_ name: String) throws(StoreError) -> ItemIndexFile {
        checkOpen()
        return try store.loadIndex(name, held: self)
    }

    func unreadReferences() throws(StoreError) -> [UnreadReference] {
        checkOpen()
        return try store.unreadReferences(held: self)
    }

    // MARK: - Writing

    /// Writes the feed's items file and its fetch state.
    public func saveFeed(_ feed: StoredFeed) throws(StoreError) {
        try saveItems(feed)
        try saveFetchState(url: feed.url, fetch: feed.fetch)
    }

    /// Writes only the feed's items file (its `fetch` goes to `fetch-state.log`).
    public func saveItems(_ feed: StoredFeed) throws(StoreError) {
        checkOpen()
        try store.saveItems(feed, held: self)
    }

    /// Writes only the fetch state: what a fetch that changed no item costs (one appended line).
    public func saveFetchState(url: String, fetch: FetchState) throws(StoreError) {
        checkOpen()
        try store.saveFetchState(url: url, fetch: fetch, held: self)
    }

    func saveUnread(_ index: ItemIndexFile, feedURL: String) throws(StoreError) {
        checkOpen()
        try store.saveUnread(index, feedURL: feedURL, held: self)
    }

    func saveIndex(_ index: ItemIndexFile, named name: String) throws(StoreError) {
        checkOpen()
        try store.saveIndex(index, named: name, held: self)
    }

    func saveReadShard(_ shard: ReadShard, index: Int) throws(StoreError) {
        checkOpen()
        try store.saveFile(shard, named: ReadShard.fileName(index), held: self)
    }

    /// Runs `body`, whose writes become durable together at its end: its files are each fsynced but their
    /// renames made durable with one fsync per folder, and its record changes are appended then, one write
    /// and one `fdatasync` per log (reads inside `body` see them already). What `body` wrote is durable when
    /// this returns, also when it throws; a crash inside may keep any mix of its writes old or new, so callers
    /// order their steps (indexes before items before fetch states).
    public func durableTogether<T>(_ body: () throws(StoreError) -> T) throws(StoreError) -> T {
        checkOpen()
        precondition(batch == nil, "durableTogether steps do not nest")
        let pending = PendingWrites()
        batch = pending
        let result = Result { () throws(StoreError) -> T in try body() }
        batch = nil
        // After a failure, its error is the one to report; what was written is still made durable.
        do {
            try store.makeDurable(pending, held: self)
        } catch {
            if case .success = result { throw error }
        }
        return try result.get()
    }
}
