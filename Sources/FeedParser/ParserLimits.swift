/// Safety limits applied to every document. They bound time and memory on hostile input while leaving
/// room for the largest real feeds (full-content archives of tens of megabytes).
public enum ParserLimits {
    /// Bytes of text a body (summary, content, the channel's description) may hold; longer text is cut and a
    /// warning is given.
    public static let maxFieldBytes = 8 << 20
    /// Bytes of text any other field (a title, a link, an author, a category, an id) may hold: they are short
    /// plain text, and turning megabytes of markup into plain text would only cost time.
    public static let maxShortFieldBytes = 64 << 10
    /// Bytes of character data the XML parser may hand over in total, beyond the document's own size.
    /// Entity expansion is the only way to exceed the document size: this stops quadratic blowup
    /// (a large internal entity referenced many times), which libxml2 2.9 does not stop by itself.
    public static let maxExpansionBytes = 32 << 20
    /// Element nesting. libxml2's own depth limit applies only when it builds a tree, which feedd never asks for.
    public static let maxDepth = 256
    /// Bytes of a JSON Feed, which Foundation parses in one piece.
    public static let maxJSONBytes = 64 << 20
}
