import Foundation

/// What the core's decisions need to know of one configured feed: its key, the settings that say when to
/// fetch it and how long to keep its items, and the fingerprint that tells an edited entry from the same one.
public struct FeedTerms: Sendable, Equatable {
    /// The URL as the configuration names it.
    public let url: URL
    /// The feed's key: its URL as configured, as text (worked out once: the daemon's loop looks at it for every
    /// feed on every event).
    public let key: String
    /// Identifies the entry's settings: a feed disabled by 410 Gone comes back when its entry changes.
    public var fingerprint: String
    /// How often to fetch; for `adaptive`, the interval used until the feed has a history.
    public var interval: Duration
    /// `interval: auto`: follow the feed's own posting rate (`Schedule.adaptiveInterval`).
    public var adaptive: Bool
    public var retention: RetentionPolicy
    public var onUpdate: UpdatePolicy

    public init(
        url: URL, fingerprint: String = "", interval: Duration = .seconds(3600), adaptive: Bool = false,
        retention: RetentionPolicy = RetentionPolicy(), onUpdate: UpdatePolicy = .keep
    ) {
        self.url = url
        key = url.absoluteString
        self.fingerprint = fingerprint
        self.interval = interval
        self.adaptive = adaptive
        self.retention = retention
        self.onUpdate = onUpdate
    }

    /// Where the feed is fetched from: where a recorded permanent redirect sent it, else its URL.
    public func currentURL(_ state: FetchState?) -> URL { Self.currentURL(configured: url, state) }

    /// Where a feed configured as `url` is fetched from, given its state.
    public static func currentURL(configured url: URL, _ state: FetchState?) -> URL {
        state?.movedTo.flatMap(URL.init(string:)) ?? url
    }

    /// Whether a 410 Gone answer to this very entry disabled the feed.
    public func isDisabled(by state: FetchState?) -> Bool {
        state?.disabledFor.map { $0 == fingerprint } ?? false
    }
}
