import GRDB

/// The search index could not be opened, read or written: a derived file, so the caller rebuilds it or
/// works from the store alone, and no stored item is ever lost for it.
public struct IndexError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var reason: String
    /// SQLite's error, when it is one: what tells a damaged file from a busy or unwritable one.
    var database: DatabaseError?

    init(path: String, reason: String, database: DatabaseError? = nil) {
        self.path = path
        self.reason = reason
        self.database = database
    }

    public var description: String { "\(path): \(reason)" }
}
