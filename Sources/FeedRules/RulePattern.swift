import Foundation

/// A rule's regular expression, in ICU's syntax (as `NSRegularExpression` reads it: `(?i)` for case, `\b`
/// for word edges, Unicode classes), compiled once when the config is read. It matches anywhere in the text
/// unless anchored with `^` and `$`.
public struct RulePattern: @unchecked Sendable, Equatable {
    // NSRegularExpression is immutable once made, and documented safe to use from several threads.
    public let source: String
    private let expression: NSRegularExpression

    /// Nil when `source` is not a regular expression.
    public init?(_ source: String) {
        guard let expression = try? NSRegularExpression(pattern: source) else { return nil }
        self.source = source
        self.expression = expression
    }

    /// Whether the pattern occurs in `text`.
    public func matches(_ text: String) -> Bool {
        expression.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }

    public static func == (lhs: RulePattern, rhs: RulePattern) -> Bool { lhs.source == rhs.source }
}
