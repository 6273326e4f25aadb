/// What the reader's model asks its session to do: the effects of a key, carried out against the store.
public enum ReaderEffect: Equatable, Sendable {
    /// Show this item (by key) and mark it read.
    case open(key: String)
    case setRead(id: String, read: Bool)
    case setStarred(id: String, starred: Bool)
    /// Hand the link to xdg-open.
    case openLink(String)
    /// Read the list again from the store (the filters changed, or on request).
    case reload
    /// Read the feeds and their unread counts for the feeds view.
    case loadFeeds
    /// Ask the running daemon to fetch every feed now.
    case requestFetch
    case suspend
    case quit
}
