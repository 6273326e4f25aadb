import Foundation

/// The parser's hand-written fast paths beside what each replaces, for `feedbench fastpaths` only (not API):
/// the measure of whether each still earns its place (docs/PERFORMANCE.md).
@_spi(Benchmarks) public enum ParserFastPaths {
    /// An RFC 822 date by `FeedDate`'s tokenizer, and by a `DateFormatter` for the same form.
    public static func rfc822(_ text: String) -> Date? { FeedDate.rfc822(Array(text.utf8)) }
    public static func rfc822ByFoundation(_ text: String) -> Date? { rfc822Formatter.date(from: text) }

    private static let rfc822Formatter: DateFormatter = {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        return formatter
    }()

    /// An absolute link taken as it is when it is plain, and the same link through Foundation's `URL`.
    public static func plainLink(_ link: String) -> String? {
        FeedDocumentBuilder.isPlainAbsoluteWebLink(link) ? link : nil
    }
    public static func plainLinkByFoundation(_ link: String) -> String? {
        RelativeLinks.absoluteURL(link, base: nil)?.absoluteString
    }
}
