import FeedArticle
import FeedFetcher
import Foundation

/// A web page to extract an article from: read from a file, or fetched over http(s).
public struct ArticleSource: Sendable {
    public var bytes: [UInt8]
    /// The HTTP `Content-Type`; nil for a file.
    public var contentType: String?
    /// What its relative links are resolved against: the URL after redirects; nil for a file.
    public var url: URL?

    /// Reads `source`: an http(s) URL is fetched with `request(url)` (a status other than 2xx is an
    /// error); anything else is a path, of which at most one byte more than extraction takes is read.
    public static func load(
        _ source: String, engine: FetchEngine, request: (URL) throws -> FetchRequest
    ) async throws -> ArticleSource {
        let lower = source.lowercased()
        if lower.hasPrefix("http://") || lower.hasPrefix("https://") {
            guard let url = URL(string: source) else { throw CatalogError(message: "\(source): bad URL") }
            let response = try await engine.fetch(try request(url))
            guard (200..<300).contains(response.status) else { throw CatalogError(message: "\(source): HTTP \(response.status)") }
            return ArticleSource(bytes: Array(response.body), contentType: response.contentType, url: response.finalURL)
        }
        guard let handle = FileHandle(forReadingAtPath: source) else { throw CatalogError(message: "\(source): cannot read the file") }
        defer { try? handle.close() }
        let data = (try? handle.read(upToCount: ArticleExtractor.maxPageBytes + 1)) ?? nil
        return ArticleSource(bytes: data.map { Array($0) } ?? [], contentType: nil, url: nil)
    }

    public func extract() -> Result<Article, ExtractionFailure> {
        ArticleExtractor.extract(page: bytes, contentType: contentType, url: url)
    }
}
