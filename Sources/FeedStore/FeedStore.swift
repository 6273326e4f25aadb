import FeedCore
import FeedModel
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Why the store could not be read or written; each names the file involved.
public enum StoreError: Error, Equatable, Sendable, CustomStringConvertible {
    case cannotCreate(path: String, reason: String)
    case cannotRead(path: String, reason: String)
    case cannotWrite(path: String, reason: String)
    case cannotLock(path: String, reason: String)
    case newerSchema(path: String, found: Int)

    public var description: String {
        switch self {
        case .cannotCreate(let path, let reason): return "\(path): cannot create: \(reason)"
        case .cannotRead(let path, let reason): return "\(path): cannot read: \(reason)"
        case .cannotWrite(let path, let reason): return "\(path): cannot write: \(reason)"
        case .cannotLock(let path, let reason): return "\(path): cannot lock: \(reason)"
        case .newerSchema(let path, let found):
            return "\(path): schema \(found) is newer than this feedd understands; upgrade feedd"
        }
    }
}

/// What the writes inside one `StoreTransaction.durableTogether` step leave to its end: the record changes, appended
/// then in one write per log, and the folders whose renames need an fsync.
final class PendingWrites: Sendable {
    private struct Staged {
        var log: RecordLog
        var changes: [(key: String, value: Data?)] = []
        var latest: [String: Data?] = [:]
    }

    private let folderSet = Mutex<Set<String>>([])
    private let records = Mutex<[String: Staged]>([:])

    func add(_ folder: String) { folderSet.withLock { _ = $0.insert(folder) } }

    var folders: [String] { folderSet.withLock { $0.sorted() } }

    func stage(_ value: Data?, key: String, in log: RecordLog) {
        records.withLock { records in
            // In place: a group stages one change per feed.
            records[log.path, default: Staged(log: log)].changes.append((key, value))
            records[log.path, default: Staged(log: log)].latest[key] = .some(value)
        }
    }

    /// The value staged last for `key` (`.some(nil)`: its removal), nil when none was.
    func staged(_ key: String, in log: RecordLog) -> Data?? {
        records.withLock { $0[log.path]?.latest[key] }
    }

    /// The staged changes, by log, in the order they were staged; none are left.
    func takeRecords() -> [(log: RecordLog, changes: [(key: String, value: Data?)])] {
        records.withLock { records in
            defer { records.removeAll() }
            return records.keys.sorted().compactMap { records[$0].map { ($0.log, $0.changes) } }
        }
    }
}

/// The JSON store in the state directory. Layout (see docs/STORE.md):
///
///     STATE_DIR/lock                  advisory lock taken by every writer
///     STATE_DIR/feeds/KEY.json        one feed: its metadata and items (`StoredFeed`)
///     STATE_DIR/fetch-state.log       every feed's fetch state, by KEY (`FeedStateFile` records, `RecordLog`)
///     STATE_DIR/read/00.json … ff.json  read marks by logical item key, in 256 shards (`ReadShard`)
///     STATE_DIR/unread.log            every feed's unread items, by KEY, without bodies (`ItemIndexFile` records)
///     STATE_DIR/recent.json           the newest items, read or not, without bodies
///     STATE_DIR/status.json           what the running daemon says about itself
///     STATE_DIR/requests/             fetch requests from feedctl to the daemon
///
/// Every file write goes to a temporary file that is fsynced and renamed over the old one, and the
/// directory is fsynced (at once, or once per folder at the end of a `durableTogether` step): a reader sees
/// the old file or the new one, never half of either, and a crash loses nothing committed. The two logs
/// take their changes as appended lines instead (one write and one `fdatasync` per group of changes).
public final class FeedStore: Sendable {
    public let directory: URL
    /// Problems met while reading (corrupt files moved aside), for the caller to report.
    public let warnings = WarningLog()
    /// Index files as last read or written here, by name, with their bytes (see `loadIndex`).
    private let indexCache = Mutex<[String: (bytes: Data, index: ItemIndexFile)]>([:])
    /// Fetch states as last decoded, by feed key, with their bytes: a refresh reads its feed's state when
    /// it starts and again under the lock.
    private let decodedStates = Mutex<[String: (bytes: Data, state: FeedStateFile)]>([:])
    /// The unread records as last decoded, by type and key, with the bytes they came from: a long-lived
    /// reader (the sync API in feedd) decodes again only the feeds whose unread record changed.
    private let decodedUnread = Mutex<[String: (bytes: Data, value: any Sendable)]>([:])
    /// Every feed's fetch state (`FeedStateFile`), by feed key.
    let fetchStates: RecordLog
    /// Every feed's unread items (`ItemIndexFile`), by feed key; no record for a feed with none.
    let unreadIndexes: RecordLog

    var feedsDirectory: URL { URL(fileURLWithPath: feedsPath, isDirectory: true) }
    /// Where stores before schema 3 kept read marks.
    var readStateURL: URL { directory.appendingPathComponent("read.json") }
    /// The paths as strings: files are opened by path, and Foundation's URL path operations cost more than
    /// writing a small file.
    let directoryPath: String
    private let feedsPath: String
    /// Where stores before the record logs kept unread indexes, one file per feed.
    private let legacyUnreadPath: String

    /// Opens (and creates if needed) the store in `directory`.
    public init(directory: URL) throws(StoreError) {
        self.directory = directory
        directoryPath = directory.path
        feedsPath = directoryPath + "/feeds"
        legacyUnreadPath = directoryPath + "/unread"
        fetchStates = RecordLog(path: directoryPath + "/fetch-state.log")
        unreadIndexes = RecordLog(path: directoryPath + "/unread.log")
        do {
            try FileManager.default.createDirectory(at: feedsDirectory, withIntermediateDirectories: true)
        } catch {
            throw .cannotCreate(path: feedsDirectory.path, reason: Self.reason(error))
        }
    }

    /// The file name of a feed: a stable hash of its configured URL.
    public static func key(forFeedURL url: String) -> String { StableHash.hex(url) }

    public func feedFileURL(forFeedURL url: String) -> URL {
        URL(fileURLWithPath: feedFilePath(forFeedURL: url), isDirectory: false)
    }

    func feedFilePath(forFeedURL url: String) -> String { "\(feedsPath)/\(Self.key(forFeedURL: url)).json" }

    /// Where stores before the fetch-state log kept a feed's fetch state.
    private func legacyStateFilePath(forFeedURL url: String) -> String {
        "\(feedsPath)/\(Self.key(forFeedURL: url)).state.json"
    }

    var fetchStateLogURL: URL { URL(fileURLWithPath: fetchStates.path, isDirectory: false) }

    var unreadLogURL: URL { URL(fileURLWithPath: unreadIndexes.path, isDirectory: false) }

    // MARK: - Locking

    /// Runs `body` holding the store's exclusive advisory lock (`flock`), which feedd and feedctl both take
    /// around every read-modify-write. Every write goes through the transaction `body` is given, which is
    /// valid only inside it; `flock` is not re-entrant, so `body` must not start another.
    public func transaction<T>(_ body: (StoreTransaction) throws(StoreError) -> T) throws(StoreError) -> T {
        let path = directoryPath + "/lock"
        // Read-only is enough for flock, and works whoever created the file (root running feedctl before the
        // service's first start, say).
        let descriptor = open(path, O_RDONLY | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw .cannotLock(path: path, reason: String(cString: strerror(errno))) }
        defer { close(descriptor) }
        while flock(descriptor, LOCK_EX) != 0 {
            guard errno == EINTR else { throw .cannotLock(path: path, reason: String(cString: strerror(errno))) }
        }
        defer { flock(descriptor, LOCK_UN) }
        let held = StoreTransaction(store: self)
        defer { held.close() }
        return try body(held)
    }

    // MARK: - Feeds

    /// The stored feed for this configured URL, or nil when there is none yet. A file that cannot be decoded
    /// is moved aside as `NAME.corrupt-TIMESTAMP-PID-N` (reported in `warnings`) so the feed starts afresh:
    /// at once when the lock is `held`, else after taking it. The same holds for every load below.
    public func loadFeed(url: String) throws(StoreError) -> StoredFeed? { try loadFeed(url: url, held: nil) }

    func loadFeed(url: String, held: StoreTransaction?) throws(StoreError) -> StoredFeed? {
        let items = try load(
            StoredFeed.self, from: feedFilePath(forFeedURL: url), schema: \.schema, current: StoredFeed.currentSchema,
            held: held)
        let state = try loadStateFile(url: url, held: held)
        guard items != nil || state != nil else { return nil }
        var feed = items ?? StoredFeed(url: url)
        if let state { feed.fetch = state.fetch }  // else: schema 1 kept it in the items file, or there is none
        return feed
    }

    /// Only the items file (its `fetch` empty, or a schema 1 store's): for a caller that has read the fetch
    /// state already. nil when there is none.
    func loadItems(url: String, held: StoreTransaction?) throws(StoreError) -> StoredFeed? {
        try load(
            StoredFeed.self, from: feedFilePath(forFeedURL: url), schema: \.schema, current: StoredFeed.currentSchema,
            held: held)
    }

    /// Only the fetch state: what the scheduler and a conditional request need, without reading any item
    /// (but from the items file of a schema 1 store, which kept it there).
    public func loadFetchState(url: String) throws(StoreError) -> FetchState? { try loadFetchState(url: url, held: nil) }

    func loadFetchState(url: String, held: StoreTransaction?) throws(StoreError) -> FetchState? {
        if let state = try loadStateFile(url: url, held: held) { return state.fetch }
        guard Self.exists(feedFilePath(forFeedURL: url)) else { return nil }
        return try load(
            StoredFeed.self, from: feedFilePath(forFeedURL: url), schema: \.schema, current: StoredFeed.currentSchema,
            held: held)?.fetch
    }

    /// The feed's record in the fetch-state log (or its state file, in a store from before the log). A record
    /// that does not decode is reported and, when the lock is `held`, removed: the feed is then fetched afresh.
    private func loadStateFile(url: String, held: StoreTransaction?) throws(StoreError) -> FeedStateFile? {
        let key = Self.key(forFeedURL: url)
        guard let found = try record(key, in: fetchStates, held: held) else {
            return try load(
                FeedStateFile.self, from: legacyStateFilePath(forFeedURL: url), schema: \.schema,
                current: FeedStateFile.currentSchema, held: held)
        }
        guard let data = found else { return nil }
        if let known = decodedStates.withLock({ $0[key] }), known.bytes == data { return known.state }
        // The store's own form by its own reader; anything else by Foundation's decoder, which decides.
        let decoded: Result<FeedStateFile, DamagedRecord>
        if let state = StoreJSONReader.fetchStateFile(data) {
            decoded = .success(state)
        } else {
            decoded = try decodeRecord(FeedStateFile.self, data, log: fetchStates, schema: \.schema, current: FeedStateFile.currentSchema)
        }
        switch decoded {
        case .success(let state):
            decodedStates.withLock { $0[key] = (data, state) }
            return state
        case .failure(let reason):
            warnings.add("\(fetchStates.path): the fetch state of \(url) is unreadable (\(reason.message)); fetching it afresh")
            if let held { try setRecord(nil, key: key, in: fetchStates, held: held) }
            return nil
        }
    }

    /// Whether the feed's items file exists: without it a 304 would leave the feed empty, so the next
    /// fetch must be unconditional.
    public func hasItemsFile(url: String) -> Bool {
        Self.exists(feedFilePath(forFeedURL: url))
    }

    private static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    /// Writes only the feed's items file (its `fetch` goes to the fetch-state log, `saveFetchState`).
    func saveItems(_ feed: StoredFeed, held: StoreTransaction) throws(StoreError) {
        try write(feed, to: feedFilePath(forFeedURL: feed.url), held: held)
    }

    /// Writes only the fetch state: what a fetch that changed no item costs (one appended line).
    func saveFetchState(url: String, fetch: FetchState, held: StoreTransaction) throws(StoreError) {
        try setRecord(FeedStateFile(url: url, fetch: fetch).jsonData, key: Self.key(forFeedURL: url), in: fetchStates, held: held)
    }

    /// Every stored feed, in file-name order.
    public func allFeeds() throws(StoreError) -> [StoredFeed] { try allFeeds(held: nil) }

    func allFeeds(held: StoreTransaction?) throws(StoreError) -> [StoredFeed] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: feedsPath)) ?? []
        var feeds: [StoredFeed] = []
        for name in names.sorted() where name.hasSuffix(".json") && !name.hasSuffix(".state.json") {
            guard var feed = try load(StoredFeed.self, from: feedsPath + "/" + name, schema: \.schema, current: StoredFeed.currentSchema, held: held)
            else { continue }
            if let state = try loadStateFile(url: feed.url, held: held) { feed.fetch = state.fetch }
            feeds.append(feed)
        }
        return feeds
    }

    // MARK: - Read marks and indexes

    /// One shard of the read marks (empty when it does not exist yet).
    func loadReadShard(_ index: Int, held: StoreTransaction?) throws(StoreError) -> ReadShard {
        let path = directoryPath + "/" + ReadShard.fileName(index)
        guard let data = try Self.contents(of: path) else { return ReadShard() }
        // The store's own form by its own reader; anything else by Foundation's decoder, which decides.
        if let shard = StoreJSONReader.readShard(data) { return shard }
        return try load(ReadShard.self, from: path, schema: \.schema, current: ReadShard.currentSchema, held: held, data: data)
            ?? ReadShard()
    }

    /// The read shards that exist: the numbers of the `read/xx.json` files (none without `read/`).
    func existingReadShards() throws(StoreError) -> Set<Int> {
        var shards: Set<Int> = []
        try forEachEntry(ofDirectory: directoryPath + "/read", missingIsEmpty: true) { name, _ in
            guard name.utf8.count == 7, name.hasSuffix(".json"), let index = Int(name.prefix(2), radix: 16) else { return }
            shards.insert(index)
        }
        return shards
    }

    /// Calls `body` with the name of each entry of a directory and the directory's descriptor (for
    /// `fstatat`); a missing directory has no entries when `missingIsEmpty`, else it is an error.
    func forEachEntry(
        ofDirectory path: String, missingIsEmpty: Bool, _ body: (String, Int32) -> Void
    ) throws(StoreError) {
        guard let folder = opendir(path) else {
            if errno == ENOENT && missingIsEmpty { return }
            throw .cannotRead(path: path, reason: String(cString: strerror(errno)))
        }
        defer { closedir(folder) }
        let descriptor = dirfd(folder)
        while let entry = readdir(folder) {
            body(withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }, descriptor)
        }
    }

    /// Builds the indexes now if they are missing, carrying over the read marks of an older store before any
    /// of its feed files is rewritten. The daemon does this when it starts.
    public func prepareIndexes() throws(StoreError) {
        _ = try loadIndex(ItemIndexFile.recentName, held: nil)
        if fetchStates.exists { try removeLegacyStateFiles() }
    }

    /// `recent.json`, with every index rebuilt from the feeds first if one is missing (a store written by an
    /// older feedd, or an index set aside as corrupt). `recent.json` is written last by a rebuild, so it also
    /// says `unread.log` is complete. With the lock `held`, a rebuild runs in it.
    func loadIndex(_ name: String, held: StoreTransaction?) throws(StoreError) -> ItemIndexFile {
        try ensureIndexes(held: held)
        let path = directoryPath + "/" + name
        if let data = try Self.contents(of: path) {
            // The same bytes as last time: reading is cheap, decoding is what costs (a daemon committing feed
            // after feed reads recent.json each time).
            if let cached = indexCache.withLock({ $0[name] }), cached.bytes == data { return cached.index }
            let index = try load(
                ItemIndexFile.self, from: path, schema: \.schema, current: ItemIndexFile.currentSchema, held: held,
                data: data)
            if let index {
                indexCache.withLock { $0[name] = (data, index) }
                return index
            }
        }
        return try rebuild(held: held) { held throws(StoreError) in
            try loadIndexFile(name, held: held) == nil
        } then: { held throws(StoreError) in
            try loadIndexFile(name, held: held) ?? ItemIndexFile()
        }
    }

    func saveIndex(_ index: ItemIndexFile, named name: String, held: StoreTransaction) throws(StoreError) {
        let data = try write(index, to: directoryPath + "/" + name, held: held)
        indexCache.withLock { $0[name] = (data, index) }
    }

    /// The unread items of one feed (its record in `unread.log`): what a refresh of that feed reads and
    /// rewrites, whatever the size of the rest of the store. A record that does not decode has every index
    /// rebuilt from the feeds.
    func loadUnread(feedURL: String, held: StoreTransaction?) throws(StoreError) -> ItemIndexFile {
        try ensureIndexes(held: held)
        let key = Self.key(forFeedURL: feedURL)
        for attempt in 0..<2 {
            guard let data = try record(key, in: unreadIndexes, held: held) ?? nil else { return ItemIndexFile() }
            switch try decodeRecord(ItemIndexFile.self, data, log: unreadIndexes, schema: \.schema, current: ItemIndexFile.currentSchema) {
            case .success(let index): return index
            case .failure(let reason) where attempt == 0:
                warnings.add("\(unreadIndexes.path): the unread items of \(feedURL) are unreadable (\(reason.message)); rebuilding the indexes")
                try rebuild(held: held) { _ throws(StoreError) in true }
            case .failure(let reason):
                throw .cannotRead(path: unreadIndexes.path, reason: "the unread items of \(feedURL): \(reason.message)")
            }
        }
        return ItemIndexFile()
    }

    /// Writes one feed's unread items; its record goes when there are none.
    func saveUnread(_ index: ItemIndexFile, feedURL: String, held: StoreTransaction) throws(StoreError) {
        let key = Self.key(forFeedURL: feedURL)
        // The append that follows never starts unread.log (only a rebuild does: its existence says the indexes
        // are complete); callers have read the feed's record, which builds the indexes when they are missing.
        if index.items.isEmpty {
            if try record(key, in: unreadIndexes, held: held) ?? nil != nil {
                try setRecord(nil, key: key, in: unreadIndexes, held: held)
            }
        } else {
            try setRecord(index.jsonData, key: key, in: unreadIndexes, held: held)
        }
    }

    /// Every unread item of the store, one entry per logical item (its feeds merged), newest first.
    public func allUnread() throws(StoreError) -> UnreadView {
        var byKey: [String: IndexEntry] = [:]
        var titles: [String: String] = [:]
        for index in try unreadRecords(ItemIndexFile.self, schema: \.schema, current: ItemIndexFile.currentSchema, held: nil) {
            if let title = index.title, let feed = index.items.first?.feeds.first { titles[feed] = title }
            for entry in index.items {
                if var known = byKey[entry.key] {
                    known.feeds += entry.feeds.filter { !known.feeds.contains($0) }
                    known.changed = known.changed || entry.changed
                    byKey[entry.key] = known
                } else {
                    byKey[entry.key] = entry
                }
            }
        }
        return UnreadView(items: byKey.values.sorted { IndexEntry.newestFirst($0, $1) }, titles: titles)
    }

    func unreadReferences(held: StoreTransaction?) throws(StoreError) -> [UnreadReference] {
        var byKey: [String: UnreadReference] = [:]
        for file in try unreadRecords(UnreadReferenceFile.self, schema: \.schema, current: ItemIndexFile.currentSchema, held: held) {
            for entry in file.items {
                if var known = byKey[entry.key] {
                    known.feeds += entry.feeds.filter { !known.feeds.contains($0) }
                    byKey[entry.key] = known
                } else {
                    byKey[entry.key] = entry
                }
            }
        }
        return Array(byKey.values)
    }

    /// Reads the fetch-state log into this store's memory, where the feeds' states (their titles) are then
    /// found while it stays as it is.
    public func preloadFetchStates() throws(StoreError) {
        _ = try fetchStates.snapshot()
    }

    /// Every record of `unread.log`, decoded as `T`. A record that does not decode has every index rebuilt,
    /// then the log is read again.
    private func unreadRecords<T: Decodable & Sendable>(
        _ type: T.Type, schema: KeyPath<T, Int>, current: Int, held: StoreTransaction?
    ) throws(StoreError) -> [T] {
        try ensureIndexes(held: held)
        for attempt in 0..<2 {
            var decoded: [T] = []
            var damage: String?
            let records = try unreadIndexes.snapshot()?.records ?? [:]
            let known = decodedUnread.withLock { $0 }
            var fresh: [String: (bytes: Data, value: any Sendable)] = [:]
            for (key, data) in records {
                let cacheKey = "\(T.self) \(key)"
                if let cached = known[cacheKey], cached.bytes == data, let value = cached.value as? T {
                    decoded.append(value)
                    fresh[cacheKey] = cached
                    continue
                }
                switch try decodeRecord(type, data, log: unreadIndexes, schema: schema, current: current) {
                case .success(let value):
                    decoded.append(value)
                    fresh[cacheKey] = (data, value)
                case .failure(let reason): damage = "record \(key): \(reason.message)"
                }
                if damage != nil { break }
            }
            if damage == nil {
                // Only the records of today's log stay: those of other types are kept, those gone are dropped.
                decodedUnread.withLock { cache in
                    cache = cache.filter { !$0.key.hasPrefix("\(T.self) ") }.merging(fresh) { _, new in new }
                }
            }
            guard let damage else { return decoded }
            guard attempt == 0 else { throw .cannotRead(path: unreadIndexes.path, reason: damage) }
            warnings.add("\(unreadIndexes.path): \(damage); rebuilding the indexes")
            try rebuild(held: held) { _ throws(StoreError) in true }
        }
        return []
    }

    /// Rebuilds every index if `recent.json` (written last by a rebuild) or `unread.log` is missing, or if
    /// `unread/` is there (an older feedd, still running while this one rebuilt, wrote there since).
    private func ensureIndexes(held: StoreTransaction?) throws(StoreError) {
        let marker = directoryPath + "/" + ItemIndexFile.recentName
        func missing() -> Bool { !Self.exists(marker) || !unreadIndexes.exists || Self.exists(legacyUnreadPath) }
        guard missing() else { return }
        try rebuild(held: held) { _ throws(StoreError) in missing() }
    }

    /// Rebuilds the indexes if `needed` still says so once the lock is held (in `held`, or taken for it).
    private func rebuild(held: StoreTransaction?, needed: (StoreTransaction) throws(StoreError) -> Bool) throws(StoreError) {
        try rebuild(held: held, needed: needed) { _ throws(StoreError) in }
    }

    /// The same, then `then` under the same hold of the lock.
    private func rebuild<T>(
        held: StoreTransaction?, needed: (StoreTransaction) throws(StoreError) -> Bool,
        then: (StoreTransaction) throws(StoreError) -> T
    ) throws(StoreError) -> T {
        func run(_ held: StoreTransaction) throws(StoreError) -> T {
            if try needed(held) { try rebuildIndexes(held) }
            return try then(held)
        }
        if let held { return try run(held) }
        return try transaction(run)
    }

    /// A corrupt index is set aside (by whoever holds the lock) and then rebuilt.
    private func loadIndexFile(_ name: String, held: StoreTransaction?) throws(StoreError) -> ItemIndexFile? {
        try load(
            ItemIndexFile.self, from: directoryPath + "/" + name, schema: \.schema,
            current: ItemIndexFile.currentSchema, held: held)
    }

    /// Builds `unread.log` and `recent.json` from every feed and the read marks; carries the read marks of a
    /// schema 1 `read.json` (by old item id) over to the shards first, and deletes the unread files of a
    /// store from before `unread.log`.
    private func rebuildIndexes(_ held: StoreTransaction) throws(StoreError) {
        // recent.json says "the indexes are complete": it goes first and comes back last, so a crash in
        // between leaves a store that rebuilds again.
        let marker = directory.appendingPathComponent(ItemIndexFile.recentName)
        if unlink(marker.path) == 0 { try AtomicFile.syncDirectory(directory) }
        let feeds = try allFeeds(held: held)
        var marks = held.readMarks()
        let legacy = try load(
            LegacyReadState.self, from: readStateURL.path, schema: \.schema, current: LegacyReadState.currentSchema,
            held: held)
        var unreadRecords: [String: Data] = [:]
        var recent: [String: IndexEntry] = [:]
        for feed in feeds {
            var unread = ItemIndexFile(title: feed.title)
            for item in feed.items {
                if let legacyID = item.legacyID, let date = legacy?.read[legacyID] { try marks.markRead(item.key, at: date) }
                let entry = IndexEntry(item, feed: feed.url)
                if try !marks.isRead(item.key) { unread.upsert(entry) }
                if var known = recent[item.key] {
                    if !known.feeds.contains(feed.url) { known.feeds.append(feed.url) }
                    recent[item.key] = known
                } else {
                    recent[item.key] = entry
                }
            }
            if !unread.items.isEmpty { unreadRecords[Self.key(forFeedURL: feed.url)] = unread.jsonData }
        }
        try unreadIndexes.replace(with: unreadRecords)
        let oldUnreadFiles = (try? FileManager.default.contentsOfDirectory(atPath: legacyUnreadPath)) ?? []
        for name in oldUnreadFiles { unlink(legacyUnreadPath + "/" + name) }
        if rmdir(legacyUnreadPath) == 0 { try AtomicFile.syncDirectory(directory) }
        try marks.save()
        let newest = recent.values.sorted { IndexEntry.newestFirst($0, $1) }.prefix(ItemIndexFile.recentCapacity)
        try saveIndex(ItemIndexFile(items: Array(newest)), named: ItemIndexFile.recentName, held: held)
        if legacy != nil { rename(readStateURL.path, readStateURL.path + ".migrated") }
    }

    /// Deletes what is stored for one feed (its items and fetch state) and rebuilds the indexes. Read marks
    /// stay: another feed may carry the same items. Returns whether there was anything to delete.
    @discardableResult
    public func removeFeed(url: String) throws(StoreError) -> Bool {
        try transaction { held throws(StoreError) -> Bool in
            let key = Self.key(forFeedURL: url)
            var removed = false
            for path in [feedFilePath(forFeedURL: url), legacyStateFilePath(forFeedURL: url)] where unlink(path) == 0 {
                removed = true
            }
            if removed { try AtomicFile.syncDirectory(atPath: feedsPath) }
            forgetEventedKeys(feedURL: url)
            if try record(key, in: fetchStates, held: held) ?? nil != nil {
                try setRecord(nil, key: key, in: fetchStates, held: held)
                removed = true
            }
            // Its unread record goes with the rebuild below.
            if try record(key, in: unreadIndexes, held: held) ?? nil != nil { removed = true }
            guard removed else { return false }
            try rebuildIndexes(held)
            return true
        }
    }

    /// Fails unless the store can be locked and written: checked once when the daemon starts.
    public func checkWritable() throws(StoreError) {
        try transaction { _ throws(StoreError) in
            let probe = directory.appendingPathComponent(".write-probe")
            try AtomicFile.write(Data(), to: probe)
            unlink(probe.path)
        }
    }


    // MARK: - Other files

    /// Writes an auxiliary JSON file of the state directory (`status.json`, a request), atomically; what
    /// only the daemon writes, or is read only when complete, needs no lock.
    public func saveFile<T: Encodable>(_ value: T, named name: String) throws(StoreError) {
        try saveFile(value, named: name, held: nil)
    }

    func saveFile<T: Encodable>(_ value: T, named name: String, held: StoreTransaction?) throws(StoreError) {
        let url = directory.appendingPathComponent(name)
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        } catch {
            throw .cannotCreate(path: url.deletingLastPathComponent().path, reason: Self.reason(error))
        }
        try write(value, to: url.path, held: held)
    }

    /// Reads an auxiliary JSON file; nil when missing or undecodable (they are rewritten, never merged).
    public func loadFile<T: Decodable>(_ type: T.Type, named name: String) -> T? {
        guard let data = try? Self.contents(of: directoryPath + "/" + name) else { return nil }
        return try? StoreCoding.decoder.decode(T.self, from: data)
    }

    // MARK: - Files

    /// `data`: the file's bytes when the caller has read them already.
    func load<T: Decodable>(
        _ type: T.Type, from path: String, schema: KeyPath<T, Int>, current: Int, held: StoreTransaction?, data known: Data? = nil
    ) throws(StoreError) -> T? {
        let read: Data?
        if let known { read = known } else { read = try Self.contents(of: path) }
        guard let data = read else { return nil }
        do {
            let value = try StoreCoding.decoder.decode(T.self, from: data)
            if value[keyPath: schema] > current { throw StoreError.newerSchema(path: path, found: value[keyPath: schema]) }
            return value
        } catch let error as StoreError {
            throw error
        } catch {
            guard held != nil else {
                // Move it aside under the lock, after reading it again there: a writer may have replaced it
                // since, and only the lock holder may rename store files.
                return try transaction { held throws(StoreError) -> T? in
                    try load(type, from: path, schema: schema, current: current, held: held)
                }
            }
            let aside = path + ".corrupt-" + UTCTimestamp.format(Date()).replacingOccurrences(of: ":", with: "")
                + "-\(getpid())-\(UInt16.random(in: 0...UInt16.max))"
            if rename(path, aside) == 0 {
                warnings.add("\(path): unreadable (\(Self.reason(error))); moved aside to \(aside)")
            } else {
                warnings.add("\(path): unreadable (\(Self.reason(error))) and could not be moved aside")
            }
            return nil
        }
    }

    /// The file's bytes; nil only when it does not exist (any other failure is an error, never "empty").
    private static func contents(of path: String) throws(StoreError) -> Data? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            if errno == ENOENT { return nil }
            throw .cannotRead(path: path, reason: String(cString: strerror(errno)))
        }
        defer { close(descriptor) }
        return try readAll(descriptor, path: path)
    }

    /// Everything left to read from an open file (`path` names it in errors).
    static func readAll(_ descriptor: Int32, path: String) throws(StoreError) -> Data {
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = read(descriptor, &buffer, buffer.count)
            if count == 0 { return data }
            if count < 0 {
                if errno == EINTR { continue }
                throw .cannotRead(path: path, reason: String(cString: strerror(errno)))
            }
            data.append(contentsOf: buffer[0..<count])
        }
    }

    @discardableResult
    private func write<T: Encodable>(_ value: T, to path: String, held: StoreTransaction?) throws(StoreError) -> Data {
        let data: Data
        if let direct = value as? any StoreJSONEncodable {
            data = direct.jsonData
        } else {
            do {
                data = try StoreCoding.encoder.encode(value)
            } catch {
                throw .cannotWrite(path: path, reason: Self.reason(error))
            }
        }
        if let pending = held?.batch {
            try AtomicFile.write(data, toPath: path, syncDirectory: false)
            pending.add(AtomicFile.split(path).folder)
        } else {
            try AtomicFile.write(data, toPath: path)
        }
        return data
    }

    /// Makes the writes `pending` gathered durable: the renames (one fsync per folder), then the record
    /// changes (one write and one `fdatasync` per log). See `StoreTransaction.durableTogether`.
    func makeDurable(_ pending: PendingWrites, held: StoreTransaction) throws(StoreError) {
        // The renames first: a record may speak of a file renamed in the same step (a fetch state of its
        // items file).
        for folder in pending.folders { try AtomicFile.syncDirectory(atPath: folder) }
        for (log, changes) in pending.takeRecords() { try append(changes, to: log, held: held) }
    }

    /// A key's record as the transaction sees it: staged in its current step, else in the file. nil when
    /// there is no file (and nothing staged), `.some(nil)` when the key has no record.
    private func record(_ key: String, in log: RecordLog, held: StoreTransaction?) throws(StoreError) -> Data?? {
        if let staged = held?.batch?.staged(key, in: log) { return staged }
        guard let snapshot = try log.snapshot() else { return nil }
        return .some(snapshot.records[key])
    }

    /// Sets (or with nil removes) a record: staged until the end of the current step, else appended now.
    private func setRecord(_ value: Data?, key: String, in log: RecordLog, held: StoreTransaction) throws(StoreError) {
        if let pending = held.batch {
            pending.stage(value, key: key, in: log)
        } else {
            try append([(key, value)], to: log, held: held)
        }
    }

    /// `unread.log` is never created here (only a rebuild does, with every record); `fetch-state.log` is,
    /// with the state files of a store from before it, which then go.
    private func append(_ changes: [(key: String, value: Data?)], to log: RecordLog, held: StoreTransaction) throws(StoreError) {
        let note: String?
        if log === fetchStates && !log.exists {
            note = try log.append(changes) { [self] () throws(StoreError) in legacyStateRecords(held: held) }
            try removeLegacyStateFiles()
        } else {
            note = try log.append(changes, creatingWith: nil)
        }
        if let note { warnings.add("\(log.path): \(note)") }
    }

    /// The state files of a store from before `fetch-state.log`, as its first records. One that cannot be
    /// read is reported and left out: its feed starts afresh.
    private func legacyStateRecords(held: StoreTransaction) -> [String: Data] {
        var records: [String: Data] = [:]
        for name in legacyStateFileNames() {
            do {
                guard let state = try load(
                    FeedStateFile.self, from: feedsPath + "/" + name, schema: \.schema, current: FeedStateFile.currentSchema,
                    held: held)
                else { continue }
                records[Self.key(forFeedURL: state.url)] = state.jsonData
            } catch {
                warnings.add("\(feedsPath)/\(name): left out of fetch-state.log: \(error)")
            }
        }
        return records
    }

    /// Deletes the state files `fetch-state.log` took over (those its records hold): after it is created, and
    /// when the daemon starts (a crash may have come in between). One left out as unreadable stays.
    private func removeLegacyStateFiles() throws(StoreError) {
        let names = legacyStateFileNames()
        guard !names.isEmpty, let records = try fetchStates.snapshot()?.records else { return }
        var removed = false
        for name in names where records[String(name.dropLast(".state.json".count))] != nil {
            removed = unlink(feedsPath + "/" + name) == 0 || removed
        }
        if removed { try AtomicFile.syncDirectory(atPath: feedsPath) }
    }

    private func legacyStateFileNames() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: feedsPath)) ?? []).filter { $0.hasSuffix(".state.json") }
    }

    /// Why a record did not decode.
    struct DamagedRecord: Error {
        var message: String
    }

    /// A record decoded, or why it could not be; a schema newer than this feedd's is an error.
    private func decodeRecord<T: Decodable>(
        _ type: T.Type, _ data: Data, log: RecordLog, schema: KeyPath<T, Int>, current: Int
    ) throws(StoreError) -> Result<T, DamagedRecord> {
        let value: T
        // The unread index, read by every `feedctl list`: the store's own reader first.
        if T.self == ItemIndexFile.self, let file = StoreJSONReader.itemIndexFile(data) as? T {
            value = file
        } else {
            do {
                value = try StoreCoding.decoder.decode(T.self, from: data)
            } catch {
                return .failure(DamagedRecord(message: Self.reason(error)))
            }
        }
        if value[keyPath: schema] > current { throw .newerSchema(path: log.path, found: value[keyPath: schema]) }
        return .success(value)
    }

    static func reason(_ error: any Error) -> String {
        if let decoding = error as? DecodingError {
            switch decoding {
            case .dataCorrupted(let context): return context.debugDescription
            case .keyNotFound(let key, _): return "missing key \"\(key.stringValue)\""
            case .typeMismatch(_, let context), .valueNotFound(_, let context):
                return context.debugDescription + " at " + context.codingPath.map(\.stringValue).joined(separator: ".")
            @unknown default: return "\(decoding)"
            }
        }
        return (error as NSError).localizedDescription
    }
}

/// Messages collected while reading, safe to share between threads.
public final class WarningLog: Sendable {
    private let messages = Mutex<[String]>([])

    public func add(_ message: String) { messages.withLock { $0.append(message) } }

    /// How many messages are waiting.
    public var count: Int { messages.withLock { $0.count } }

    /// Returns and clears the messages collected so far.
    public func drain() -> [String] { messages.withLock { messages in defer { messages.removeAll() }; return messages } }
}

/// JSON coding shared by every store file: snake_case keys set per type, UTC timestamps (ISO 8601, whole
/// seconds). Keys come in the order each type encodes them (a dictionary's, such as the read marks', in no
/// set order): sorting them cost a third of `feedctl list`.
enum StoreCoding {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()
}
