internal import CLibXML2

/// Turns the HTML-ish text feeds put in titles and author names into plain text.
enum PlainText {
    /// Decodes entities and strips tags, repeatedly, because publishers escape titles once, twice, or not at
    /// all (`&amp;lt;b&amp;gt;` arrives as `&lt;b&gt;` after XML decoding); then collapses whitespace.
    static func fromHTML(_ text: String) -> String {
        var current = text
        for _ in 0..<3 {
            guard current.contains("<") || current.contains("&") else { break }
            let next = decodeEntities(stripTags(current))
            if next == current { break }
            current = next
        }
        return collapsingWhitespace(current)
    }

    /// Runs of ASCII whitespace become one space, the ends are trimmed, C0 and C1 controls are dropped.
    /// No-break spaces stay.
    static func collapsingWhitespace(_ text: String) -> String {
        var result = String.UnicodeScalarView()
        var pendingSpace = false
        for scalar in text.unicodeScalars {
            switch scalar {
            case " ", "\t", "\n", "\r", "\u{0B}", "\u{0C}":
                pendingSpace = !result.isEmpty
            case "\u{00}"..."\u{1F}", "\u{7F}"..."\u{9F}":
                // Control characters have no place in plain text, and are how terminal escapes get in.
                continue
            default:
                if pendingSpace { result.append(" ") }
                pendingSpace = false
                result.append(scalar)
            }
        }
        return String(result)
    }

    /// Removes `<tag …>`, `</tag>` and `<!-- … -->`; a `<` that does not open a tag is kept.
    static func stripTags(_ text: String) -> String {
        guard text.contains("<") else { return text }
        var result = ""
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "<") {
            result += rest[..<open]
            let after = rest[rest.index(after: open)...]
            guard let next = after.first, next.isLetter || next == "/" || next == "!",
                let close = after.firstIndex(of: ">")
            else {
                result += "<"
                rest = after
                continue
            }
            // Tags separate words: "a<br>b" reads as "a b".
            result += " "
            rest = after[after.index(after: close)...]
        }
        return result + rest
    }

    /// Decodes `&name;` (HTML 4 names, from libxml2's table), `&#N;` and `&#xH;`. Unknown names stay as written.
    static func decodeEntities(_ text: String) -> String {
        guard text.contains("&") else { return text }
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
