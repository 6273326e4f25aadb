import FeedModel
internal import CLibXML2

/// Turns the HTML-ish text feeds put in titles and author names into plain text.
enum PlainText {
    /// Decodes entities and strips tags, repeatedly, because publishers escape titles once, twice, or not at
    /// all (`&amp;lt;b&amp;gt;` arrives as `&lt;b&gt;` after XML decoding); then collapses whitespace.
    static func fromHTML(_ text: String) -> String {
        var current = text
        for _ in 0..<3 {
            guard current.utf8.contains(UInt8(ascii: "<")) || current.utf8.contains(UInt8(ascii: "&")) else { break }
            let next = decodeEntities(TextCleaning.stripTags(current))
            if next == current { break }
            current = next
        }
        return collapsingWhitespace(current)
    }

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

    /// Decodes `&name;` (HTML 4 names, from libxml2's table), `&#N;` and `&#xH;`. Unknown names stay as written.
    static func decodeEntities(_ text: String) -> String {
        guard text.utf8.contains(UInt8(ascii: "&")) else { return text }
        var result = String.UnicodeScalarView()
        let scalars = Array(text.unicodeScalars)
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            guard scalar == "&", let semicolon = scalars[(index + 1)..<min(scalars.count, index + 34)].firstIndex(of: ";"),
                semicolon > index + 1
            else {
                result.append(scalar)
                index += 1
                continue
            }
            let name = String(String.UnicodeScalarView(scalars[(index + 1)..<semicolon]))
            if let decoded = decodeReference(name) {
                result.append(decoded)
                index = semicolon + 1
            } else {
                result.append(scalar)
                index += 1
            }
        }
        return String(result)
    }

    private static func decodeReference(_ name: String) -> Unicode.Scalar? {
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
