import FeedCore
import Foundation

/// The starred items (`stars.json`), by logical key, with when each was starred. Kept by key like the read
/// marks, so a star outlives a migration, a change of ids and the item leaving its feed; retention never
/// removes a starred item. Stars are few (a person's keepers), so the file is one, rewritten whole.
public struct StarredItems: Codable, Sendable, Equatable {
    public static let currentSchema = 1
    static let fileName = "stars.json"

    public var schema: Int
    /// Logical key → when it was starred.
    public var starred: [String: Date]

    public init(starred: [String: Date] = [:]) {
        schema = Self.currentSchema
        self.starred = starred
    }

    public func contains(_ key: String) -> Bool { starred[key] != nil }
}

extension FeedStore {
    /// The starred items; none when the file does not exist yet.
    public func starredItems() throws(StoreError) -> StarredItems {
        try loadStarred(held: nil)
    }

    func loadStarred(held: StoreTransaction?) throws(StoreError) -> StarredItems {
        try load(
            StarredItems.self, from: directoryPath + "/" + StarredItems.fileName, schema: \.schema,
            current: StarredItems.currentSchema, held: held) ?? StarredItems()
    }

    /// Stars (or unstars) the items with these keys, under the lock; returns how many changed.
    @discardableResult
    public func setStarred(_ keys: some Sequence<String>, _ starred: Bool, now: Date) throws(StoreError) -> Int {
        try transaction { held throws(StoreError) -> Int in try setStarred(keys, starred, now: now, held: held) }
    }

    /// Stars `keys` and records, before the stars (so a crash never loses it), the hook event of those
    /// newly starred: `entries` has one for each key that may be (an item whose entry is missing is starred
    /// but not told of).
    public func star(_ keys: [String], now: Date, entries: [String: HookEvent.Entry]) throws(StoreError) -> Int {
        try transaction { held throws(StoreError) -> Int in
            let stars = try loadStarred(held: held)
            let fresh = keys.filter { !stars.contains($0) }.compactMap { entries[$0] }
            if !fresh.isEmpty { try recordEvent(.starred(created: now, entries: fresh), held: held) }
            return try setStarred(keys, true, now: now, held: held)
        }
    }

    func setStarred(_ keys: some Sequence<String>, _ starred: Bool, now: Date, held: StoreTransaction) throws(StoreError) -> Int {
        var stars = try loadStarred(held: held)
        var changed = 0
        for key in keys {
            if starred, stars.starred[key] == nil {
                stars.starred[key] = now
                changed += 1
            } else if !starred, stars.starred.removeValue(forKey: key) != nil {
                changed += 1
            }
        }
        if changed > 0 { try saveFile(stars, named: StarredItems.fileName, held: held) }
        return changed
    }
}
