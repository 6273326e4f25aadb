import FeedModel
import Foundation

/// What one fetch came to, once its response is understood: what the store records for the feed.
public enum FetchVerdict: Sendable {
    /// Network, HTTP status, not a feed, or a host that asked to wait.
    case failed(FetchFailure)
    /// 304 Not Modified, or the same bytes as last time: nothing to parse.
    case unchanged(ResponseFacts)
    /// A document to merge into what is stored.
    case document(ResponseFacts, ParsedFeed)
}

/// What the core needs of a successful response, without its body.
public struct ResponseFacts: Sendable, Equatable {
    public var headers: [String: String]
    public var etag: String?
    public var lastModified: String?
    /// Where a 301 or 308 sent the request, for later fetches.
    public var permanentRedirect: String?
    public var isNotModified: Bool
    /// `HTTPDecisions.bodyHash` of the body (nil for a 304, which has none).
    public var bodyHash: String?

    public init(
        headers: [String: String] = [:], etag: String? = nil, lastModified: String? = nil,
        permanentRedirect: String? = nil, isNotModified: Bool = false, bodyHash: String? = nil
    ) {
        self.headers = headers
        self.etag = etag
        self.lastModified = lastModified
        self.permanentRedirect = permanentRedirect
        self.isNotModified = isNotModified
        self.bodyHash = bodyHash
    }
}

/// Why a fetch failed, and what that means for the feed's schedule.
public struct FetchFailure: Error, Sendable, Equatable {
    public var message: String
    /// The server's `Retry-After`, or the end of a wait the host asked for earlier.
    public var notBefore: Date?
    /// False for a wait the host asked for before this feed contacted it: not the feed's failure.
    public var countsAsFailure: Bool
    /// 410 Gone: the feed is disabled until its entry changes.
    public var gone: Bool

    public init(message: String, notBefore: Date? = nil, countsAsFailure: Bool = true, gone: Bool = false) {
        self.message = message
        self.notBefore = notBefore
        self.countsAsFailure = countsAsFailure
        self.gone = gone
    }
}
