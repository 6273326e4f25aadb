import FeedCore
import FeedModel
import Foundation

/// One item as the indexes list it: what `feedctl list` prints, without the bodies.
public struct IndexEntry: Codable, Sendable, Equatable {
    public var id: String
    public var key: String
    /// URLs of the feeds that carry it, as configured: one logical item, shown once.
    public var feeds: [String]
    public var title: String?
    public var link: String?
    public var published: Date?
    public var updated: Date?
    public var firstSeen: Date
    public var authors: [String]
    public var categories: [String]
    /// Its title or content changed since it was first stored.
    public var changed: Bool
    /// The start of its summary (or content) as plain text, for `feedctl list --search`.
    public var snippet: String?

    /// The entry's keys, in the order the store writes them: the one list its writer follows.
    enum CodingKeys: String, CodingKey, CaseIterable {
        case id, key, feeds, title, link, published, updated, firstSeen = "first_seen", authors, categories, changed
        case snippet
    }

    public init(
        key: String, feeds: [String], title: String?, link: String?, published: Date?, updated: Date?, firstSeen: Date,
        authors: [String], categories: [String], changed: Bool, snippet: String?
    ) {
        self.id = ItemIdentity.itemID(logicalKey: key)
        self.key = key
        self.feeds = feeds
        self.title = title
        self.link = link
        self.published = published
        self.updated = updated
        self.firstSeen = firstSeen
        self.authors = authors
        self.categories = categories
        self.changed = changed
        self.snippet = snippet
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        key = try container.decode(String.self, forKey: .key)
        id = ItemIdentity.itemID(logicalKey: key)  // derived, never trusted from the file
        feeds = try container.decode([String].self, forKey: .feeds)
        title = try container.decodeIfPresent(String.self, forKey: .title)
        link = try container.decodeIfPresent(String.self, forKey: .link)
        published = try container.decodeIfPresent(Date.self, forKey: .published)
        updated = try container.decodeIfPresent(Date.self, forKey: .updated)
        firstSeen = try container.decode(Date.self, forKey: .firstSeen)
        authors = try container.decode([String].self, forKey: .authors)
        categories = try container.decode([String].self, forKey: .categories)
        changed = try container.decode(Bool.self, forKey: .changed)
        snippet = try container.decodeIfPresent(String.self, forKey: .snippet)
    }

    public init(_ item: StoredItem, feed: String) {
        id = item.id
        key = item.key
        feeds = [feed]
        title = item.title
        link = item.link
        published = item.published
        updated = item.updated
        firstSeen = item.firstSeen
        authors = item.authors
        categories = item.categories
        changed = item.changed
        snippet = TextCleaning.snippet(item.summary ?? item.content)
    }

    /// The time the item sorts by (`ItemDates.sortDate`): its publication date, else when feedd first saw
    /// it, which is also what a date more than a day past that sighting is replaced by.
    public var sortDate: Date { ItemDates.sortDate(published: published, firstSeen: firstSeen) }

    /// The date printed beside it: the publisher's, else the first sighting.
    public var shownDate: Date { ItemDates.shownDate(published: published, firstSeen: firstSeen) }

    /// Newest first; ties broken by id so the order is stable. Sort with a closure that calls it
    /// (`sort { newestFirst($0, $1) }`): passed as a function value, it gets a copy of both arguments at
    /// every comparison, which made sorting 20 items five times dearer.
    public static func newestFirst(_ a: IndexEntry, _ b: IndexEntry) -> Bool {
        let (dateA, dateB) = (a.sortDate, b.sortDate)
        return dateA != dateB ? dateA > dateB : a.id > b.id
    }
}
