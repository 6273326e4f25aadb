import FeedModel

/// An HTML fragment as one line of plain text, for searching: entities decoded, tags gone (a block
/// element's leaving a space, so "a</p><p>b" is two words), scripts and styles dropped, white space
/// collapsed. Read with `HTMLSAX`, as `feedctl show` reads it.
public enum HTMLPlainText {
    /// An item's summary and content as one text: what search and rules look at.
    public static func text(summary: String?, content: String?) -> String {
        [summary, content].compactMap { $0 }.map(text(of:)).joined(separator: " ")
    }

    public static func text(of html: String) -> String {
        // Most summaries are plain text: nothing to decode or strip.
        if !html.utf8.contains(where: { $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: "&") }) {
            return TextCleaning.collapsingWhitespace(html)
        }
        let collector = Collector()
        guard HTMLSAX.walk(Array(html.utf8), delegate: collector) else {
            return TextCleaning.collapsingWhitespace(TextCleaning.stripTags(html))
        }
        return TextCleaning.collapsingWhitespace(collector.text)
    }

    private final class Collector: HTMLSAXDelegate {
        var text = ""
        private var skipping = 0

        func start(_ name: String, _ attributes: [String: String]) {
            if name == "script" || name == "style" { skipping += 1 }
            if name == "img", let alt = attributes["alt"] { text += " " + alt + " " }
            if HTMLElements.block.contains(name) || name == "br" { text += " " }
        }

        func end(_ name: String) {
            if name == "script" || name == "style" { skipping = max(0, skipping - 1) }
            if HTMLElements.block.contains(name) { text += " " }
        }

        func text(_ piece: String) {
            if skipping == 0 { text += piece }
        }
    }
}
