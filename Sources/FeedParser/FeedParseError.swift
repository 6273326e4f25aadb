/// Why a document could not be read as a feed at all. Recoverable problems are warnings on `ParsedFeed` instead.
public enum FeedParseError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The body is empty or only whitespace.
    case emptyDocument
    /// The bytes are an HTML page; `alternates` are the feed URLs it advertises with `<link rel="alternate">`.
    case htmlPage(alternates: [String])
    /// Well-formed enough to read, but not RSS, RDF, Atom or JSON Feed; `detail` says what was found.
    case notAFeed(detail: String)
    /// The XML or JSON is broken before anything feed-like could be read.
    case malformed(detail: String)
    /// A safety limit was reached (expansion, nesting, size); the document is refused.
    case limitExceeded(detail: String)

    public var description: String {
        switch self {
        case .emptyDocument: return "not a feed: the document is empty"
        case .htmlPage(let alternates):
            if alternates.isEmpty { return "not a feed: looks like an HTML page" }
            return "not a feed: looks like an HTML page; it advertises " + alternates.joined(separator: ", ")
        case .notAFeed(let detail): return "not a feed: \(detail)"
        case .malformed(let detail): return "malformed feed: \(detail)"
        case .limitExceeded(let detail): return "feed refused: \(detail)"
        }
    }
}
