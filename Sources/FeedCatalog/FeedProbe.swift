import FeedConfiguration
import FeedCore
import FeedFetcher
import FeedModel
import FeedParser
import FeedStore
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// What is at an address a person typed: a feed, or a web page and the feeds it advertises.
public enum FeedProbe {
    public enum Outcome: Sendable {
        /// `url` is where the feed lives: the address given, or where a permanent redirect sent it.
        case feed(url: URL, feed: ParsedFeed)
        case page(url: URL, alternates: [String])
    }

    /// The address as a URL: a path to an existing file (relative to the working directory) or a `file:`
    /// URL gives a file URL; otherwise a scheme is added when a person left it out (`example.org/feed` → https).
    public static func url(from address: String) throws(CatalogError) -> URL {
        let trimmed = address.trimmingCharacters(in: .whitespaces)
        let lower = trimmed.lowercased()
        if lower.hasPrefix("file:") || trimmed.hasPrefix("/") || trimmed.hasPrefix(".")
            || (!lower.hasPrefix("http") && FileManager.default.fileExists(atPath: trimmed))
        {
            var path = lower.hasPrefix("file:") ? String(trimmed.dropFirst(5)) : trimmed
            if path.hasPrefix("//") { path = String(path.dropFirst(2)) }
            guard !path.isEmpty else { throw CatalogError(message: "\(address): no file path") }
            return URL(fileURLWithPath: path).standardizedFileURL
        }
        let withScheme = lower.hasPrefix("http://") || lower.hasPrefix("https://") ? trimmed : "https://" + trimmed
        guard let url = URL(string: withScheme), let host = url.host, !host.isEmpty, !trimmed.contains(" ") else {
            throw CatalogError(message: "\(address): not a URL")
        }
        return url
    }

    /// Fetches (or reads) `url` and parses it as feedd would, through the configuration's proxy, with its
    /// user agent and size limit.
    public static func probe(_ url: URL, fetch: FetchConfig = FetchConfig()) async throws -> Outcome {
        if url.isFileURL { return try outcome(of: try parsedFile(url), location: url) }
        let engine = FetchEngine(settings: FetchSettings(concurrency: 1, perHost: 1, proxy: fetch.proxy))
        let response: FetchResponse
        do {
            response = try await engine.fetch(FetchRequest(url: url, userAgent: fetch.userAgent, maxBodyBytes: fetch.maxBytes))
        } catch {
            throw CatalogError(message: "\(url.absoluteString): \(error)")
        }
        guard (200..<300).contains(response.status) else {
            throw CatalogError(message: "\(url.absoluteString): HTTP \(response.status)")
        }
        // Relative links resolve against where the body really came from.
        let parse = Result { () throws(FeedParseError) in
            try StreamingFeedParser.parse(response.body, url: response.finalURL, contentType: response.contentType)
        }
        return try outcome(of: parse, location: response.permanentRedirect ?? url)
    }

    private static func outcome(of parse: Result<ParsedFeed, FeedParseError>, location: URL) throws(CatalogError) -> Outcome {
        switch parse {
        case .success(let feed): return .feed(url: location, feed: feed)
        case .failure(.htmlPage(let alternates)): return .page(url: location, alternates: alternates)
        case .failure(let error):
            throw CatalogError(message: "\(location.isFileURL ? location.path : location.absoluteString): \(error)")
        }
    }

    /// A file read through the parser 64 KiB at a time, as a body arrives from the network: a 50 MB file is
    /// never in memory whole.
    private static func parsedFile(_ url: URL) throws(CatalogError) -> Result<ParsedFeed, FeedParseError> {
        let descriptor = open(url.path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw CatalogError(message: "\(url.path): cannot read the file (\(String(cString: strerror(errno))))")
        }
        defer { close(descriptor) }
        let parser = StreamingFeedParser(url: url)
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else {
                throw CatalogError(message: "\(url.path): cannot read the file (\(String(cString: strerror(errno))))")
            }
            if count == 0 { break }
            chunk.withUnsafeBytes { parser.append(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
        }
        return Result { () throws(FeedParseError) in try parser.finish() }
    }
}
