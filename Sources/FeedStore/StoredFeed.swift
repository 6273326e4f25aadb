import FeedModel
import Foundation

/// One feed as stored: what the feed said about itself, how its last fetch went, and its items.
///
/// On disk it is two files, so that a fetch that changes nothing (a 304) rewrites only the small one:
/// `feeds/KEY.json` (schema 2: url, title, link, items) and `feeds/KEY.state.json` (`FeedStateFile`).
/// Schema 1 kept `fetch` inside `KEY.json`; such a file still loads, and the next save splits it.
public struct StoredFeed: Codable, Sendable, Equatable {
    /// The schema `KEY.json` is written with.
    public static let currentSchema = 2

    public var schema: Int
    /// The URL as the configuration names it: the feed's key.
    public var url: String
    public var title: String?
    public var link: String?
    /// Kept in `KEY.state.json`; only read from `KEY.json` when migrating schema 1.
    public var fetch: FetchState
    /// Newest first by publication (or first-seen) time.
    public var items: [StoredItem]

    public init(url: String, title: String? = nil, link: String? = nil, fetch: FetchState = FetchState(), items: [StoredItem] = []) {
        self.schema = Self.currentSchema
        self.url = url
        self.title = title
        self.link = link
        self.fetch = fetch
        self.items = items
    }

    enum CodingKeys: String, CodingKey {
        case schema, url, title, link, fetch, items
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        schema = try container.decode(Int.self, forKey: .schema)
        url = try container.decode(String.self, forKey: .url)
        title = try container.decodeIfPresent(String.self, forKey: .title)
        link = try container.decodeIfPresent(String.self, forKey: .link)
        fetch = try container.decodeIfPresent(FetchState.self, forKey: .fetch) ?? FetchState()
        items = try container.decode([StoredItem].self, forKey: .items)
    }

    /// Writes the items file: the fetch state has a file of its own.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(Self.currentSchema, forKey: .schema)
        try container.encode(url, forKey: .url)
        try container.encodeIfPresent(title, forKey: .title)
        try container.encodeIfPresent(link, forKey: .link)
        try container.encode(items, forKey: .items)
    }
}

/// `feeds/KEY.state.json`: one feed's fetch state, rewritten after every fetch.
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
    /// For `interval: auto`: the interval computed from the items when they last changed, in seconds.
    public var adaptiveSeconds: Int?
    /// Set when the server answered 410 Gone: the feed is not fetched again while its configuration entry
    /// keeps this fingerprint.
    public var disabledFor: String?

    public init() {
        consecutiveFailures = 0
    }

    enum CodingKeys: String, CodingKey {
        case etag, lastModified = "last_modified", lastFetch = "last_fetch", lastSuccess = "last_success"
        case lastResult = "last_result", consecutiveFailures = "consecutive_failures", nextFetch = "next_fetch"
        case movedTo = "moved_to", bodyHash = "body_hash", disabledFor = "disabled_for", hints
        case freshUntil = "fresh_until", adaptiveSeconds = "adaptive_seconds"
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
    }
}

/// An item as stored: the parsed fields plus feedd's own identity and first-seen time.
public struct StoredItem: Codable, Sendable, Equatable {
    /// Stable short id (hex), unique across the store; what `feedctl read ID` takes.
    public var id: String
    /// What identifies the item within its feed (guid, link, or a content hash), after disambiguation.
    public var identity: String
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

    enum CodingKeys: String, CodingKey {
        case id, identity, title, link, published, updated, authors, categories, summary, content, enclosures
        case firstSeen = "first_seen"
    }

    public init(id: String, identity: String, item: ParsedItem, firstSeen: Date) {
        self.id = id
        self.identity = identity
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

    /// The time the item sorts by: its publication date, else when feedd first saw it.
    public var sortDate: Date { published ?? firstSeen }
}

/// Which items have been read, by item id.
public struct ReadState: Codable, Sendable, Equatable {
    public static let currentSchema = 1

    public var schema: Int
    /// Item id → when it was marked read.
    public var read: [String: Date]

    public init(read: [String: Date] = [:]) {
        self.schema = Self.currentSchema
        self.read = read
    }
}
