import FeedCore
import Foundation

/// Something hooks may be told of, as the store recorded it when it happened (`STATE_DIR/events/ID.json`):
/// the items as they were then, so a hook told later still gets what was new. Written in the same durable
/// step as what it speaks of, so a crash never loses it; its id is made of what it speaks of, so recording
/// it again (the same items new again after a crash) overwrites it rather than adding another.
public struct HookEvent: Codable, Sendable, Equatable {
    /// One item of the event, with the feed that carried it and its state then.
    public struct Entry: Codable, Sendable, Equatable {
        /// The feed's key (its configured URL).
        public var feed: String
        /// The feed's own title, when it has one.
        public var feedTitle: String?
        public var item: StoredItem
        public var read: Bool
        public var starred: Bool
        /// What tag rules gave it.
        public var tags: [String]

        public init(feed: String, feedTitle: String?, item: StoredItem, read: Bool, starred: Bool, tags: [String]) {
            self.feed = feed
            self.feedTitle = feedTitle
            self.item = item
            self.read = read
            self.starred = starred
            self.tags = tags
        }

        enum CodingKeys: String, CodingKey, CaseIterable {
            case feed, feedTitle = "feed_title", item, read, starred, tags
        }
    }

    public static let currentSchema = 1
    public var schema = HookEvent.currentSchema
    public var id: String
    public var kind: HookEventKind
    public var created: Date
    public var entries: [Entry]

    enum CodingKeys: String, CodingKey, CaseIterable {
        case schema, id, kind, created, entries
    }

    public init(kind: HookEventKind, created: Date, entries: [Entry], id: String) {
        self.id = id
        self.kind = kind
        self.created = created
        self.entries = entries
    }

    /// New items of one feed: the id is that of the feed and the items' keys, so the same items stored
    /// again after a crash make the same event.
    public static func newItems(feed: String, created: Date, entries: [Entry]) -> HookEvent {
        let keys = entries.map(\.item.key).sorted().joined(separator: "\n")
        return HookEvent(kind: .newItems, created: created, entries: entries, id: StableHash.hex("new_items\n\(feed)\n\(keys)"))
    }

    /// Items starred at `created`: the id is that of the keys and the time, so starring again later is a
    /// new event.
    public static func starred(created: Date, entries: [Entry]) -> HookEvent {
        let keys = entries.map(\.item.key).sorted().joined(separator: "\n")
        let stamp = Int64((created.timeIntervalSince1970 * 1000).rounded())
        return HookEvent(kind: .starred, created: created, entries: entries, id: StableHash.hex("starred\n\(stamp)\n\(keys)"))
    }
}
