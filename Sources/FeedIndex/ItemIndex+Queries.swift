import FeedCore
import FeedModel
import FeedStore
import Foundation
import GRDB

/// What the index holds of an item beyond its listing entry: for `feedctl list --json`.
public struct ItemDetails: Sendable, Equatable {
    public var summary: String?
    public var enclosures: [Enclosure]
}

/// One item of one feed as the index holds it, with its text: what rules applied to stored items look at.
public struct IndexedItem: Sendable {
    public var feed: String
    public var key: String
    public var title: String?
    public var link: String?
    public var published: Date?
    public var firstSeen: Date
    public var authors: [String]
    public var categories: [String]
    public var enclosureTypes: [String]
    /// Summary and content as plain text.
    public var text: String

    public var id: String { ItemIdentity.itemID(logicalKey: key) }
}

extension ItemIndex {
    /// Every item of every feed file (an item two feeds carry comes once for each), dated `since` or later
    /// when given, newest first; its text and enclosure types only when asked for (reading them is most of
    /// the cost).
    public func forEachItem(
        since: Date? = nil, withText: Bool = true, withEnclosures: Bool = true, _ body: (IndexedItem) -> Void
    ) throws(IndexError) {
        try reading { db in
            let rows = try Row.fetchCursor(
                db, sql: """
                    SELECT items.feed, items.key, items.title, items.link, items.published, items.first_seen, items.authors,
                        items.categories, \(withEnclosures ? "items.enclosures" : "NULL"), \(withText ? "texts.body" : "NULL")
                    FROM items \(withText ? "JOIN texts ON texts.rowid = items.row" : "") WHERE items.sort_date >= ?
                    ORDER BY items.sort_date DESC, items.id DESC
                    """, arguments: [since?.timeIntervalSince1970 ?? -Double.greatestFiniteMagnitude])
            let decoder = JSONDecoder()
            while let row = try rows.next() {
                let enclosures = (row[8] as String?).flatMap { try? decoder.decode([Enclosure].self, from: Data($0.utf8)) }
                body(
                    IndexedItem(
                        feed: row[0], key: row[1], title: row[2], link: row[3], published: Self.date(row[4]),
                        firstSeen: Self.date(row[5]) ?? Date(timeIntervalSince1970: 0), authors: Self.split(row[6]),
                        categories: Self.split(row[7]), enclosureTypes: enclosures?.compactMap(\.type) ?? [], text: row[9] ?? ""))
            }
        }
    }

    private static let entryColumns =
        "feed, key, title, link, published, updated, first_seen, authors, categories, changed, snippet"

    /// Every stored item, one entry per logical item (the feeds that carry it merged), newest first; the
    /// first `limit` of them when given. Without their snippets, which no listing shows (reading 100,000
    /// of them was a tenth of `feedctl list --all`); `entries(keys:)` has them.
    public func entries(limit: Int? = nil) throws(IndexError) -> [IndexEntry] {
        try reading { db in
            let columns = Self.entryColumns.replacingOccurrences(of: "snippet", with: "NULL")
            let rows = try Row.fetchCursor(db, sql: "SELECT \(columns) FROM items ORDER BY sort_date DESC, id DESC")
            return try Self.merged(rows, limit: limit)
        }
    }

    /// The entries of the items with these keys, newest first (a key the index does not hold is left out).
    public func entries(keys: some Collection<String>) throws(IndexError) -> [IndexEntry] {
        try reading { db in
            var entries: [IndexEntry] = []
            for chunk in Self.chunks(Array(Set(keys))) {
                let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
                let rows = try Row.fetchCursor(
                    db, sql: "SELECT \(Self.entryColumns) FROM items WHERE key IN (\(marks))",
                    arguments: StatementArguments(chunk))
                entries += try Self.merged(rows, limit: nil)
            }
            return entries.sorted { IndexEntry.newestFirst($0, $1) }
        }
    }

    /// The id of every item the index holds.
    public func ids() throws(IndexError) -> Set<String> {
        try reading { db in Set(try String.fetchAll(db, sql: "SELECT DISTINCT id FROM items")) }
    }

    /// The items whose id starts with `prefix` (lower-case hex), one per id, with their keys.
    public func items(idPrefix prefix: String) throws(IndexError) -> [(id: String, key: String)] {
        let lower = prefix.lowercased()
        return try reading { db in
            try Row.fetchAll(
                db, sql: "SELECT DISTINCT id, key FROM items WHERE id >= ? AND id < ? ORDER BY id",
                arguments: [lower, lower + "\u{7F}"]
            ).map { ($0[0] as String, $0[1] as String) }
        }
    }

    /// The length of each id's short form (`ShortID`) among every id of the index: found from each id's two
    /// neighbours, or from one pass over every id when most of them are asked for (then every id's length is
    /// returned, those asked for among them).
    public func shortIDLengths(_ ids: [String]) throws(IndexError) -> [String: Int] {
        try reading { db in
            var lengths: [String: Int] = Dictionary(minimumCapacity: ids.count)
            // How many items there are, about: the highest row is read from the table's b-tree alone, where
            // count(*) reads every page of an index (30 ms at a million items). It is never below the count.
            let total = try Int.fetchOne(db, sql: "SELECT max(row) FROM items") ?? 0
            if ids.count * 20 > total {
                // Every id's length; an id asked for that the index lacks (written since) joins them.
                var all = try String.fetchAll(db, sql: "SELECT DISTINCT id FROM items ORDER BY id")
                var every = Dictionary(uniqueKeysWithValues: zip(all, ShortID.lengths(sorted: all)))
                let missing = Set(ids.filter { every[$0] == nil })
                if !missing.isEmpty {
                    all = (all + missing).sorted()
                    every = Dictionary(uniqueKeysWithValues: zip(all, ShortID.lengths(sorted: all)))
                }
                return every
            }
            let before = try db.cachedStatement(sql: "SELECT id FROM items WHERE id < ? ORDER BY id DESC LIMIT 1")
            let after = try db.cachedStatement(sql: "SELECT id FROM items WHERE id > ? ORDER BY id LIMIT 1")
            for id in ids where lengths[id] == nil {
                lengths[id] = ShortID.length(
                    of: id, before: try String.fetchOne(before, arguments: [id]),
                    after: try String.fetchOne(after, arguments: [id]))
            }
            return lengths
        }
    }

    /// The keys of the items `query` finds: in their title, summary and content (as text), authors or
    /// categories.
    public func keys(matching query: SearchQuery) throws(IndexError) -> Set<String> {
        try reading { db in
            let keys: [String]
            if let expression = query.expression {
                keys = try String.fetchAll(
                    db, sql: "SELECT DISTINCT items.key FROM texts JOIN items ON items.row = texts.rowid WHERE texts MATCH ?",
                    arguments: [expression])
            } else {
                keys = try String.fetchAll(
                    db, sql: """
                        SELECT DISTINCT key FROM items WHERE row NOT IN (SELECT rowid FROM texts WHERE texts MATCH ?)
                        """, arguments: [query.exclusion ?? "\"\""])
            }
            return Set(keys)
        }
    }

    /// Summary and enclosures of the items with these keys.
    public func details(keys: some Collection<String>) throws(IndexError) -> [String: ItemDetails] {
        try reading { db in
            var details: [String: ItemDetails] = [:]
            let wanted = Set(keys)
            func take(_ row: Row) {
                let key: String = row[0]
                guard details[key] == nil, wanted.contains(key) else { return }
                let enclosures = (row[2] as String?).flatMap { try? JSONDecoder().decode([Enclosure].self, from: Data($0.utf8)) }
                details[key] = ItemDetails(summary: row[1], enclosures: enclosures ?? [])
            }
            // Most of the index asked for (list --all --json): one pass over it, not a lookup per key.
            if wanted.count * 4 > (try Int.fetchOne(db, sql: "SELECT count(*) FROM items") ?? 0) {
                let rows = try Row.fetchCursor(db, sql: "SELECT key, summary, enclosures FROM items")
                while let row = try rows.next() { take(row) }
                return details
            }
            for chunk in Self.chunks(Array(wanted)) {
                let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
                let rows = try Row.fetchCursor(
                    db, sql: "SELECT key, summary, enclosures FROM items WHERE key IN (\(marks))", arguments: StatementArguments(chunk))
                while let row = try rows.next() { take(row) }
            }
            return details
        }
    }

    /// The feed files (`feeds/KEY.json` names) that hold the item with this key.
    public func files(holding key: String) throws(IndexError) -> [String] {
        try reading { db in
            try String.fetchAll(db, sql: "SELECT DISTINCT file FROM items WHERE key = ? ORDER BY file", arguments: [key])
        }
    }

    /// For items with these keys, the feed files that hold them: file name → keys.
    public func files(holding keys: some Collection<String>) throws(IndexError) -> [String: Set<String>] {
        try reading { db in
            var files: [String: Set<String>] = [:]
            for chunk in Self.chunks(Array(Set(keys))) {
                let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
                for row in try Row.fetchAll(
                    db, sql: "SELECT file, key FROM items WHERE key IN (\(marks))", arguments: StatementArguments(chunk))
                {
                    files[row[0], default: []].insert(row[1])
                }
            }
            return files
        }
    }

    /// Rows in order, merged into one entry per key (the first row's fields, every row's feed).
    private static func merged(_ rows: RowCursor, limit: Int?) throws -> [IndexEntry] {
        var entries: [IndexEntry] = []
        var position: [String: Int] = [:]
        while let row = try rows.next() {
            let key: String = row[1]
            let feed: String = row[0]
            if let index = position[key] {
                if !entries[index].feeds.contains(feed) { entries[index].feeds.append(feed) }
                if row[9] as Bool { entries[index].changed = true }
                continue
            }
            if let limit, entries.count == limit { break }
            position[key] = entries.count
            entries.append(
                IndexEntry(
                    key: key, feeds: [feed], title: row[2], link: row[3], published: date(row[4]), updated: date(row[5]),
                    firstSeen: date(row[6]) ?? Date(timeIntervalSince1970: 0), authors: split(row[7]),
                    categories: split(row[8]), changed: row[9], snippet: row[10]))
        }
        return entries
    }

    private static func date(_ value: Double?) -> Date? { value.map { Date(timeIntervalSince1970: $0) } }

    /// SQLite takes a bounded number of parameters per statement.
    private static func chunks(_ values: [String]) -> [[String]] {
        stride(from: 0, to: values.count, by: 500).map { Array(values[$0..<min($0 + 500, values.count)]) }
    }
}
