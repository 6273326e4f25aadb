import Foundation

/// The syndication format a document was recognised as.
public enum FeedFormat: String, Codable, Sendable, CaseIterable {
    case rss20 = "rss2.0"
    case rss10 = "rss1.0"
    case rss09x = "rss0.9x"
    case atom10 = "atom1.0"
    case atom03 = "atom0.3"
    case jsonFeed = "jsonfeed"
}

/// A media file attached to an item (RSS `enclosure`, Atom `link rel="enclosure"`, JSON Feed attachment).
public struct Enclosure: Codable, Sendable, Equatable, Hashable {
    public var url: String
    public var type: String?
    public var length: Int64?

    public init(url: String, type: String? = nil, length: Int64? = nil) {
        self.url = url
        self.type = type
        self.length = length
    }

    /// The keys, in the order the store writes them: the one list its writer follows.
    public enum CodingKeys: String, CodingKey, CaseIterable {
        case url, type, length
    }
}

/// One entry of a feed as the publisher wrote it, after decoding and URL resolution.
public struct ParsedItem: Sendable, Equatable {
    /// The publisher's identifier: RSS `guid`, Atom `id`, RDF `rdf:about`, JSON Feed `id`.
    public var id: String?
    /// Plain text: entities decoded, tags stripped, whitespace collapsed.
    public var title: String?
    /// Absolute http, https or mailto URL.
    public var link: String?
    public var published: Date?
    public var updated: Date?
    public var authors: [String]
    public var categories: [String]
    /// HTML as published.
    public var summary: String?
    /// HTML as published.
    public var content: String?
    public var enclosures: [Enclosure]
    /// A preview image: `media:thumbnail`.
    public var thumbnail: String?
    /// Podcast episode artwork: `itunes:image`.
    public var image: String?
    /// Podcast episode length: `itunes:duration`.
    public var durationSeconds: Int?
    /// `itunes:explicit`: true for yes/explicit/true, false for no/clean/false.
    public var explicit: Bool?

    public init(
        id: String? = nil, title: String? = nil, link: String? = nil, published: Date? = nil,
        updated: Date? = nil, authors: [String] = [], categories: [String] = [], summary: String? = nil,
        content: String? = nil, enclosures: [Enclosure] = [], thumbnail: String? = nil, image: String? = nil,
        durationSeconds: Int? = nil, explicit: Bool? = nil
    ) {
        self.thumbnail = thumbnail
        self.image = image
        self.durationSeconds = durationSeconds
        self.explicit = explicit
        self.id = id
        self.title = title
        self.link = link
        self.published = published
        self.updated = updated
        self.authors = authors
        self.categories = categories
        self.summary = summary
        self.content = content
        self.enclosures = enclosures
    }
}

/// A whole feed document as parsed: channel-level fields, items in document order, and recoverable problems.
public struct ParsedFeed: Sendable, Equatable {
    public var format: FeedFormat
    public var title: String?
    public var link: String?
    public var description: String?
    public var language: String?
    public var updated: Date?
    /// The feed's logo or artwork: RSS `image/url`, `itunes:image`, Atom `logo` or `icon`.
    public var image: String?
    public var items: [ParsedItem]
    /// Problems the parser recovered from (ill-formed markup, a truncated document, bad dates).
    public var warnings: [String]
    /// What the publisher says about polling, for the scheduler.
    public var hints = PublisherHints()

    public init(
        format: FeedFormat, title: String? = nil, link: String? = nil, description: String? = nil,
        language: String? = nil, updated: Date? = nil, items: [ParsedItem] = [], warnings: [String] = []
    ) {
        self.format = format
        self.title = title
        self.link = link
        self.description = description
        self.language = language
        self.updated = updated
        self.items = items
        self.warnings = warnings
    }
}

/// Polling advice a feed carries: RSS `ttl`, `skipHours`, `skipDays`, and the syndication module's
/// `sy:updatePeriod` / `sy:updateFrequency`.
public struct PublisherHints: Codable, Sendable, Equatable {
    /// RSS `ttl`, in minutes.
    public var ttlMinutes: Int?
    /// `sy:updatePeriod`: hourly, daily, weekly, monthly or yearly.
    public var updatePeriod: String?
    /// `sy:updateFrequency`: how many updates per period (default 1).
    public var updateFrequency: Int?
    /// UTC hours (0–23) in which the feed should not be fetched.
    public var skipHours: [Int] = []
    /// Days (Monday … Sunday) on which the feed should not be fetched.
    public var skipDays: [String] = []

    public init() {}

    /// The keys, in the order the store writes them: the one list its writer and reader follow.
    public enum CodingKeys: String, CodingKey, CaseIterable {
        case ttlMinutes = "ttl_minutes", updatePeriod = "update_period", updateFrequency = "update_frequency"
        case skipHours = "skip_hours", skipDays = "skip_days"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        ttlMinutes = try container.decodeIfPresent(Int.self, forKey: .ttlMinutes)
        updatePeriod = try container.decodeIfPresent(String.self, forKey: .updatePeriod)
        updateFrequency = try container.decodeIfPresent(Int.self, forKey: .updateFrequency)
        skipHours = try container.decodeIfPresent([Int].self, forKey: .skipHours) ?? []
        skipDays = try container.decodeIfPresent([String].self, forKey: .skipDays) ?? []
    }

    /// Whether the feed gave any polling advice at all.
    public var isEmpty: Bool {
        ttlMinutes == nil && updatePeriod == nil && updateFrequency == nil && skipHours.isEmpty && skipDays.isEmpty
    }

    /// `skipDays` as weekday numbers, 1 = Sunday … 7 = Saturday; unknown names are ignored.
    public var skipWeekdays: Set<Int> {
        let names = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"]
        return Set(skipDays.compactMap { day in names.firstIndex(of: day.lowercased()).map { $0 + 1 } })
    }

    /// The longest wait the publisher asks for between fetches, from `ttl` and the syndication module.
    public var minimumInterval: Duration? {
        var candidates: [Int64] = []
        if let ttlMinutes, ttlMinutes > 0 { candidates.append(Int64(ttlMinutes) * 60) }
        if let updatePeriod {
            let period: Int64? = switch updatePeriod.lowercased() {
            case "hourly": 3600
            case "daily": 86_400
            case "weekly": 7 * 86_400
            case "monthly": 30 * 86_400
            case "yearly": 365 * 86_400
            default: nil
            }
            if let period { candidates.append(period / Int64(max(1, updateFrequency ?? 1))) }
        }
        return candidates.max().map { .seconds($0) }
    }
}
