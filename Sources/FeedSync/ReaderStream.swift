/// A stream a Google Reader client names: the reading list, the starred or read items, one feed
/// (`feed/N`), or a label (`user/-/label/TAG`, a tag of feeds in the config). The `user/-/` part may name the
/// user instead of `-`.
public enum ReaderStream: Sendable, Equatable {
    case readingList
    case starred
    case read
    case feed(FeedNumber)
    case label(String)

    /// A feed's number in `feed/N`: the first 52 bits of its store key, so it fits in a JSON number every
    /// client reads exactly and stays the same for the life of the store.
    public typealias FeedNumber = Int64

    public init?(_ text: String) {
        if text.hasPrefix("feed/") {
            guard let number = FeedNumber(text.dropFirst(5)), number >= 0 else { return nil }
            self = .feed(number)
            return
        }
        let parts = text.split(separator: "/", maxSplits: 3, omittingEmptySubsequences: false)
        guard parts.count >= 3, parts[0] == "user" else { return nil }
        switch (parts[2], parts.count == 4 ? parts[3] : nil) {
        case ("state", "com.google/reading-list"?): self = .readingList
        case ("state", "com.google/starred"?): self = .starred
        case ("state", "com.google/read"?): self = .read
        case ("label", let name?) where !name.isEmpty: self = .label(String(name))
        default: return nil
        }
    }

    /// The id clients are given for it.
    public var id: String {
        switch self {
        case .readingList: return ReaderState.readingList
        case .starred: return ReaderState.starred
        case .read: return ReaderState.read
        case .feed(let number): return "feed/\(number)"
        case .label(let name): return "user/-/label/\(name)"
        }
    }
}

/// The state tags of the Google Reader API.
public enum ReaderState {
    public static let readingList = "user/-/state/com.google/reading-list"
    public static let read = "user/-/state/com.google/read"
    public static let starred = "user/-/state/com.google/starred"
    public static let keptUnread = "user/-/state/com.google/kept-unread"

    /// A tag's state with any user in place of `-` (`user/12345/state/com.google/read` is `read`).
    static func normalised(_ tag: String) -> String {
        let parts = tag.split(separator: "/", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "user" else { return tag }
        return "user/-/" + parts[2]
    }
}
