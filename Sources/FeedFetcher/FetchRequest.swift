import FeedCore
import Foundation

/// One GET of a feed, with the validators saved from the last response and the feed's own settings; or,
/// with `postBody`, one POST (a webhook), which never follows a redirect.
public struct FetchRequest: Sendable {
    /// What feeds are asked for with.
    public static let feedAccept =
        "application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.8"

    /// What web pages (full articles) are asked for with.
    public static let pageAccept = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"
    /// The largest web page fetched for its article, decompressed.
    public static let pageMaxBytes = 5 << 20

    public var url: URL
    public var etag: String?
    public var lastModified: String?
    public var userAgent: String
    /// Extra request headers (name, value), in order.
    public var headers: [(String, String)]
    /// HTTP basic authentication; the password is read by the caller from a file, the environment or a credential.
    public var basicAuth: (user: String, password: String)?
    /// Skip TLS certificate verification. Only when the configuration asks, and logged by the caller at every fetch.
    public var insecure: Bool
    /// Whole-transfer limit, redirects included.
    public var timeout: Duration
    public var connectTimeout: Duration
    /// Decompressed body bytes beyond which the transfer is aborted.
    public var maxBodyBytes: Int
    /// A transfer slower than `lowSpeedLimit` bytes per second for this long is aborted (slowloris).
    public var lowSpeedTime: Duration
    public var lowSpeedLimit: Int
    /// The `Accept` header.
    public var accept = FetchRequest.feedAccept
    /// Sent as the body of a POST (its `Content-Type` among `headers`); nil for a GET.
    public var postBody: Data?

    public init(
        url: URL, etag: String? = nil, lastModified: String? = nil, userAgent: String, headers: [(String, String)] = [],
        basicAuth: (user: String, password: String)? = nil, insecure: Bool = false,
        timeout: Duration = .seconds(30), connectTimeout: Duration = .seconds(10), maxBodyBytes: Int = 16 << 20,
        lowSpeedTime: Duration = .seconds(20), lowSpeedLimit: Int = 100
    ) {
        self.url = url
        self.etag = etag
        self.lastModified = lastModified
        self.userAgent = userAgent
        self.headers = headers
        self.basicAuth = basicAuth
        self.insecure = insecure
        self.timeout = timeout
        self.connectTimeout = connectTimeout
        self.maxBodyBytes = maxBodyBytes
        self.lowSpeedTime = lowSpeedTime
        self.lowSpeedLimit = lowSpeedLimit
    }

    /// A GET of a web page for its article: HTML asked for, at most `pageMaxBytes` (or `maxBodyBytes`, if lower).
    public static func page(
        _ url: URL, userAgent: String, headers: [(String, String)] = [], basicAuth: (user: String, password: String)? = nil,
        insecure: Bool = false, timeout: Duration = .seconds(30), maxBodyBytes: Int = pageMaxBytes
    ) -> FetchRequest {
        var request = FetchRequest(
            url: url, userAgent: userAgent, headers: headers, basicAuth: basicAuth, insecure: insecure, timeout: timeout,
            maxBodyBytes: min(maxBodyBytes, pageMaxBytes))
        request.accept = pageAccept
        return request
    }

    /// `host:port`, the unit of per-host limits and of `Retry-After` waits.
    public var hostKey: String { HTTPDecisions.hostKey(url) }
}

/// What the server answered.
public struct FetchResponse: Sendable {
    /// HTTP status of the final response; 200 for a file:// URL that was read.
    public var status: Int
    /// The URL after redirects.
    public var finalURL: URL
    /// Headers of the final response, names lower-cased (the last value wins).
    public var headers: [String: String]
    public var body: Data
    /// Set when every redirect hop was permanent (301/308): the feed has moved.
    public var permanentRedirect: URL?

    public var isNotModified: Bool { status == 304 }
    public var etag: String? { headers["etag"] }
    public var lastModified: String? { headers["last-modified"] }
    public var contentType: String? { headers["content-type"] }

    public init(status: Int, finalURL: URL, headers: [String: String], body: Data, permanentRedirect: URL? = nil) {
        self.status = status
        self.finalURL = finalURL
        self.headers = headers
        self.body = body
        self.permanentRedirect = permanentRedirect
    }
}

/// Why a transfer failed, classified for logs and backoff.
public enum FetchError: Error, Equatable, Sendable, CustomStringConvertible {
    case dns(String)
    case connect(String)
    case tls(String)
    case timeout(String)
    case tooLarge(limit: Int)
    case headersTooLarge(limit: Int)
    case tooManyRedirects
    /// A redirect (or URL) to a scheme feedd does not fetch, such as file:// from an http feed.
    case forbiddenScheme(String)
    case network(String)
    case file(String)
    /// The host asked (429/503 with Retry-After) not to be contacted before this time; nothing was sent.
    case hostWaiting(until: Date)
    /// The fetch was cancelled (daemon shutdown) and the transfer aborted.
    case cancelled

    public var description: String {
        switch self {
        case .dns(let detail): return "DNS lookup failed: \(detail)"
        case .connect(let detail): return "connection failed: \(detail)"
        case .tls(let detail): return "TLS error: \(detail)"
        case .timeout(let detail): return "timed out: \(detail)"
        case .tooLarge(let limit): return "body larger than \(limit) bytes"
        case .headersTooLarge(let limit): return "headers larger than \(limit) bytes"
        case .tooManyRedirects: return "more than \(FetchEngine.maxRedirects) redirects"
        case .forbiddenScheme(let detail): return "refused URL scheme: \(detail)"
        case .network(let detail): return "network error: \(detail)"
        case .file(let detail): return "cannot read file: \(detail)"
        case .hostWaiting(let until):
            return "host asked to wait until \(HTTPDecisions.httpDate(until)) (Retry-After); not contacted"
        case .cancelled: return "cancelled"
        }
    }
}
