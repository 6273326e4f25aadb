import FeedModel
import Foundation

/// An item as stored: the parsed fields plus feedd's own identity and first-seen time.
public struct StoredItem: Codable, Sendable, Equatable {
    /// Stable id (hex) of the logical item, the same in every feed that carries it, derived from `key`;
    /// what `feedctl read ID` takes.
    public var id: String
    /// What identifies the item within its feed (see `ItemIdentity`).
    public var identity: String
    /// What identifies it across the store: its canonical URL, or its identity scoped to the feed.
    public var key: String
    public var title: String?
    public var link: String?
    public var published: Date?
    public var updated: Date?
    public var authors: [String]
    public var categories: [String]
    public var summary: String?
    public var content: String?
    public var enclosures: [Enclosure]
    public var firstSeen: Date
    /// Its title or content changed after it was first stored.
    public var changed: Bool = false
    /// The id a schema 1 or 2 store gave the item, while migrating its read mark; never written.
    public var legacyID: String?

    /// The item's keys, in the order the store writes them: the one list its writer follows.
    public enum CodingKeys: String, CodingKey, CaseIterable {
        case id, identity, key, title, link, published, updated, authors, categories, summary, content, enclosures
        case firstSeen = "first_seen", changed
    }

    public init(identity: String, key: String, item: ParsedItem, firstSeen: Date) {
        self.id = ItemIdentity.itemID(logicalKey: key)
        self.identity = identity
        self.key = key
        self.title = item.title
        self.link = item.link
        self.published = item.published
        self.updated = item.updated
        self.authors = item.authors
        self.categories = item.categories
        self.summary = item.summary
        self.content = item.content
        self.enclosures = item.enclosures
        self.firstSeen = firstSeen
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        identity = try container.decode(String.self, forKey: .identity)
        key = try container.decodeIfPresent(String.self, forKey: .key) ?? ""
        // Derived from the key (see `ItemIdentity.itemID`); a schema 1 item has none yet and keeps its own
        // until `StoredFeed` migrates it.
        id = key.isEmpty ? try container.decode(String.self, forKey: .id) : ItemIdentity.itemID(logicalKey: key)
        title = try container.decodeIfPresent(String.self, forKey: .title)
        link = try container.decodeIfPresent(String.self, forKey: .link)
        published = try container.decodeIfPresent(Date.self, forKey: .published)
        updated = try container.decodeIfPresent(Date.self, forKey: .updated)
        authors = try container.decodeIfPresent([String].self, forKey: .authors) ?? []
        categories = try container.decodeIfPresent([String].self, forKey: .categories) ?? []
        summary = try container.decodeIfPresent(String.self, forKey: .summary)
        content = try container.decodeIfPresent(String.self, forKey: .content)
        enclosures = try container.decodeIfPresent([Enclosure].self, forKey: .enclosures) ?? []
        firstSeen = try container.decode(Date.self, forKey: .firstSeen)
        changed = try container.decodeIfPresent(Bool.self, forKey: .changed) ?? false
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(identity, forKey: .identity)
        try container.encode(key, forKey: .key)
        try container.encodeIfPresent(title, forKey: .title)
        try container.encodeIfPresent(link, forKey: .link)
        try container.encodeIfPresent(published, forKey: .published)
        try container.encodeIfPresent(updated, forKey: .updated)
        try container.encode(authors, forKey: .authors)
        try container.encode(categories, forKey: .categories)
        try container.encodeIfPresent(summary, forKey: .summary)
        try container.encodeIfPresent(content, forKey: .content)
        try container.encode(enclosures, forKey: .enclosures)
        try container.encode(firstSeen, forKey: .firstSeen)
        if changed { try container.encode(changed, forKey: .changed) }
    }

    /// The time the item sorts by (`ItemDates.sortDate`): its publication date, else when feedd first saw
    /// it, which is also what a date more than a day past that sighting is replaced by.
    public var sortDate: Date { ItemDates.sortDate(published: published, firstSeen: firstSeen) }

    /// The date printed beside it: the publisher's, else the first sighting.
    public var shownDate: Date { ItemDates.shownDate(published: published, firstSeen: firstSeen) }

    /// Newest first; ties broken by id so the order is stable. Sort with a closure that calls it
    /// (`sort { newestFirst($0, $1) }`): passed as a function value, it gets a copy of both arguments at
    /// every comparison, which made sorting 20 items five times dearer.
    public static func newestFirst(_ a: StoredItem, _ b: StoredItem) -> Bool {
        let (dateA, dateB) = (a.sortDate, b.sortDate)
        return dateA != dateB ? dateA > dateB : a.id > b.id
    }
}
