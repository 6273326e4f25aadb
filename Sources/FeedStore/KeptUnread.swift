import FeedCore
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The items a person marked unread again by hand (`kept-unread.json`), by logical key, with when, until
/// they are read again: rules leave them alone. Few, so the file is one, rewritten whole.
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

    func keptUnreadKeys(held: StoreTransaction) throws(StoreError) -> [String] {
        Array(try loadKeptUnread(held: held).keys.keys)
    }

    private func loadKeptUnread(held: StoreTransaction) throws(StoreError) -> KeptUnread {
        try load(
            KeptUnread.self, from: directoryPath + "/" + KeptUnread.fileName, schema: \.schema, current: KeptUnread.currentSchema,
            held: held) ?? KeptUnread()
    }

    func recordKeptUnread(_ keys: some Collection<String>, now: Date, held: StoreTransaction) throws(StoreError) {
        guard !keys.isEmpty else { return }
        var file = try loadKeptUnread(held: held)
        for key in keys where file.keys[key] == nil { file.keys[key] = now }
        try saveFile(file, named: KeptUnread.fileName, held: held)
    }

    /// Items read again by hand are no longer kept unread: rules may act on them.
    func forgetKeptUnread(_ keys: some Collection<String>, held: StoreTransaction) throws(StoreError) {
        guard !keys.isEmpty, access(directoryPath + "/" + KeptUnread.fileName, F_OK) == 0 else { return }
        var file = try loadKeptUnread(held: held)
        let before = file.keys.count
        for key in keys { file.keys.removeValue(forKey: key) }
        if file.keys.count != before { try saveFile(file, named: KeptUnread.fileName, held: held) }
    }
}
