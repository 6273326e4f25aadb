import FeedConfiguration
import FeedModel
import FeedParser
import Foundation

/// `feedctl parse`: one feed from a path, a file: URL or an http(s) URL, parsed as the daemon would.
public enum SingleFeedParse {
    public static func parse(source: String) async throws -> ParsedFeed {
        let lower = source.lowercased()
        let url: URL
        if lower.hasPrefix("http://") || lower.hasPrefix("https://") {
            guard let web = URL(string: source) else { throw CatalogError(message: "\(source): bad URL") }
            url = web
        } else {
            var path = source
            if lower.hasPrefix("file:") {
                path = String(source.dropFirst(5))
                if path.hasPrefix("//") { path = String(path.dropFirst(2)) }
            }
            url = URL(fileURLWithPath: path)
        }
        switch try await FeedProbe.probe(url) {
        case .feed(_, let feed):
            return feed
        case .page(_, let alternates):
            throw CatalogError(message: "\(source): \(FeedParseError.htmlPage(alternates: alternates))")
        }
    }
}
