import FeedCore
import FeedModel
import Foundation

/// Read marks, by logical key, in 256 shards (`read/00.json` … `read/ff.json`, by the first two hex digits
/// of the item id) so marking one item read rewrites a 256th of them. A mark outlives its item: retention leaves a tombstone, and the mark keeps
/// the item read should it come back.
struct ReadShard: Codable, Sendable, Equatable {
    public static let currentSchema = 1

    public var schema: Int
    /// Logical key → when it was marked read.
    public var read: [String: Date]

    enum CodingKeys: String, CodingKey, CaseIterable {
        case schema, read
    }

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

/// The read marks as a reader or a writer works with them: shards loaded on first use, written back only if
/// changed. A writer's come from `StoreTransaction.readMarks()`; `ReadMarks(reading:)` only reads.
public struct ReadMarks {
    private let store: FeedStore
    /// The transaction that writes them; nil for marks that are only read.
    private let held: StoreTransaction?
    private var shards: [Int: ReadShard] = [:]
    private var dirty: Set<Int> = []
    /// With the lock held, the shards that exist, listed once: a missing one is not looked for (a cold
    /// start asks about every shard and has none).
    private var existing: Set<Int>?

    init(store: FeedStore, held: StoreTransaction?) {
        self.store = store
        self.held = held
    }

    /// Marks to read without the lock: what `feedctl list` needs.
    public init(reading store: FeedStore) {
        self.init(store: store, held: nil)
    }

    public mutating func isRead(_ key: String) throws(StoreError) -> Bool {
        shards[try load(key)]?.read[key] != nil
    }

    // The marks change in place in `shards`: a copy of the shard taken out and put back would copy its
    // 4,000 marks (at a million items) for each one marked.
    public mutating func markRead(_ key: String, at date: Date) throws(StoreError) {
        let index = try load(key)
        guard shards[index]?.read[key] == nil else { return }
        shards[index]?.read[key] = date
        dirty.insert(index)
    }

    public mutating func markUnread(_ key: String) throws(StoreError) {
        let index = try load(key)
        guard shards[index]?.read.removeValue(forKey: key) != nil else { return }
        dirty.insert(index)
    }

    /// Writes the shards that changed, in the transaction they came from.
    public mutating func save() throws(StoreError) {
        guard !dirty.isEmpty else { return }
        guard let held else { preconditionFailure("read marks from ReadMarks(reading:) cannot be saved") }
        for index in dirty.sorted() {
            if let shard = shards[index] { try held.saveReadShard(shard, index: index) }
        }
        dirty.removeAll()
    }

    /// Loads the shard that holds `key`'s mark, if not yet; returns its number.
    private mutating func load(_ key: String) throws(StoreError) -> Int {
        let index = ReadShard.index(for: key)
        if shards[index] != nil { return index }
        if held != nil && existing == nil { existing = try store.existingReadShards() }
        if let existing, !existing.contains(index) {
            shards[index] = ReadShard()
        } else {
            shards[index] = try store.loadReadShard(index, held: held)
        }
        return index
    }
}
