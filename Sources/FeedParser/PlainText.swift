import FeedModel
internal import CLibXML2

/// The plain text of the short fields (titles, names, categories), by the text rules in README.
///
/// A field that may hold HTML is read as HTML only where it is HTML: the tag of a known element closed by its
/// end tag (`<em>…</em>`), a void element (`<br>`, `<img src=…>`), a comment or a character reference. Any
/// other `<…>` (`<T>`, an unclosed `<dialog>`, `<int>`) and any `&` that starts no reference are text. Tags of
/// inline elements vanish without a trace (`1930ft<sup>2</sup>` is "1930ft2"), those of blocks leave a space.
/// References are decoded once: `&amp;lt;` in the XML is the text `&lt;` to HTML, so the title shows `<`.
enum PlainText {
    /// The text of a field that may carry escaped HTML (RSS titles, Atom `type="html"`).
    static func fromHTML(_ text: String) -> String {
        let utf8 = text.utf8
        guard utf8.contains(UInt8(ascii: "<")) || utf8.contains(UInt8(ascii: "&")) else {
            return collapsingWhitespace(text)
        }
        return collapsingWhitespace(InlineMarkup(text).plainText())
    }

    /// The text of inline XHTML serialised by the builder (text escaped, so every tag is markup).
    static func fromXHTML(_ text: String) -> String {
        collapsingWhitespace(InlineMarkup(text, everyTagIsMarkup: true).plainText())
    }

    /// The text of a plain-text field (Atom `type="text"`, JSON Feed): as written, whitespace collapsed.
    static func fromText(_ text: String) -> String { collapsingWhitespace(text) }

    static func collapsingWhitespace(_ text: String) -> String { TextCleaning.collapsingWhitespace(text) }

    /// The text without leading and trailing ASCII whitespace (Foundation's trimming walks UTF-16: slow).
    static func trimmingASCIIWhitespace(_ text: String) -> String {
        let utf8 = text.utf8
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 }
        guard let first = utf8.firstIndex(where: { !isSpace($0) }), let last = utf8.lastIndex(where: { !isSpace($0) })
        else { return "" }
        if first == utf8.startIndex && last == utf8.index(before: utf8.endIndex) { return text }
        return String(text[first...last])
    }

    /// What `&name;` stands for (`name` without `&` and `;`), or nil.
    static func decodeReference(_ name: String) -> Unicode.Scalar? {
        if name.hasPrefix("#") {
            let digits = name.dropFirst()
            let value = digits.first == "x" || digits.first == "X"
                ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits, radix: 10)
            // Control characters stay out of plain text: they are how terminal escape sequences get in.
            guard let value, value >= 0x20 || value == 0x09 || value == 0x0A, !(0x7F...0x9F).contains(value) else {
                return nil
            }
            return Unicode.Scalar(value)
        }
        switch name {
        case "amp": return "&"
        case "lt": return "<"
        case "gt": return ">"
        case "quot": return "\""
        case "apos": return "'"
        default:
            guard name.utf8.allSatisfy({ $0 < 0x80 }), let description = htmlEntityLookup(name) else { return nil }
            return Unicode.Scalar(description.pointee.value)
        }
    }
}
