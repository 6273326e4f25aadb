import FeedCore
import FeedFetcher
import Foundation

extension FeedConfig {
    /// The request for a web page an item of this feed links to (its full article): the feed's user agent,
    /// headers and TLS setting; its credentials only when the page is on the feed's own host; the
    /// configured time limit, and at most `maxBytes` (5 MiB unless lower).
    public func pageRequest(_ page: URL, fetch: FetchConfig, environment: [String: String]) throws(ConfigError) -> FetchRequest {
        let sameHost = HTTPDecisions.hostKey(page) == HTTPDecisions.hostKey(url)
        let credentials = try auth.flatMap { auth throws(ConfigError) in
            sameHost ? (user: auth.username, password: try auth.readPassword(environment: environment)) : nil
        }
        return FetchRequest.page(
            page, userAgent: userAgent ?? fetch.userAgent, headers: headers.map { ($0.name, $0.value) }, basicAuth: credentials,
            insecure: insecure, timeout: timeout, maxBodyBytes: fetch.maxBytes)
    }
}
