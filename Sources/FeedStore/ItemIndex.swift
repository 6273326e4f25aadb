import FeedModel
import Foundation

/// One item as the indexes list it: what `feedctl list` prints, without the bodies.
public struct IndexEntry: Codable, Sendable, Equatable {
    public var id: String
    public var key: String
    /// URLs of the feeds that carry it, as configured: one logical item, shown once.
    public var feeds: [String]
    public var title: String?
    public var link: String?
    public var published: Date?
    public var updated: Date?
    public var firstSeen: Date
    public var authors: [String]
    public var categories: [String]
    /// Its title or content changed since it was first stored.
    public var changed: Bool
    /// The start of its summary (or content) as plain text, for `feedctl list --search`.
    public var snippet: String?

    enum CodingKeys: String, CodingKey {
        case id, key, feeds, title, link, published, updated, authors, categories, changed, snippet
        case firstSeen = "first_seen"
    }

    public init(_ item: StoredItem, feed: String) {
        id = item.id
        key = item.key
        feeds = [feed]
        title = item.title
        link = item.link
        published = item.published
        updated = item.updated
        firstSeen = item.firstSeen
        authors = item.authors
        categories = item.categories
        changed = item.changed
        snippet = TextCleaning.snippet(item.summary ?? item.content)
    }

    /// The time the item sorts by (`ItemDates.sortDate`): its publication date, else when feedd first saw
    /// it, which is also what a date more than a day past that sighting is replaced by.
    public var sortDate: Date { ItemDates.sortDate(published: published, firstSeen: firstSeen) }

    /// The date printed beside it: the publisher's, else the first sighting.
    public var shownDate: Date { ItemDates.shownDate(published: published, firstSeen: firstSeen) }

    /// Newest first; ties broken by id so the order is stable. Sort with a closure that calls it
    /// (`sort { newestFirst($0, $1) }`): passed as a function value, it gets a copy of both arguments at
    /// every comparison, which made sorting 20 items five times dearer.
    public static func newestFirst(_ a: IndexEntry, _ b: IndexEntry) -> Bool {
        let (dateA, dateB) = (a.sortDate, b.sortDate)
        return dateA != dateB ? dateA > dateB : a.id > b.id
    }
}

/// One feed's unread items (its record in `unread.log`) and `recent.json` (the newest items of the store,
/// read or not): small indexes that let `feedctl list` answer without reading a single item body. Writers
/// keep them in step with the feeds.
public struct ItemIndexFile: Codable, Sendable, Equatable {
    public static let currentSchema = 1
    public static let recentName = "recent.json"
    /// How many items `recent.json` keeps.
    public static let recentCapacity = 100

    public var schema: Int
    /// The feed's own title, in a feed's unread file: lists name feeds without opening anything else.
    public var title: String?
    /// Newest first.
    public var items: [IndexEntry]

    public init(items: [IndexEntry] = [], title: String? = nil) {
        schema = Self.currentSchema
        self.items = items
        self.title = title
    }

    /// Adds the entry, or merges it into the one with the same key (another feed carries the same item).
    public mutating func upsert(_ entry: IndexEntry) {
        if let index = items.firstIndex(where: { $0.key == entry.key }) {
            let merged = Self.merging(entry, into: items[index])
            items.remove(at: index)
            insertSorted(merged)
        } else {
            insertSorted(entry)
        }
    }

    /// Adds an entry whose key no entry has (the caller knows): `upsert` without the search for it.
    public mutating func insertNew(_ entry: IndexEntry) {
        assert(!contains(key: entry.key), "insertNew of a key the list holds")
        insertSorted(entry)
    }

    /// `upsert` of each entry in turn, in one pass over the list however many entries come, where one
    /// `upsert` each would search and shift it each time.
    public mutating func upsert(contentsOf entries: [IndexEntry]) {
        guard !entries.isEmpty else { return }
        var position: [String: Int] = Dictionary(minimumCapacity: items.count)
        for index in items.indices { position[items[index].key] = index }
        var replaced = [Bool](repeating: false, count: items.count)
        var incoming: [IndexEntry] = []
        incoming.reserveCapacity(entries.count)
        var incomingPosition: [String: Int] = Dictionary(minimumCapacity: entries.count)
        for entry in entries {
            if let index = incomingPosition[entry.key] {
                incoming[index] = Self.merging(entry, into: incoming[index])
            } else {
                if let index = position[entry.key] {
                    incoming.append(Self.merging(entry, into: items[index]))
                    replaced[index] = true
                } else {
                    incoming.append(entry)
                }
                incomingPosition[entry.key] = incoming.count - 1
            }
        }
        incoming.sort { IndexEntry.newestFirst($0, $1) }
        // Both lists newest first: merged, an incoming entry going after those it is not newer than.
        var merged: [IndexEntry] = []
        merged.reserveCapacity(items.count + incoming.count)
        var old = 0
        var new = 0
        while true {
            while old < items.count && replaced[old] { old += 1 }
            if old < items.count && (new == incoming.count || !IndexEntry.newestFirst(incoming[new], items[old])) {
                merged.append(items[old])
                old += 1
            } else if new < incoming.count {
                merged.append(incoming[new])
                new += 1
            } else {
                break
            }
        }
        items = merged
    }

    /// The entry as an update of `existing`: the feeds of both, changed if either is.
    private static func merging(_ entry: IndexEntry, into existing: IndexEntry) -> IndexEntry {
        var merged = entry
        merged.feeds = existing.feeds + entry.feeds.filter { !existing.feeds.contains($0) }
        merged.changed = entry.changed || existing.changed
        return merged
    }

    /// Removes `feed` from the entry with this key; the entry goes when no feed is left.
    public mutating func remove(key: String, feed: String? = nil) {
        guard let index = items.firstIndex(where: { $0.key == key }) else { return }
        if let feed {
            items[index].feeds.removeAll { $0 == feed }
            if !items[index].feeds.isEmpty { return }
        }
        items.remove(at: index)
    }

    public func contains(key: String) -> Bool {
        items.contains { $0.key == key }
    }

    /// Before the first entry it is newer than: found by halving, the entries being newest first.
    private mutating func insertSorted(_ entry: IndexEntry) {
        var low = items.startIndex
        var high = items.endIndex
        while low < high {
            let middle = low + (high - low) / 2
            if IndexEntry.newestFirst(entry, items[middle]) { high = middle } else { low = middle + 1 }
        }
        items.insert(entry, at: low)
    }
}

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

/// An unread entry reduced to what finds it (`id`) and where it is (`key`, `feeds`).
public struct UnreadReference: Decodable, Sendable, Equatable {
    public var id: String
    public var key: String
    public var feeds: [String]
}

/// An unread file read as references only.
struct UnreadReferenceFile: Decodable {
    var schema: Int
    var items: [UnreadReference]
}

/// Every unread item of the store, one entry per logical item (its feeds merged), newest first, with the
/// titles of the feeds that have unread items.
public struct UnreadView: Sendable {
    public var items: [IndexEntry]
    /// Feed URL → the feed's own title.
    public var titles: [String: String]
}
