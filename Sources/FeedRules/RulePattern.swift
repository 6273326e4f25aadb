import Foundation

/// A rule's regular expression, in ICU's syntax (as `NSRegularExpression` reads it: `(?i)` for case, `\b`
/// for word edges, Unicode classes), compiled once when the config is read. It matches anywhere in the text
/// unless anchored with `^` and `$`.
public struct RulePattern: @unchecked Sendable, Equatable {
    // NSRegularExpression is immutable once made, and documented safe to use from several threads.
    public let source: String
    private let expression: NSRegularExpression
    /// What a text must hold before the expression is worth running, for patterns that are words.
    private let required: RequiredLiterals?

    /// Nil when `source` is not a regular expression.
    public init?(_ source: String) {
        guard let expression = try? NSRegularExpression(pattern: source) else { return nil }
        self.source = source
        self.expression = expression
        required = RequiredLiterals(pattern: source)
    }

    /// Whether the pattern occurs in `text`.
    public func matches(_ text: String) -> Bool { matches(RuleText(text)) }

    /// Whether the pattern occurs in `text`, prepared once for every pattern that reads it.
    public func matches(_ text: RuleText) -> Bool {
        if let required, !required.mayMatch(text) { return false }
        return matchesByExpression(text)
    }

    /// The expression's own answer, without the literal search first (for tests and `feedbench fastpaths`).
    @_spi(Benchmarks) public func matchesByExpression(_ text: RuleText) -> Bool {
        expression.firstMatch(in: text.text, range: NSRange(location: 0, length: text.text.utf16.count)) != nil
    }

    /// Whether a byte search for its words comes first (for tests and the benchmark's report).
    var searchesWordsFirst: Bool { required != nil }

    public static func == (lhs: RulePattern, rhs: RulePattern) -> Bool { lhs.source == rhs.source }
}
