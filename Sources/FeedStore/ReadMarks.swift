import FeedModel
import Foundation

/// Read marks, by logical key, in 256 shards (`read/00.json` … `read/ff.json`, by the first two hex digits
/// of the item id) so marking one item read rewrites a 256th of them. A mark outlives its item: retention leaves a tombstone, and the mark keeps
/// the item read should it come back.
public struct ReadShard: Codable, Sendable, Equatable {
    public static let currentSchema = 1

    public var schema: Int
    /// Logical key → when it was marked read.
    public var read: [String: Date]

    public init(read: [String: Date] = [:]) {
        schema = Self.currentSchema
        self.read = read
    }

    /// Which shard holds a key's mark.
    public static func index(for key: String) -> Int {
        Int(StableHash.value(key) >> 56)  // the first two of its 16 hex digits
    }

    public static func fileName(_ index: Int) -> String {
        let hex = String(index, radix: 16)
        return "read/\(hex.count < 2 ? "0" + hex : hex).json"
    }
}

/// The read marks a writer works with: shards loaded on first use, written back only if changed.
public struct ReadMarks {
    private let store: FeedStore
    private var shards: [Int: ReadShard] = [:]
    private var dirty: Set<Int> = []
    /// With the lock held, the shards that exist, listed once: a missing one is not looked for (a cold
    /// start asks about every shard and has none).
    private var existing: Set<Int>?

    private let lockHeld: Bool

    /// `lockHeld`: the caller holds the store's write lock (every writer does).
    public init(store: FeedStore, lockHeld: Bool = true) {
        self.store = store
        self.lockHeld = lockHeld
    }

    public mutating func isRead(_ key: String) throws(StoreError) -> Bool {
        try shard(for: key).read[key] != nil
    }

    public mutating func markRead(_ key: String, at date: Date) throws(StoreError) {
        let index = ReadShard.index(for: key)
        var current = try shard(for: key)
        guard current.read[key] == nil else { return }
        current.read[key] = date
        shards[index] = current
        dirty.insert(index)
    }

    public mutating func markUnread(_ key: String) throws(StoreError) {
        let index = ReadShard.index(for: key)
        var current = try shard(for: key)
        guard current.read.removeValue(forKey: key) != nil else { return }
        shards[index] = current
        dirty.insert(index)
    }

    /// Writes the shards that changed.
    public mutating func save() throws(StoreError) {
        for index in dirty.sorted() {
            if let shard = shards[index] { try store.saveFile(shard, named: ReadShard.fileName(index)) }
        }
        dirty.removeAll()
    }

    private mutating func shard(for key: String) throws(StoreError) -> ReadShard {
        let index = ReadShard.index(for: key)
        if let loaded = shards[index] { return loaded }
        if lockHeld && existing == nil { existing = try store.existingReadShards() }
        if let existing, !existing.contains(index) {
            shards[index] = ReadShard()
            return ReadShard()
        }
        let loaded = try store.loadReadShard(index, lockHeld: lockHeld)
        shards[index] = loaded
        return loaded
    }
}
