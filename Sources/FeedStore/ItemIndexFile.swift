import FeedCore
import FeedModel
import Foundation

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

    /// The file's keys, in the order the store writes them: the one list its writer follows.
    enum CodingKeys: String, CodingKey, CaseIterable {
        case schema, title, items
    }

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
