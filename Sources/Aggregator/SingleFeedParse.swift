import FeedFetcher
import FeedModel
import FeedParser
import Foundation

/// `feedctl parse`: one feed from a path, a file: URL or an http(s) URL, parsed as the daemon would.
public enum SingleFeedParse {
    public static func parse(source: String) async throws -> ParsedFeed {
        let lower = source.lowercased()
        if lower.hasPrefix("http://") || lower.hasPrefix("https://") {
            guard let url = URL(string: source) else { throw CatalogError(message: "\(source): bad URL") }
            let response = try await FetchEngine(settings: FetchSettings(concurrency: 1, perHost: 1)).fetch(FetchRequest(url: url, userAgent: FeeddVersion.userAgent))
            guard (200..<300).contains(response.status) else {
                throw CatalogError(message: "\(source): HTTP \(response.status)")
            }
            return try StreamingFeedParser.parse(response.body, url: response.finalURL, contentType: response.contentType)
        }
        var path = source
        if lower.hasPrefix("file:") {
            path = String(source.dropFirst(5))
            if path.hasPrefix("//") { path = String(path.dropFirst(2)) }
        }
        let url = URL(fileURLWithPath: path)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw CatalogError(message: "\(path): cannot read the file")
        }
        do {
            return try StreamingFeedParser.parse(data, url: url)
        } catch {
            throw CatalogError(message: "\(path): \(error)")
        }
    }
}
