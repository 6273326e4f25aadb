import Foundation

/// An item retention deleted, kept by identity until the feed has stopped carrying it for a while.
public struct Tombstone: Codable, Sendable, Equatable {
    public var identity: String
    public var key: String
    public var deleted: Date
    /// Since when the feed no longer carries it; nil while it still does.
    public var absentSince: Date?

    public init(identity: String, key: String, deleted: Date, absentSince: Date? = nil) {
        self.identity = identity
        self.key = key
        self.deleted = deleted
        self.absentSince = absentSince
    }

    /// The tombstone's keys, in the order the store writes them: the one list its writer follows.
    public enum CodingKeys: String, CodingKey, CaseIterable {
        case identity, key, deleted, absentSince = "absent_since"
    }
}
