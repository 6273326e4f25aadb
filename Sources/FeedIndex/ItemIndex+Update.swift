import FeedCore
import FeedModel
import FeedParser
import FeedStore
import Foundation
import GRDB

extension ItemIndex {
    /// How many feed files are indexed in one write transaction while catching up: enough to make the
    /// commit cost small, few enough that another process waiting for the index is not held up long.
    static let filesPerTransaction = 64

    /// Brings the index up to date with the store's feed files: the ones whose stamp changed are read and
    /// their items indexed again where they differ, the ones gone are dropped. Returns how many feed files
    /// were read. Files are read outside the database's write lock, so another process reading the index
    /// waits for the writes only.
    @discardableResult
    public func update(now: Date = Date()) throws(IndexError) -> Int {
        // The folder as it was before its files are looked at: if it is still so next time, nothing changed.
        let folder = store.feedsFolderStamp(now: now)
        if let folder, try reading(Self.indexedFolderStamp) == folder.description { return 0 }
        let stamps: [String: FeedFileStamp]
        do {
            stamps = try store.feedFileStamps()
        } catch {
            throw IndexError(path: store.directory.path, reason: "\(error)")
        }
        let (changed, gone) = Self.differences(stamps, try reading(Self.indexedStamps))
        if !gone.isEmpty {
            try writing { db in
                for name in gone { try Self.remove(file: name, db) }
            }
        }
        var start = changed.startIndex
        while start < changed.endIndex {
            let end = min(start + Self.filesPerTransaction, changed.endIndex)
            var loaded: [(name: String, feed: StoredFeed?, stamp: FeedFileStamp?)] = []
            for name in changed[start..<end] {
                do {
                    let file = try store.loadFeedFile(named: name)
                    loaded.append((name, file?.feed, file?.stamp))
                } catch {
                    throw IndexError(path: store.directory.path, reason: "\(error)")
                }
            }
            try writing { db in
                for file in loaded {
                    if let feed = file.feed, let stamp = file.stamp {
                        try Self.index(feed, file: file.name, stamp: stamp, db)
                    } else {
                        try Self.remove(file: file.name, db)  // gone meanwhile, or not a feed file the store can read
                    }
                }
            }
            start = end
        }
        if let folder {
            try writing { db in
                try db.execute(
                    sql: "INSERT OR REPLACE INTO meta (name, value) VALUES ('feeds_folder', ?)", arguments: [folder.description])
            }
        }
        return changed.count
    }

    /// The feeds folder's stamp when every file in it was last indexed, if recorded.
    static func indexedFolderStamp(_ db: Database) throws -> String? {
        try String.fetchOne(db, sql: "SELECT value FROM meta WHERE name = 'feeds_folder'")
    }

    /// The stamp each feed file was indexed from, by file name.
    static func indexedStamps(_ db: Database) throws -> [String: String] {
        try Dictionary(
            Row.fetchAll(db, sql: "SELECT name, stamp FROM files").map { ($0[0] as String, $0[1] as String) },
            uniquingKeysWith: { first, _ in first })
    }

    /// The feed files to index again (new or changed since, in name order) and those to drop (gone).
    static func differences(
        _ stamps: [String: FeedFileStamp], _ indexed: [String: String]
    ) -> (changed: [String], gone: [String]) {
        (stamps.filter { indexed[$0.key] != $0.value.description }.keys.sorted(), indexed.keys.filter { stamps[$0] == nil })
    }

    private static func remove(file name: String, _ db: Database) throws {
        try db.execute(sql: "DELETE FROM texts WHERE rowid IN (SELECT row FROM items WHERE file = ?)", arguments: [name])
        try db.execute(sql: "DELETE FROM items WHERE file = ?", arguments: [name])
        try db.execute(sql: "DELETE FROM files WHERE name = ?", arguments: [name])
    }

    /// Indexes one version of a feed file: items matched by identity with what the index holds for the file;
    /// an item whose digest is the same is left as it is.
    private static func index(_ feed: StoredFeed, file name: String, stamp: FeedFileStamp, _ db: Database) throws {
        // Another process may have indexed this very version meanwhile.
        if try String.fetchOne(db, sql: "SELECT stamp FROM files WHERE name = ?", arguments: [name]) == stamp.description { return }
        var existing: [String: (row: Int64, digest: Int64)] = [:]
        var orphans: [Int64] = []
        for row in try Row.fetchAll(db, sql: "SELECT row, identity, digest FROM items WHERE file = ?", arguments: [name]) {
            let identity: String = row[1]
            if existing[identity] != nil { orphans.append(row[0]) } else { existing[identity] = (row[0], row[2]) }
        }
        let deleteText = try db.cachedStatement(sql: "DELETE FROM texts WHERE rowid = ?")
        let deleteItem = try db.cachedStatement(sql: "DELETE FROM items WHERE row = ?")
        let insertItem = try db.cachedStatement(sql: """
            INSERT INTO items (file, feed, identity, id, key, title, link, published, updated, first_seen, sort_date,
                authors, categories, changed, summary, snippet, enclosures, digest)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        let insertText = try db.cachedStatement(
            sql: "INSERT INTO texts (rowid, title, body, authors, categories) VALUES (?, ?, ?, ?, ?)")
        func drop(_ row: Int64) throws {
            try deleteText.execute(arguments: [row])
            try deleteItem.execute(arguments: [row])
        }
        for item in feed.items {
            let digest = Self.digest(item)
            if let old = existing.removeValue(forKey: item.identity) {
                if old.digest == digest { continue }
                try drop(old.row)
            }
            let entry = IndexEntry(item, feed: feed.url)
            var arguments: StatementArguments = [name, feed.url, item.identity, item.id, item.key, item.title, item.link]
            arguments += [
                item.published?.timeIntervalSince1970, item.updated?.timeIntervalSince1970,
                item.firstSeen.timeIntervalSince1970, entry.sortDate.timeIntervalSince1970,
            ]
            arguments += [
                joined(item.authors), joined(item.categories), item.changed, item.summary, entry.snippet,
                enclosuresJSON(item.enclosures), digest,
            ]
            try insertItem.execute(arguments: arguments)
            let row = db.lastInsertedRowID
            // Titles, authors and categories are text already (a title's "<T>" is text); bodies are HTML.
            let body = HTMLPlainText.text(summary: item.summary, content: item.content)
            try insertText.execute(arguments: [
                row, item.title, body, item.authors.joined(separator: " "),
                item.categories.joined(separator: " "),
            ])
        }
        for old in existing.values { try drop(old.row) }
        for row in orphans { try drop(row) }
        try db.execute(
            sql: "INSERT OR REPLACE INTO files (name, url, title, stamp) VALUES (?, ?, ?, ?)",
            arguments: [name, feed.url, feed.title, stamp.description])
    }

    /// The separator of a list of authors or categories in one column: a control character no stored text
    /// holds (the parser drops them).
    static let listSeparator: UInt8 = 0x1F

    static func joined(_ list: [String]) -> String { list.joined(separator: String(UnicodeScalar(listSeparator))) }

    /// The list `joined` made. Split on bytes: the separator is one byte that is never part of another
    /// character, and splitting by characters was a tenth of `feedctl list --all`.
    static func split(_ column: String) -> [String] {
        if column.isEmpty { return [] }
        guard column.utf8.contains(listSeparator) else { return [column] }
        return column.utf8.split(separator: listSeparator, omittingEmptySubsequences: false).map { String(Substring($0)) }
    }

    static func enclosuresJSON(_ enclosures: [Enclosure]) -> String? {
        guard !enclosures.isEmpty, let data = try? JSONEncoder().encode(enclosures) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    /// What tells one version of an item from another: every field the index holds, hashed. Computed for
    /// every item of a changed file, so its enclosures go in as fields, not as JSON.
    static func digest(_ item: StoredItem) -> Int64 {
        var text = item.key
        for part in [item.title, item.link, item.summary, item.content] { text += "\u{1F}" + (part ?? "\u{0}") }
        for date in [item.published, item.updated, item.firstSeen] { text += "\u{1F}" + (date.map { "\($0.timeIntervalSince1970)" } ?? "") }
        text += "\u{1F}" + joined(item.authors) + "\u{1E}" + joined(item.categories) + "\u{1E}" + (item.changed ? "c" : "")
        for enclosure in item.enclosures {
            text += "\u{1E}" + enclosure.url + "\u{1F}" + (enclosure.type ?? "") + "\u{1F}" + (enclosure.length.map(String.init) ?? "")
        }
        return Int64(bitPattern: StableHash.value(text))
    }
}
