import FeedArticle
import FeedFetcher
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

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
        _ source: String, engine: FetchEngine?, request: (URL) throws -> FetchRequest
    ) async throws -> ArticleSource {
        let lower = source.lowercased()
        if lower.hasPrefix("http://") || lower.hasPrefix("https://") {
            guard let url = URL(string: source), let engine else { throw CatalogError(message: "\(source): bad URL") }
            let response = try await engine.fetch(try request(url))
            guard (200..<300).contains(response.status) else { throw CatalogError(message: "\(source): HTTP \(response.status)") }
            return ArticleSource(bytes: Array(response.body), contentType: response.contentType, url: response.finalURL)
        }
        return ArticleSource(bytes: try readFile(source, limit: ArticleExtractor.maxPageBytes + 1), contentType: nil, url: nil)
    }

    /// At most `limit` bytes of a file, read straight into the array.
    private static func readFile(_ path: String, limit: Int) throws -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw CatalogError(message: "\(path): cannot read the file: \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        var status = stat()
        let size = fstat(descriptor, &status) == 0 ? min(Int(status.st_size), limit) : limit
        var failure: Int32 = 0
        let bytes = [UInt8](unsafeUninitializedCapacity: max(size, 1)) { buffer, count in
            count = 0
            guard let base = buffer.baseAddress else { return }
            while count < size {
                let got = read(descriptor, base + count, size - count)
                if got < 0 && errno == EINTR { continue }
                if got < 0 { failure = errno }
                if got <= 0 { break }
                count += got
            }
        }
        if failure != 0 { throw CatalogError(message: "\(path): cannot read the file: \(String(cString: strerror(failure)))") }
        return bytes
    }

    public func extract() -> Result<Article, ExtractionFailure> {
        ArticleExtractor.extract(page: bytes, contentType: contentType, url: url)
    }
}
