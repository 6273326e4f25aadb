import FeedCore
import Foundation

/// The items a person marked unread again by hand (`kept-unread.json`), by logical key, with when: rules
/// applied to stored items (`feedctl rules apply`) leave them alone. Few, so the file is one, rewritten
/// whole.
public struct KeptUnread: Codable, Sendable, Equatable {
    public static let currentSchema = 1
    static let fileName = "kept-unread.json"

    public var schema: Int
    public var keys: [String: Date]

    public init(keys: [String: Date] = [:]) {
        schema = Self.currentSchema
        self.keys = keys
    }

    public func contains(_ key: String) -> Bool { keys[key] != nil }
}

extension FeedStore {
    /// The items marked unread by hand; none when the file does not exist yet.
    public func keptUnread() throws(StoreError) -> KeptUnread {
        try load(
            KeptUnread.self, from: directoryPath + "/" + KeptUnread.fileName, schema: \.schema, current: KeptUnread.currentSchema,
            held: nil) ?? KeptUnread()
    }

    func recordKeptUnread(_ keys: some Collection<String>, now: Date, held: StoreTransaction) throws(StoreError) {
        guard !keys.isEmpty else { return }
        var file = try load(
            KeptUnread.self, from: directoryPath + "/" + KeptUnread.fileName, schema: \.schema, current: KeptUnread.currentSchema,
            held: held) ?? KeptUnread()
        for key in keys where file.keys[key] == nil { file.keys[key] = now }
        try saveFile(file, named: KeptUnread.fileName, held: held)
    }
}
