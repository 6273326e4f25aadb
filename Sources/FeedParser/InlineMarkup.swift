import FeedModel

/// A short piece of text that may hold HTML, split into what is markup and what is text (`PlainText` has the
/// rules).
struct InlineMarkup {
    /// One `<…>` that has the shape of a tag.
    private struct Tag {
        var range: Range<Int>
        /// Lower case; empty for a comment.
        var name: String
        var isEnd: Bool
        var isSelfClosing: Bool
        var hasAttributes: Bool
    }

    private let bytes: [UInt8]
    /// XHTML written back by the builder: its text is escaped, so every tag in it is one.
    private let everyTagIsMarkup: Bool

    init(_ text: String, everyTagIsMarkup: Bool = false) {
        bytes = Array(text.utf8)
        self.everyTagIsMarkup = everyTagIsMarkup
    }

    /// The text with markup removed and references decoded.
    func plainText() -> String {
        let tags = tagShapes()
        let markup = markupFlags(tags)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var position = 0
        var opaqueUntil: Int?
        for (index, tag) in tags.enumerated() where markup[index] {
            if let end = opaqueUntil {
                guard index == end else { continue }
                opaqueUntil = nil
            } else {
                appendText(bytes[position..<tag.range.lowerBound], to: &output)
            }
            position = tag.range.upperBound
            if HTMLElements.block.contains(tag.name) { output.append(0x20) }
            if !tag.isEnd, !tag.isSelfClosing, HTMLElements.opaque.contains(tag.name) {
                opaqueUntil = matchingEnd(of: index, in: tags, markup: markup)
            }
        }
        if opaqueUntil == nil { appendText(bytes[position...], to: &output) }
        return String(decoding: output, as: UTF8.self)
    }

    /// Every `<…>` shaped like a start tag, an end tag or a comment, in order.
    private func tagShapes() -> [Tag] {
        var tags: [Tag] = []
        var index = 0
        while index < bytes.count {
            guard bytes[index] == UInt8(ascii: "<"), let tag = tag(at: index) else {
                index += 1
                continue
            }
            tags.append(tag)
            index = tag.range.upperBound
        }
        return tags
    }

    private func tag(at start: Int) -> Tag? {
        var index = start + 1
        if bytes[index...].starts(with: "!--".utf8) {
            guard let close = find("-->", from: index + 3) else { return nil }
            return Tag(range: start..<(close + 3), name: "", isEnd: false, isSelfClosing: true, hasAttributes: false)
        }
        let isEnd = index < bytes.count && bytes[index] == UInt8(ascii: "/")
        if isEnd { index += 1 }
        let nameStart = index
        guard index < bytes.count, Self.isLetter(bytes[index]) else { return nil }
        while index < bytes.count, Self.isLetter(bytes[index]) || Self.isDigit(bytes[index]) || bytes[index] == UInt8(ascii: "-") {
            index += 1
        }
        let name = String(decoding: bytes[nameStart..<index].map(Self.lowercased), as: UTF8.self)
        guard index < bytes.count else { return nil }
        switch bytes[index] {
        case UInt8(ascii: ">"):
            return Tag(range: start..<(index + 1), name: name, isEnd: isEnd, isSelfClosing: false, hasAttributes: false)
        case UInt8(ascii: "/"):
            guard index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: ">") else { return nil }
            return Tag(range: start..<(index + 2), name: name, isEnd: isEnd, isSelfClosing: true, hasAttributes: false)
        case 0x20, 0x09, 0x0A, 0x0D:
            break
        default:
            return nil
        }
        // Attributes: up to the first `>` outside quotes.
        var quote: UInt8?
        var hasAttributes = false
        while index < bytes.count {
            let byte = bytes[index]
            if let open = quote {
                if byte == open { quote = nil }
            } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                quote = byte
            } else if byte == UInt8(ascii: ">") {
                let selfClosing = bytes[index - 1] == UInt8(ascii: "/")
                return Tag(range: start..<(index + 1), name: name, isEnd: isEnd, isSelfClosing: selfClosing,
                           hasAttributes: hasAttributes)
            } else if byte == UInt8(ascii: "<") {
                return nil
            } else if !(byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == UInt8(ascii: "/")) {
                hasAttributes = true
            }
            index += 1
        }
        return nil
    }

    /// Which of the tags are markup: comments; known elements closed by their end tag (and the end tags
    /// themselves, matched or stray); `br`, `wbr`, `hr`; other void elements written with attributes or `/>`.
    private func markupFlags(_ tags: [Tag]) -> [Bool] {
        var markup = [Bool](repeating: everyTagIsMarkup, count: tags.count)
        if everyTagIsMarkup { return markup }
        var open: [String: [Int]] = [:]
        for (index, tag) in tags.enumerated() {
            if tag.name.isEmpty {
                markup[index] = true
                continue
            }
            guard HTMLElements.known.contains(tag.name) else { continue }
            if HTMLElements.void.contains(tag.name) {
                markup[index] = ["br", "wbr", "hr"].contains(tag.name) || tag.hasAttributes || tag.isSelfClosing || tag.isEnd
            } else if tag.isEnd {
                markup[index] = true
                if let start = open[tag.name]?.popLast() { markup[start] = true }
            } else if tag.isSelfClosing {
                markup[index] = true
            } else {
                open[tag.name, default: []].append(index)
            }
        }
        return markup
    }

    /// The index of the end tag that closes the start tag at `index`.
    private func matchingEnd(of index: Int, in tags: [Tag], markup: [Bool]) -> Int? {
        var depth = 0
        for later in (index + 1)..<tags.count where markup[later] && tags[later].name == tags[index].name {
            if tags[later].isEnd {
                if depth == 0 { return later }
                depth -= 1
            } else if !tags[later].isSelfClosing {
                depth += 1
            }
        }
        return nil
    }

    /// Appends text, decoding character references; an `&` that starts none is kept.
    private func appendText(_ text: ArraySlice<UInt8>, to output: inout [UInt8]) {
        var index = text.startIndex
        while index < text.endIndex {
            let byte = text[index]
            guard byte == UInt8(ascii: "&"),
                let semicolon = text[(index + 1)..<min(text.endIndex, index + 34)].firstIndex(of: UInt8(ascii: ";")),
                semicolon > index + 1,
                let scalar = PlainText.decodeReference(String(decoding: text[(index + 1)..<semicolon], as: UTF8.self))
            else {
                output.append(byte)
                index += 1
                continue
            }
            output.append(contentsOf: String(scalar).utf8)
            index = semicolon + 1
        }
    }

    private func find(_ literal: StaticString, from start: Int) -> Int? {
        let needle = Array(UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
        guard start + needle.count <= bytes.count else { return nil }
        var index = start
        while index + needle.count <= bytes.count {
            if bytes[index..<(index + needle.count)].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }

    private static func isLetter(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
    }
    private static func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }
    private static func lowercased(_ byte: UInt8) -> UInt8 {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte | 0x20 : byte
    }
}
