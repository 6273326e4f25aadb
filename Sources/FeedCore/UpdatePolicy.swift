/// `on_update`: what a change to a stored item's title or content does to its read mark.
public enum UpdatePolicy: String, Sendable, Equatable {
    /// It stays as it was (the item is marked changed in `feedctl list`).
    case keep
    /// It becomes unread again.
    case unread
}
