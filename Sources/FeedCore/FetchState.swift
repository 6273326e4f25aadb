import FeedModel
import Foundation

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

    /// The record's keys, in the order the store writes them: the one list its writer and reader follow.
    public enum CodingKeys: String, CodingKey, CaseIterable {
        case etag, lastModified = "last_modified", lastFetch = "last_fetch", lastSuccess = "last_success"
        case lastResult = "last_result", consecutiveFailures = "consecutive_failures", nextFetch = "next_fetch"
        case movedTo = "moved_to", bodyHash = "body_hash", hints, freshUntil = "fresh_until", itemCount = "item_count"
        case title, link, adaptiveSeconds = "adaptive_seconds", disabledFor = "disabled_for", retryAfter = "retry_after"
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
