import FeedCore
import FeedModel
import FeedStore
import Foundation
import GRDB

/// Every item of the store in one SQLite database (`index.sqlite` in the state directory), with an FTS5
/// table of its text: what finds an item by a prefix of its id, lists the whole store and searches it,
/// without reading every feed file.
///
/// Derived from the store, which stays the source of truth: `update` compares each feed file's stamp
/// (`FeedFileStamp`) with the one it was indexed from and indexes again only what changed, item by item
/// (by a digest of its fields). A missing index is built, one of another schema or a damaged one is
/// built anew; where none can be written (a read-only state directory) it is built in memory. Read state and
/// stars are not in it: they come from the store each time.
public final class ItemIndex: Sendable {
    public static let fileName = "index.sqlite"
    /// The schema of the tables; an index of any other is dropped and built again.
    static let schemaVersion = 1

    let database: DatabaseQueue
    public let store: FeedStore
    /// The database file; nil for an index held in memory.
    public let path: String?

    private init(database: DatabaseQueue, store: FeedStore, path: String?) {
        self.database = database
        self.store = store
        self.path = path
    }

    /// The index of `store`, opened or created in its directory and brought up to date. A damaged one is
    /// deleted and built again; one that cannot be used there (a read-only state directory) is built in
    /// memory instead, and `warning` says why (the caller reports it); without `inMemoryFallback`, that
    /// is an error.
    public static func open(
        store: FeedStore, inMemoryFallback: Bool = true, now: Date = Date()
    ) throws(IndexError) -> (index: ItemIndex, warning: String?) {
        let path = store.directory.appendingPathComponent(fileName).path
        var failure: IndexError?
        for attempt in 0..<2 {
            do {
                let index = try opening(path: path, store: store)
                try index.update(now: now)
                return (index, nil)
            } catch {
                let reason = "\(error)"
                failure = IndexError(path: path, reason: reason)
                guard attempt == 0, let database = error as? DatabaseError ?? (error as? IndexError)?.database,
                    [.SQLITE_CORRUPT, .SQLITE_NOTADB].contains(database.resultCode)
                else { break }
                for suffix in ["", "-wal", "-shm"] { unlink(path + suffix) }
            }
        }
        if !inMemoryFallback, let failure { throw failure }
        let inMemory = try self.inMemory(store: store)
        try inMemory.update(now: now)
        return (inMemory, "\(failure.map { "\($0)" } ?? path); searching without it this time")
    }

    /// How far the index in `store`'s directory is from the store, read without changing it: the items it
    /// holds and the feed files it has not indexed as they are now (changed, new or gone). Nil when there
    /// is no index there, or it cannot be read.
    public static func freshness(store: FeedStore) -> (items: Int, behind: Int)? {
        let path = store.directory.appendingPathComponent(fileName).path
        guard access(path, R_OK) == 0 else { return nil }
        var configuration = GRDB.Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(10)
        guard let queue = try? DatabaseQueue(path: path, configuration: configuration),
            let stamps = try? store.feedFileStamps(),
            let (items, indexed) = try? queue.read({ db in
                // An index of another schema is built anew when next opened: nothing in it counts.
                guard try Int.fetchOne(db, sql: "PRAGMA user_version") == schemaVersion else { return (0, [String: String]()) }
                return (try Int.fetchOne(db, sql: "SELECT count(*) FROM items") ?? 0, try indexedStamps(db))
            })
        else { return nil }
        let (changed, gone) = differences(stamps, indexed)
        return (items, changed.count + gone.count)
    }

    private static func opening(path: String, store: FeedStore) throws -> ItemIndex {
        var configuration = GRDB.Configuration()
        // feedctl, the reader and the daemon may update it at once: they wait for each other.
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL")
        }
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        try prepareSchema(queue)
        return ItemIndex(database: queue, store: store, path: path)
    }

    static func inMemory(store: FeedStore) throws(IndexError) -> ItemIndex {
        do {
            let queue = try DatabaseQueue()
            try prepareSchema(queue)
            return ItemIndex(database: queue, store: store, path: nil)
        } catch {
            throw IndexError(path: ":memory:", reason: "\(error)")
        }
    }

    /// Creates the tables, or drops and creates them when they are of another schema.
    private static func prepareSchema(_ queue: DatabaseQueue) throws {
        try queue.write { db in
            let version = try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0
            // Facts about the index as a whole (the feeds folder's stamp when it was last caught up); an
            // index of this schema made before the table existed gains it empty.
            let meta = "CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)"
            guard version != schemaVersion else { return try db.execute(sql: meta) }
            try db.execute(sql: "DROP TABLE IF EXISTS files; DROP TABLE IF EXISTS items; DROP TABLE IF EXISTS texts; DROP TABLE IF EXISTS meta")
            try db.execute(sql: meta)
            try db.execute(sql: """
                CREATE TABLE files (
                    name TEXT PRIMARY KEY, url TEXT NOT NULL, title TEXT, stamp TEXT NOT NULL);
                CREATE TABLE items (
                    row INTEGER PRIMARY KEY, file TEXT NOT NULL, feed TEXT NOT NULL, identity TEXT NOT NULL,
                    id TEXT NOT NULL, key TEXT NOT NULL, title TEXT, link TEXT, published REAL, updated REAL,
                    first_seen REAL NOT NULL, sort_date REAL NOT NULL, authors TEXT NOT NULL,
                    categories TEXT NOT NULL, changed INTEGER NOT NULL, summary TEXT, snippet TEXT,
                    enclosures TEXT, digest INTEGER NOT NULL);
                CREATE INDEX items_by_file ON items(file);
                CREATE INDEX items_by_id ON items(id);
                CREATE INDEX items_by_key ON items(key);
                CREATE INDEX items_by_date ON items(sort_date DESC, id DESC);
                CREATE VIRTUAL TABLE texts USING fts5(
                    title, body, authors, categories, tokenize = 'unicode61 remove_diacritics 2', columnsize = 0);
                PRAGMA user_version = \(schemaVersion);
                """)
        }
    }

    /// Runs a read, with GRDB's errors as `IndexError`.
    func reading<T>(_ body: (Database) throws -> T) throws(IndexError) -> T {
        do {
            return try database.read(body)
        } catch {
            throw failure(error)
        }
    }

    /// Runs a write transaction, with GRDB's errors as `IndexError`.
    func writing<T>(_ body: (Database) throws -> T) throws(IndexError) -> T {
        do {
            return try database.write(body)
        } catch {
            throw failure(error)
        }
    }

    func failure(_ error: any Error) -> IndexError {
        if let error = error as? IndexError { return error }
        return IndexError(path: path ?? ":memory:", reason: "\(error)", database: error as? DatabaseError)
    }
}
