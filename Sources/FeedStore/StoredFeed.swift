import FeedModel
import Foundation

/// One feed as stored: what the feed said about itself, how its last fetch went, its items and tombstones.
///
/// On disk it is two parts, so that a fetch that changes nothing (a 304) writes only the small one:
/// `feeds/KEY.json` (url, title, link, items, tombstones) and its record in `fetch-state.log` (`FeedStateFile`).
/// Schema 1 kept `fetch` inside `KEY.json`; schema 2 items carried identities in their first form and
/// ids per feed. Both still load: identities and ids are brought to today's form (`ItemIdentity.migrate`).
public struct StoredFeed: Codable, Sendable, Equatable {
    /// The schema `KEY.json` is written with.
    public static let currentSchema = 3

    public var schema: Int
    /// The URL as the configuration names it: the feed's key.
    public var url: String
    public var title: String?
    public var link: String?
    /// Kept in `fetch-state.log`; only read from `KEY.json` when migrating schema 1.
    public var fetch: FetchState
    /// Newest first by publication (or first-seen) time.
    public var items: [StoredItem]
    /// Items retention deleted: remembered so they do not come back as new while the feed still carries them.
    public var tombstones: [Tombstone]
    /// Set once a document's guids proved unreliable: items are then known by link and title.
    public var identityByLinkAndTitle: Bool

    public init(url: String, title: String? = nil, link: String? = nil, fetch: FetchState = FetchState(), items: [StoredItem] = []) {
        self.schema = Self.currentSchema
        self.url = url
        self.title = title
        self.link = link
        self.fetch = fetch
        self.items = items
        self.tombstones = []
        self.identityByLinkAndTitle = false
    }

    enum CodingKeys: String, CodingKey {
        case schema, url, title, link, fetch, items, tombstones
        case identityByLinkAndTitle = "identity_by_link_and_title"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        schema = try container.decode(Int.self, forKey: .schema)
        url = try container.decode(String.self, forKey: .url)
        title = try container.decodeIfPresent(String.self, forKey: .title)
        link = try container.decodeIfPresent(String.self, forKey: .link)
        fetch = try container.decodeIfPresent(FetchState.self, forKey: .fetch) ?? FetchState()
        items = try container.decode([StoredItem].self, forKey: .items)
        tombstones = try container.decodeIfPresent([Tombstone].self, forKey: .tombstones) ?? []
        identityByLinkAndTitle = try container.decodeIfPresent(Bool.self, forKey: .identityByLinkAndTitle) ?? false
        if schema < 3 {
            // Identities in today's form; ids from the logical key. The old id is kept for the read marks.
            let uniqueLinks = ItemIdentity.uniqueLinkKeys(items.map { $0.link })
            for index in items.indices {
                let old = items[index]
                let identity = ItemIdentity.migrate(old.identity)
                let key = ItemIdentity.logicalKey(identity: identity, link: old.link, uniqueLinks: uniqueLinks, feedURL: url)
                items[index].legacyID = old.id
                items[index].identity = identity
                items[index].key = key
                items[index].id = ItemIdentity.itemID(logicalKey: key)
            }
        }
    }

    /// Writes the items file: the fetch state has a file of its own.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(Self.currentSchema, forKey: .schema)
        try container.encode(url, forKey: .url)
        try container.encodeIfPresent(title, forKey: .title)
        try container.encodeIfPresent(link, forKey: .link)
        try container.encode(items, forKey: .items)
        try container.encode(tombstones, forKey: .tombstones)
        try container.encode(identityByLinkAndTitle, forKey: .identityByLinkAndTitle)
    }
}

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

    enum CodingKeys: String, CodingKey {
        case identity, key, deleted, absentSince = "absent_since"
    }
}

/// One feed's fetch state: its record in `fetch-state.log`, appended after every fetch (a file of its own,
/// `feeds/KEY.state.json`, in stores before the log).
public struct FeedStateFile: Codable, Sendable, Equatable {
    public static let currentSchema = 1

    public var schema: Int
    public var url: String
    public var fetch: FetchState

    public init(url: String, fetch: FetchState) {
        self.schema = Self.currentSchema
        self.url = url
        self.fetch = fetch
    }
}

/// How fetching a feed has gone: validators for conditional GET, the last result, the next due time.
public struct FetchState: Codable, Sendable, Equatable {
    public var etag: String?
    public var lastModified: String?
    public var lastFetch: Date?
    public var lastSuccess: Date?
    /// "ok", "not modified", or the error's one-line description.
    public var lastResult: String?
    public var consecutiveFailures: Int
    public var nextFetch: Date?
    /// Where the feed now lives after a permanent redirect.
    public var movedTo: String?
    /// Digest of the last body parsed, to skip parsing when a server ignores validators but sends the same bytes.
    public var bodyHash: String?
    /// The polling advice of the last document parsed (ttl, syndication period, skipped hours and days).
    public var hints: PublisherHints?
    /// Until when the last response said it was fresh (`Cache-Control: max-age`, `Expires`).
    public var freshUntil: Date?
    /// How many items the feed's file holds, for `feedctl feeds` without reading it.
    public var itemCount: Int?
    /// The feed's own title, for naming it without reading its items.
    public var title: String?
    /// The site the feed belongs to (its `link`), for `feedctl export`.
    public var link: String?
    /// For `interval: auto`: the interval computed from the items when they last changed, in seconds.
    public var adaptiveSeconds: Int?
    /// Set when the server answered 410 Gone: the feed is not fetched again while its configuration entry
    /// keeps this fingerprint.
    public var disabledFor: String?
    /// The time a 429 or 503 answer's `Retry-After` asked feedd not to come back before; cleared by the
    /// next success. Kept so that a later run (`feedd --once` from cron) honours it too.
    public var retryAfter: Date?

    public init() {
        consecutiveFailures = 0
    }

    enum CodingKeys: String, CodingKey {
        case etag, lastModified = "last_modified", lastFetch = "last_fetch", lastSuccess = "last_success"
        case lastResult = "last_result", consecutiveFailures = "consecutive_failures", nextFetch = "next_fetch"
        case movedTo = "moved_to", bodyHash = "body_hash", disabledFor = "disabled_for", hints
        case freshUntil = "fresh_until", adaptiveSeconds = "adaptive_seconds", itemCount = "item_count", title, link
        case retryAfter = "retry_after"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        etag = try container.decodeIfPresent(String.self, forKey: .etag)
        lastModified = try container.decodeIfPresent(String.self, forKey: .lastModified)
        lastFetch = try container.decodeIfPresent(Date.self, forKey: .lastFetch)
        lastSuccess = try container.decodeIfPresent(Date.self, forKey: .lastSuccess)
        lastResult = try container.decodeIfPresent(String.self, forKey: .lastResult)
        consecutiveFailures = try container.decodeIfPresent(Int.self, forKey: .consecutiveFailures) ?? 0
        nextFetch = try container.decodeIfPresent(Date.self, forKey: .nextFetch)
        movedTo = try container.decodeIfPresent(String.self, forKey: .movedTo)
        bodyHash = try container.decodeIfPresent(String.self, forKey: .bodyHash)
        disabledFor = try container.decodeIfPresent(String.self, forKey: .disabledFor)
        hints = try container.decodeIfPresent(PublisherHints.self, forKey: .hints)
        freshUntil = try container.decodeIfPresent(Date.self, forKey: .freshUntil)
        adaptiveSeconds = try container.decodeIfPresent(Int.self, forKey: .adaptiveSeconds)
        itemCount = try container.decodeIfPresent(Int.self, forKey: .itemCount)
        title = try container.decodeIfPresent(String.self, forKey: .title)
        link = try container.decodeIfPresent(String.self, forKey: .link)
        retryAfter = try container.decodeIfPresent(Date.self, forKey: .retryAfter)
    }
}

/// An item as stored: the parsed fields plus feedd's own identity and first-seen time.
public struct StoredItem: Codable, Sendable, Equatable {
    /// Stable short id (hex) of the logical item, the same in every feed that carries it; what
    /// `feedctl read ID` takes.
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

    enum CodingKeys: String, CodingKey {
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
        id = try container.decode(String.self, forKey: .id)
        identity = try container.decode(String.self, forKey: .identity)
        key = try container.decodeIfPresent(String.self, forKey: .key) ?? ""
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

/// `read.json` as stores before schema 3 wrote it: read marks by per-feed item id. Read once, to carry the
/// marks over to the shards, then renamed `read.json.migrated`.
struct LegacyReadState: Codable {
    static let currentSchema = 1

    var schema: Int
    var read: [String: Date]
}
