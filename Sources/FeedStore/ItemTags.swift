import FeedCore
import Foundation

/// Tags the rules gave items (`tags.json`), by logical key: kept by key like stars, so they outlive the
/// item leaving its feed. Few items carry one (what a person's `tag` rules pick out), so the file is one,
/// rewritten whole.
public struct ItemTags: Codable, Sendable, Equatable {
    public static let currentSchema = 1
    static let fileName = "tags.json"

    public var schema: Int
    /// Logical key → its tags, in the order given.
    public var tags: [String: [String]]

    public init(tags: [String: [String]] = [:]) {
        schema = Self.currentSchema
        self.tags = tags
    }

    public func of(_ key: String) -> [String] { tags[key] ?? [] }
}

extension FeedStore {
    /// The items' tags; none when the file does not exist yet.
    public func itemTags() throws(StoreError) -> ItemTags {
        try loadTags(held: nil)
    }

    func loadTags(held: StoreTransaction?) throws(StoreError) -> ItemTags {
        try load(ItemTags.self, from: directoryPath + "/" + ItemTags.fileName, schema: \.schema, current: ItemTags.currentSchema, held: held)
            ?? ItemTags()
    }

    /// Gives the items these tags (key → tags), under the lock; returns how many items gained one.
    @discardableResult
    public func addTags(_ byKey: [String: [String]]) throws(StoreError) -> Int {
        try transaction { held throws(StoreError) -> Int in try addTags(byKey, held: held) }
    }

    func addTags(_ byKey: [String: [String]], held: StoreTransaction) throws(StoreError) -> Int {
        guard !byKey.isEmpty else { return 0 }
        var file = try loadTags(held: held)
        var changed = 0
        for (key, tags) in byKey {
            var current = file.of(key)
            for tag in tags where !current.contains(tag) { current.append(tag) }
            guard current.count > file.of(key).count else { continue }
            file.tags[key] = current
            changed += 1
        }
        if changed > 0 { try saveFile(file, named: ItemTags.fileName, held: held) }
        return changed
    }
}
