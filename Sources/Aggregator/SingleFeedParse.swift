import FeedModel
import FeedParser
import Foundation

/// `feedctl parse`: one feed from a path, a file: URL or an http(s) URL, parsed as the daemon would.
public enum SingleFeedParse {
    public static func parse(source: String) async throws -> ParsedFeed {
        switch try await FeedProbe.probe(try FeedProbe.url(from: source)) {
        case .feed(_, let feed):
            return feed
        case .page(_, let alternates):
            throw CatalogError(message: "\(source): \(FeedParseError.htmlPage(alternates: alternates))")
        }
    }
}
