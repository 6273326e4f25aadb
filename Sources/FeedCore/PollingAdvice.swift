import Foundation

/// What the publisher asked about polling, from the feed itself and from the last response.
public struct PollingAdvice: Sendable, Equatable {
    /// RSS `ttl`, or the syndication module's period: the feed's own idea of how often it changes.
    public var feedInterval: Duration?
    /// Until when the last response is fresh (`Cache-Control: max-age`, else `Expires`).
    public var freshUntil: Date?
    /// `Retry-After` on a 429 or 503.
    public var retryAfter: Date?
    /// UTC hours (0–23) and weekdays (1 = Sunday … 7 = Saturday) in which no fetch should happen.
    public var skipHours: Set<Int>
    public var skipDays: Set<Int>

    public init(
        feedInterval: Duration? = nil, freshUntil: Date? = nil, retryAfter: Date? = nil, skipHours: Set<Int> = [],
        skipDays: Set<Int> = []
    ) {
        self.feedInterval = feedInterval
        self.freshUntil = freshUntil
        self.retryAfter = retryAfter
        self.skipHours = skipHours
        self.skipDays = skipDays
    }
}
