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

/// The folders whose renames still need an fsync, inside one `syncingDirectoriesOnce`.
final class DirectorySyncs: Sendable {
    private let pending = Mutex<Set<String>>([])

    func add(_ folder: String) { pending.withLock { _ = $0.insert(folder) } }

    var folders: [String] { pending.withLock { $0.sorted() } }
}

/// The JSON store in the state directory. Layout (see docs/STORE.md):
///
///     STATE_DIR/lock                  advisory lock taken by every writer
///     STATE_DIR/feeds/KEY.json        one feed: its metadata and items (`StoredFeed`)
///     STATE_DIR/feeds/KEY.state.json  its fetch state, rewritten after every fetch (`FeedStateFile`)
///     STATE_DIR/read/00.json … ff.json  read marks by logical item key, in 256 shards (`ReadShard`)
///     STATE_DIR/unread/KEY.json       one feed's unread items, without bodies (`ItemIndexFile`)
///     STATE_DIR/recent.json           the newest items, read or not, without bodies
///     STATE_DIR/status.json           what the running daemon says about itself
///     STATE_DIR/requests/             fetch requests from feedctl to the daemon
///
/// Every write goes to a temporary file that is fsynced and renamed over the old one, and the directory is
/// fsynced (at once, or once per folder at the end of `syncingDirectoriesOnce`): a reader sees the old file
/// or the new one, never half of either, and a crash loses nothing committed.
public final class FeedStore: Sendable {
    public let directory: URL
    /// Problems met while reading (corrupt files moved aside), for the caller to report.
    public let warnings = WarningLog()
    /// Index files as last read or written here, by name, with their bytes (see `loadIndex`).
    private let indexCache = Mutex<[String: (bytes: Data, index: ItemIndexFile)]>([:])
    /// Inside `syncingDirectoriesOnce`, for the task running it: the folders whose renames await an fsync.
    @TaskLocal private static var pendingDirectorySyncs: DirectorySyncs?

    public var feedsDirectory: URL { URL(fileURLWithPath: feedsPath, isDirectory: true) }
    /// Where stores before schema 3 kept read marks.
    var readStateURL: URL { directory.appendingPathComponent("read.json") }
    /// The paths as strings: files are opened by path, and Foundation's URL path operations cost more than
    /// writing a small file.
    private let directoryPath: String
    private let feedsPath: String
    private let unreadPath: String

    /// Opens (and creates if needed) the store in `directory`.
    public init(directory: URL) throws(StoreError) {
        self.directory = directory
        directoryPath = directory.path
        feedsPath = directoryPath + "/feeds"
        unreadPath = directoryPath + "/unread"
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

    private func feedFilePath(forFeedURL url: String) -> String { feedsPath + "/" + Self.key(forFeedURL: url) + ".json" }

    private func stateFilePath(forFeedURL url: String) -> String {
        feedsPath + "/" + Self.key(forFeedURL: url) + ".state.json"
    }

    private func unreadFilePath(forFeedURL url: String) -> String {
        unreadPath + "/" + Self.key(forFeedURL: url) + ".json"
    }

    // MARK: - Locking

    /// Runs `body` holding the store's exclusive advisory lock (`flock`), which feedd and feedctl both take
    /// around every read-modify-write.
    public func withWriteLock<T, E: Error>(_ body: () throws(E) -> T) throws -> T {
        let path = directoryPath + "/lock"
        // Read-only is enough for flock, and works whoever created the file (root running feedctl before the
        // service's first start, say).
        let descriptor = open(path, O_RDONLY | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw StoreError.cannotLock(path: path, reason: String(cString: strerror(errno))) }
        defer { close(descriptor) }
        while flock(descriptor, LOCK_EX) != 0 {
            guard errno == EINTR else { throw StoreError.cannotLock(path: path, reason: String(cString: strerror(errno))) }
        }
        defer { flock(descriptor, LOCK_UN) }
        return try body()
    }

    // MARK: - Feeds

    public func stateFileURL(forFeedURL url: String) -> URL {
        URL(fileURLWithPath: stateFilePath(forFeedURL: url), isDirectory: false)
    }

    /// The stored feed for this configured URL, or nil when there is none yet. A file that cannot be decoded
    /// is moved aside as `NAME.corrupt-TIMESTAMP-PID-N` (reported in `warnings`) so the feed starts afresh:
    /// directly when the caller holds the write lock and says so with `quarantine`, else after taking it.
    public func loadFeed(url: String, quarantine: Bool = false) throws(StoreError) -> StoredFeed? {
        let items = try load(
            StoredFeed.self, from: feedFilePath(forFeedURL: url), schema: \.schema, current: StoredFeed.currentSchema,
            quarantine: quarantine)
        let state = try loadStateFile(url: url, quarantine: quarantine)
        guard items != nil || state != nil else { return nil }
        var feed = items ?? StoredFeed(url: url)
        if let state { feed.fetch = state.fetch }  // else: schema 1 kept it in the items file, or there is none
        return feed
    }

    /// Only the items file (its `fetch` empty, or a schema 1 store's): for a caller that has read the fetch
    /// state already. nil when there is none.
    public func loadItems(url: String, quarantine: Bool = false) throws(StoreError) -> StoredFeed? {
        try load(
            StoredFeed.self, from: feedFilePath(forFeedURL: url), schema: \.schema, current: StoredFeed.currentSchema,
            quarantine: quarantine)
    }

    /// Only the fetch state: what the scheduler and a conditional request need, without reading any item
    /// (but from the items file of a schema 1 store, which kept it there).
    public func loadFetchState(url: String, quarantine: Bool = false) throws(StoreError) -> FetchState? {
        if let state = try loadStateFile(url: url, quarantine: quarantine) { return state.fetch }
        guard !Self.exists(stateFilePath(forFeedURL: url)) else { return nil }
        return try load(
            StoredFeed.self, from: feedFilePath(forFeedURL: url), schema: \.schema, current: StoredFeed.currentSchema,
            quarantine: quarantine)?.fetch
    }

    private func loadStateFile(url: String, quarantine: Bool) throws(StoreError) -> FeedStateFile? {
        try load(
            FeedStateFile.self, from: stateFilePath(forFeedURL: url), schema: \.schema,
            current: FeedStateFile.currentSchema, quarantine: quarantine)
    }

    /// Whether the feed's items file exists: without it a 304 would leave the feed empty, so the next
    /// fetch must be unconditional.
    public func hasItemsFile(url: String) -> Bool {
        Self.exists(feedFilePath(forFeedURL: url))
    }

    private static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    /// Writes the feed's items file and its state file.
    public func saveFeed(_ feed: StoredFeed) throws(StoreError) {
        try saveItems(feed)
        try saveFetchState(url: feed.url, fetch: feed.fetch)
    }

    /// Writes only the feed's items file (its `fetch` goes to the state file, written by `saveFetchState`).
    public func saveItems(_ feed: StoredFeed) throws(StoreError) {
        try write(feed, to: feedFilePath(forFeedURL: feed.url))
    }

    /// Writes only the fetch state: what a fetch that changed no item costs.
    public func saveFetchState(url: String, fetch: FetchState) throws(StoreError) {
        try write(FeedStateFile(url: url, fetch: fetch), to: stateFilePath(forFeedURL: url))
    }

    /// Every stored feed, in file-name order. `lockHeld`: see `loadIndex`.
    public func allFeeds(lockHeld: Bool = false) throws(StoreError) -> [StoredFeed] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: feedsPath)) ?? []
        var feeds: [StoredFeed] = []
        for name in names.sorted() where name.hasSuffix(".json") && !name.hasSuffix(".state.json") {
            guard var feed = try load(StoredFeed.self, from: feedsPath + "/" + name, schema: \.schema, current: StoredFeed.currentSchema, quarantine: lockHeld)
            else { continue }
            if let state = try loadStateFile(url: feed.url, quarantine: lockHeld) { feed.fetch = state.fetch }
            feeds.append(feed)
        }
        return feeds
    }

    // MARK: - Read marks and indexes

    /// One shard of the read marks (empty when it does not exist yet). `lockHeld`: see `loadIndex`.
    public func loadReadShard(_ index: Int, lockHeld: Bool = false) throws(StoreError) -> ReadShard {
        try load(
            ReadShard.self, from: directoryPath + "/" + ReadShard.fileName(index), schema: \.schema,
            current: ReadShard.currentSchema, quarantine: lockHeld) ?? ReadShard()
    }

    /// Builds the indexes now if they are missing, carrying over the read marks of an older store before any
    /// of its feed files is rewritten. The daemon does this when it starts.
    public func prepareIndexes() throws(StoreError) {
        _ = try loadIndex(ItemIndexFile.recentName)
    }

    /// `recent.json`, with every index rebuilt from the feeds first if it is missing (a store written by an
    /// older feedd, or an index set aside as corrupt). `recent.json` is written last by a rebuild, so it also
    /// says the per-feed unread files are complete.
    /// `lockHeld` says the caller holds the write lock (a rebuild then runs without taking it again).
    public func loadIndex(_ name: String, lockHeld: Bool = false) throws(StoreError) -> ItemIndexFile {
        let path = directoryPath + "/" + name
        if let data = try Self.contents(of: path) {
            // The same bytes as last time: reading is cheap, decoding is what costs (a daemon committing feed
            // after feed reads recent.json each time).
            if let cached = indexCache.withLock({ $0[name] }), cached.bytes == data { return cached.index }
            let index = try load(
                ItemIndexFile.self, from: path, schema: \.schema, current: ItemIndexFile.currentSchema, quarantine: lockHeld,
                data: data)
            if let index {
                indexCache.withLock { $0[name] = (data, index) }
                return index
            }
        }
        try rebuild(lockHeld: lockHeld) { () throws(StoreError) in try loadIndexFile(name, lockHeld: true) == nil }
        return try loadIndexFile(name, lockHeld: true) ?? ItemIndexFile()
    }

    public func saveIndex(_ index: ItemIndexFile, named name: String) throws(StoreError) {
        let data = try write(index, to: directoryPath + "/" + name)
        indexCache.withLock { $0[name] = (data, index) }
    }

    /// The unread items of one feed (`unread/KEY.json`): what a refresh of that feed reads and rewrites,
    /// whatever the size of the rest of the store.
    public func loadUnread(feedURL: String, lockHeld: Bool = false) throws(StoreError) -> ItemIndexFile {
        try ensureIndexes(lockHeld: lockHeld)
        let path = unreadFilePath(forFeedURL: feedURL)
        let existed = Self.exists(path)
        if let index = try load(ItemIndexFile.self, from: path, schema: \.schema, current: ItemIndexFile.currentSchema, quarantine: lockHeld) {
            return index
        }
        guard existed else { return ItemIndexFile() }  // no unread item
        // It was there but did not decode, and has been set aside: rebuild every index from the feeds.
        try rebuild(lockHeld: lockHeld) { () throws(StoreError) in true }
        return try load(ItemIndexFile.self, from: path, schema: \.schema, current: ItemIndexFile.currentSchema, quarantine: true)
            ?? ItemIndexFile()
    }

    /// Writes one feed's unread items; no file at all when there are none.
    public func saveUnread(_ index: ItemIndexFile, feedURL: String) throws(StoreError) {
        let path = unreadFilePath(forFeedURL: feedURL)
        if index.items.isEmpty {
            if unlink(path) != 0 && errno != ENOENT {
                throw .cannotWrite(path: path, reason: String(cString: strerror(errno)))
            }
            return
        }
        // One system call, whether the folder is there already or was deleted by hand meanwhile.
        if mkdir(unreadPath, 0o755) != 0 && errno != EEXIST {
            throw .cannotCreate(path: unreadPath, reason: String(cString: strerror(errno)))
        }
        try write(index, to: path)
    }

    /// Every unread item of the store, one entry per logical item (its feeds merged), newest first.
    public func allUnread(lockHeld: Bool = false) throws(StoreError) -> UnreadView {
        var byKey: [String: IndexEntry] = [:]
        var titles: [String: String] = [:]
        for index in try unreadFiles(ItemIndexFile.self, schema: \.schema, current: ItemIndexFile.currentSchema, lockHeld: lockHeld) {
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
        return UnreadView(items: byKey.values.sorted(by: IndexEntry.newestFirst), titles: titles)
    }

    /// The id, key and feeds of every unread item, one per logical item, in no particular order: what
    /// marking read and counting need, read at a fraction of the cost of whole entries.
    public func unreadReferences(lockHeld: Bool = false) throws(StoreError) -> [UnreadReference] {
        var byKey: [String: UnreadReference] = [:]
        for file in try unreadFiles(UnreadReferenceFile.self, schema: \.schema, current: ItemIndexFile.currentSchema, lockHeld: lockHeld) {
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

    /// Every file of `unread/`, decoded as `T`. A file that does not decode is set aside and every index
    /// rebuilt, then the folder is read again.
    private func unreadFiles<T: Decodable>(
        _ type: T.Type, schema: KeyPath<T, Int>, current: Int, lockHeld: Bool
    ) throws(StoreError) -> [T] {
        try ensureIndexes(lockHeld: lockHeld)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: unreadPath)) ?? []
        var files: [T] = []
        for name in names where name.hasSuffix(".json") {
            let reported = warnings.count
            guard let file = try load(type, from: unreadPath + "/" + name, schema: schema, current: current, quarantine: lockHeld) else {
                // Gone since it was listed (its last unread item was read): nothing to do.
                guard warnings.count > reported else { continue }
                try rebuild(lockHeld: lockHeld) { () throws(StoreError) in true }
                return try unreadFiles(type, schema: schema, current: current, lockHeld: lockHeld)
            }
            files.append(file)
        }
        return files
    }

    /// Rebuilds every index if `recent.json` (written last by a rebuild) is missing.
    private func ensureIndexes(lockHeld: Bool) throws(StoreError) {
        let marker = directoryPath + "/" + ItemIndexFile.recentName
        guard !Self.exists(marker) else { return }
        try rebuild(lockHeld: lockHeld) { () throws(StoreError) in !Self.exists(marker) }
    }

    public func unreadFileURL(forFeedURL url: String) -> URL {
        URL(fileURLWithPath: unreadFilePath(forFeedURL: url), isDirectory: false)
    }

    /// Runs a rebuild under the lock if `needed` still says so once the lock is held.
    private func rebuild(lockHeld: Bool, needed: () throws(StoreError) -> Bool) throws(StoreError) {
        if lockHeld {
            if try needed() { try rebuildIndexes() }
            return
        }
        do {
            try withWriteLock { () throws(StoreError) in
                if try needed() { try rebuildIndexes() }
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw .cannotLock(path: directory.path, reason: "\(error)")
        }
    }

    /// A corrupt index is set aside (by whoever holds the lock) and then rebuilt.
    private func loadIndexFile(_ name: String, lockHeld: Bool = false) throws(StoreError) -> ItemIndexFile? {
        try load(
            ItemIndexFile.self, from: directoryPath + "/" + name, schema: \.schema,
            current: ItemIndexFile.currentSchema, quarantine: lockHeld)
    }

    /// Builds the per-feed unread files and `recent.json` from every feed and the read marks; carries the
    /// read marks of a schema 1 `read.json` (by old item id) over to the shards first. The caller holds the lock.
    private func rebuildIndexes() throws(StoreError) {
        // recent.json says "the indexes are complete": it goes first and comes back last, so a crash in
        // between leaves a store that rebuilds again.
        let marker = directory.appendingPathComponent(ItemIndexFile.recentName)
        if unlink(marker.path) == 0 { try AtomicFile.syncDirectory(directory) }
        let feeds = try allFeeds(lockHeld: true)
        var marks = ReadMarks(store: self, lockHeld: true)
        let legacy = try load(
            LegacyReadState.self, from: readStateURL.path, schema: \.schema, current: LegacyReadState.currentSchema,
            quarantine: true)
        let unreadFolder = directory.appendingPathComponent("unread")
        var stale = Set(((try? FileManager.default.contentsOfDirectory(atPath: unreadFolder.path)) ?? []).filter { $0.hasSuffix(".json") })
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
            try saveUnread(unread, feedURL: feed.url)
            stale.remove(Self.key(forFeedURL: feed.url) + ".json")
        }
        for name in stale { unlink(unreadFolder.appendingPathComponent(name).path) }
        try marks.save()
        let newest = recent.values.sorted(by: IndexEntry.newestFirst).prefix(ItemIndexFile.recentCapacity)
        try saveIndex(ItemIndexFile(items: Array(newest)), named: ItemIndexFile.recentName)
        if legacy != nil { rename(readStateURL.path, readStateURL.path + ".migrated") }
    }

    /// Deletes what is stored for one feed (its items, fetch state and unread file) and rebuilds the indexes.
    /// Read marks stay: another feed may carry the same items. Returns whether there was anything to delete.
    @discardableResult
    public func removeFeed(url: String) throws(StoreError) -> Bool {
        do {
            return try withWriteLock { () throws(StoreError) -> Bool in
                let files = [feedFileURL(forFeedURL: url), stateFileURL(forFeedURL: url), unreadFileURL(forFeedURL: url)]
                let removed = files.filter { unlink($0.path) == 0 }
                guard !removed.isEmpty else { return false }
                for folder in Set(removed.map { $0.deletingLastPathComponent().path }) {
                    try AtomicFile.syncDirectory(URL(fileURLWithPath: folder, isDirectory: true))
                }
                try rebuildIndexes()
                return true
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw .cannotLock(path: directory.path, reason: "\(error)")
        }
    }

    /// Fails unless the store can be locked and written: checked once when the daemon starts.
    public func checkWritable() throws {
        try withWriteLock { () throws(StoreError) in
            let probe = directory.appendingPathComponent(".write-probe")
            try AtomicFile.write(Data(), to: probe)
            unlink(probe.path)
        }
    }


    // MARK: - Other files

    /// Writes an auxiliary JSON file of the state directory (`status.json`, a request), atomically.
    public func saveFile<T: Encodable>(_ value: T, named name: String) throws(StoreError) {
        let url = directory.appendingPathComponent(name)
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        } catch {
            throw .cannotCreate(path: url.deletingLastPathComponent().path, reason: Self.reason(error))
        }
        try write(value, to: url.path)
    }

    /// Reads an auxiliary JSON file; nil when missing or undecodable (they are rewritten, never merged).
    public func loadFile<T: Decodable>(_ type: T.Type, named name: String) -> T? {
        guard let data = try? Self.contents(of: directoryPath + "/" + name) else { return nil }
        return try? StoreCoding.decoder.decode(T.self, from: data)
    }

    // MARK: - Files

    /// `data`: the file's bytes when the caller has read them already.
    private func load<T: Decodable>(
        _ type: T.Type, from path: String, schema: KeyPath<T, Int>, current: Int, quarantine: Bool, data known: Data? = nil
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
            guard quarantine else {
                // Move it aside under the lock, after reading it again there: a writer may have replaced it
                // since, and only the lock holder may rename store files.
                do {
                    return try withWriteLock { () throws(StoreError) -> T? in
                        try load(type, from: path, schema: schema, current: current, quarantine: true)
                    }
                } catch let error as StoreError {
                    throw error
                } catch {
                    throw .cannotLock(path: path, reason: "\(error)")
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
    private func write<T: Encodable>(_ value: T, to path: String) throws(StoreError) -> Data {
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
        if let pending = Self.pendingDirectorySyncs {
            try AtomicFile.write(data, toPath: path, syncDirectory: false)
            pending.add(AtomicFile.split(path).folder)
        } else {
            try AtomicFile.write(data, toPath: path)
        }
        return data
    }

    /// Runs `body`, whose writes are each fsynced but whose renames are made durable together at the end: one
    /// fsync per folder instead of one per file. What `body` wrote is durable when this returns; a crash
    /// inside may keep any mix of its files old or new, so callers order their groups (indexes before items).
    public func syncingDirectoriesOnce<T, E: Error>(_ body: () throws(E) -> T) throws -> T {
        // Task-local, so a write by another task meanwhile (status.json, say) keeps its own directory fsync.
        let pending = DirectorySyncs()
        let result = Result { () throws -> T in try Self.$pendingDirectorySyncs.withValue(pending) { try body() } }
        for folder in pending.folders {
            // After a failure, its error is the one to report; what was written is still made durable.
            if case .failure = result {
                try? AtomicFile.syncDirectory(atPath: folder)
            } else {
                try AtomicFile.syncDirectory(atPath: folder)
            }
        }
        return try result.get()
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
