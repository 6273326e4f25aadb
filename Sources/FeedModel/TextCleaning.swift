#if canImport(Glibc)
    import Glibc
#endif

/// Plain text out of the HTML-ish text feeds carry: shared by the parser (titles) and the store (the
/// snippets `feedctl list --search` looks in).
public enum TextCleaning {
    /// Runs of ASCII whitespace become one space, the ends are trimmed, C0 and C1 controls and DEL are
    /// dropped. No-break spaces stay. Works on the UTF-8 bytes (titles are short but numerous).
    public static func collapsingWhitespace(_ text: String) -> String {
        if isCollapsed(text) { return text }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var text = text
        text.withUTF8 { appendCollapsingWhitespace($0, to: &bytes) }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `collapsingWhitespace` of UTF-8 bytes, appended to `output` (what it holds already is left as it is).
    /// Runs of bytes that need nothing are copied at once.
    public static func appendCollapsingWhitespace(_ text: UnsafeBufferPointer<UInt8>, to output: inout [UInt8]) {
        let start = output.count
        var pendingSpace = false
        var index = 0
        // A C1 control (U+0080–U+009F) is 0xC2 and a byte of 0x80–0x9F.
        func isC1Control(at position: Int) -> Bool {
            text[position] == 0xC2 && position + 1 < text.count && text[position + 1] >= 0x80 && text[position + 1] <= 0x9F
        }
        while index < text.count {
            switch text[index] {
            case 0x20, 0x09, 0x0A, 0x0D, 0x0B, 0x0C:
                pendingSpace = output.count > start
                index += 1
            case 0x00...0x1F, 0x7F:
                index += 1
            case _ where isC1Control(at: index):
                index += 2
            default:
                var end = index + 1
                while end < text.count && text[end] > 0x20 && text[end] != 0x7F && !isC1Control(at: end) { end += 1 }
                if pendingSpace {
                    output.append(0x20)
                    pendingSpace = false
                }
                output.append(contentsOf: UnsafeBufferPointer(rebasing: text[index..<end]))
                index = end
            }
        }
    }

    /// Whether `collapsingWhitespace` would give `text` back unchanged: single spaces between words only,
    /// no control characters. Most titles and names are; they are then not copied.
    private static func isCollapsed(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            var previous: UInt8 = 0x20  // a leading space needs collapsing
            for byte in bytes {
                if byte == 0x20 {
                    if previous == 0x20 { return false }
                } else if byte < 0x20 || byte == 0x7F || (byte < 0xA0 && byte >= 0x80 && previous == 0xC2) {
                    return false
                }
                previous = byte
            }
            return previous != 0x20 || bytes.isEmpty
        }
    }

    /// Removes `<tag …>`, `</tag>` and `<!-- … -->`, leaving a space for a block element's tag; a `<` that does
    /// not open a tag is kept.
    public static func stripTags(_ text: String) -> String {
        var scanned = text
        let hasTag = scanned.withUTF8 { bytes in
            guard let base = bytes.baseAddress else { return false }
            return memchr(base, Int32(UInt8(ascii: "<")), bytes.count) != nil
        }
        guard hasTag else { return text }
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
            // Block tags separate words ("a<br>b" reads as "a b"), inline ones do not ("1930ft<sup>2</sup>").
            let name = after.drop(while: { $0 == "/" }).prefix(while: { $0.isLetter || $0.isNumber }).lowercased()
            if HTMLElements.block.contains(name) { result += " " }
            rest = after[after.index(after: close)...]
        }
        return result + rest
    }


    /// The first `limit` characters of an HTML fragment as plain text, for searching.
    ///
    /// Only the start of a long fragment is read: up to a `>` (so every tag before it is whole, and stripping
    /// the rest could not change them) in a window that grows until it gives more than `limit` characters.
    /// The result is that of the whole fragment.
    public static func snippet(_ html: String?, limit: Int = 280) -> String? {
        guard let html, !html.isEmpty else { return nil }
        let utf8 = html.utf8
        var window = 4 * limit + 256
        while window < utf8.count {
            let end = utf8.index(utf8.startIndex, offsetBy: window)
            // A `>` followed by ASCII: a character of its own (no combining mark follows it).
            if let close = utf8[..<end].indices.last(where: { utf8[$0] == UInt8(ascii: ">") && utf8[utf8.index(after: $0)] < 0x80 }) {
                let text = collapsingWhitespace(stripTags(String(html[...close])))
                // One character more than needed: the last one might combine with what follows the cut.
                if let end = endOfFirstCharacters(text, count: limit) { return String(text[..<end]) }
            }
            window *= 4
        }
        let text = collapsingWhitespace(stripTags(html))
        if text.isEmpty { return nil }
        guard let end = endOfFirstCharacters(text, count: limit) else { return text }
        return String(text[..<end])
    }

    /// Where the first `count` characters of `text` end; nil when it has no more than `count`.
    ///
    /// Counted on the UTF-8 bytes while every scalar is one that stands alone (ASCII, U+0080–U+02FF, and the
    /// dashes, quotes and other punctuation of U+2010–U+2027 and U+2030–U+205E): no such scalar joins its
    /// neighbour in a grapheme cluster, so each is a character. Most Latin text is; any other makes the
    /// count go by `Character`.
    static func endOfFirstCharacters(_ text: String, count: Int) -> String.Index? {
        enum Count { case end(Int), fewer, unknown }
        var text = text
        let counted = text.withUTF8 { bytes -> Count in
            var scalars = 0
            var offset = 0
            while offset < bytes.count {
                let length = standaloneScalarLength(bytes, at: offset)
                guard length > 0 else { return .unknown }
                if scalars == count { return .end(offset) }
                scalars += 1
                offset += length
            }
            return .fewer
        }
        switch counted {
        case .end(let offset): return text.utf8.index(text.utf8.startIndex, offsetBy: offset)
        case .fewer: return nil
        case .unknown:
            guard let end = text.index(text.startIndex, offsetBy: count, limitedBy: text.endIndex), end != text.endIndex
            else { return nil }
            return end
        }
    }

    /// The length of the scalar at `offset` if it is one that never joins a neighbour, else 0.
    private static func standaloneScalarLength(_ bytes: UnsafeBufferPointer<UInt8>, at offset: Int) -> Int {
        let lead = bytes[offset]
        switch lead {
        case 0x20...0x7E: return 1
        case 0xC2...0xCB: return 2  // U+0080–U+02FF: combining marks start at U+0300
        case 0xE2 where offset + 2 < bytes.count:
            switch (bytes[offset + 1], bytes[offset + 2]) {
            case (0x80, 0x90...0xA7), (0x80, 0xB0...0xBF), (0x81, 0x80...0x9E): return 3
            default: return 0
            }
        default: return 0
        }
    }
}
