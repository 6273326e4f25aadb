/// Rewrites the attributes of a start tag into the form XML requires, as HTML readers take what they mean,
/// so that libxml2 meets no well-formedness error in a tag (after which it would stop delivering entity
/// references in text that is not diverted, as under a DOCTYPE):
/// - a value without quotes is quoted (`<img src=a.png>`), an attribute without a value gets an empty one
///   (`<input disabled>`);
/// - in a value, `<` becomes `&lt;`, a bare `&` becomes `&amp;`, an HTML named entity a character
///   reference, and the quote that delimits it `&quot;`;
/// - a repeated attribute is dropped (the first one counts, as in HTML); bytes that start no attribute name
///   (`<b&rsquo;x>`) are dropped, and a missing space between attributes is put back.
/// A tag that needs none of this is written as it is.
struct StartTagRepair {
    /// Names of the attributes met so far in the tag being repaired (a buffer kept from tag to tag).
    private var names: [[UInt8]] = []

    /// Appends the tag `tag` (from `<` to its `>`, the element name ending at `nameEnd`) to `output`, repaired;
    /// returns whether it needed a repair. References to the `declared` entities are left to libxml2.
    mutating func write(
        _ tag: UnsafeBufferPointer<UInt8>, nameEnd: Int, declared: Set<[UInt8]>, into output: inout [UInt8]
    ) -> Bool {
        // Most tags have no attribute: nothing to look at.
        if nameEnd + 1 == tag.count || Self.isWellFormed(tag, nameEnd: nameEnd) {
            output.append(contentsOf: tag)
            return false
        }
        names.removeAll(keepingCapacity: true)
        output.append(contentsOf: UnsafeBufferPointer(rebasing: tag[0..<nameEnd]))
        let close = tag.count - 1
        let selfClosing = close > nameEnd && tag[close - 1] == UInt8(ascii: "/")
        let end = selfClosing ? close - 1 : close
        var position = nameEnd
        while position < end {
            let byte = tag[position]
            if XMLInputRepair.isSpace(byte) || !XMLInputRepair.isNameStartByte(byte) {
                position += 1
                continue
            }
            let nameStart = position
            while position < end, XMLInputRepair.isNameByte(tag[position]) { position += 1 }
            let name = UnsafeBufferPointer(rebasing: tag[nameStart..<position])
            while position < end, XMLInputRepair.isSpace(tag[position]) { position += 1 }
            var value = UnsafeBufferPointer(rebasing: tag[position..<position])
            if position < end, tag[position] == UInt8(ascii: "=") {
                position += 1
                while position < end, XMLInputRepair.isSpace(tag[position]) { position += 1 }
                if position < end, tag[position] == UInt8(ascii: "\"") || tag[position] == UInt8(ascii: "'") {
                    let quote = tag[position]
                    let valueStart = position + 1
                    position = valueStart
                    while position < end, tag[position] != quote { position += 1 }
                    value = UnsafeBufferPointer(rebasing: tag[valueStart..<position])
                    position = min(position + 1, end)
                } else {
                    let valueStart = position
                    while position < end, !XMLInputRepair.isSpace(tag[position]) { position += 1 }
                    value = UnsafeBufferPointer(rebasing: tag[valueStart..<position])
                }
            }
            guard !names.contains(where: { $0.elementsEqual(name) }) else { continue }
            names.append(Array(name))
            output.append(UInt8(ascii: " "))
            output.append(contentsOf: name)
            output.append(contentsOf: "=\"".utf8)
            Self.appendValue(value, declared: declared, into: &output)
            output.append(UInt8(ascii: "\""))
        }
        if selfClosing { output.append(UInt8(ascii: "/")) }
        output.append(UInt8(ascii: ">"))
        return true
    }

    /// Whether the tag is already what XML allows: each attribute after a space, `name = "value"` or with
    /// single quotes, no `<` and only well-formed references in values, no name twice. (A tag with more than
    /// 32 attributes is taken for one that needs a look.)
    static func isWellFormed(_ tag: UnsafeBufferPointer<UInt8>, nameEnd: Int) -> Bool {
        withUnsafeTemporaryAllocation(of: Int.self, capacity: 32) { starts in
            isWellFormed(tag, nameEnd: nameEnd, attributeStarts: starts)
        }
    }

    private static func isWellFormed(
        _ tag: UnsafeBufferPointer<UInt8>, nameEnd: Int, attributeStarts: UnsafeMutableBufferPointer<Int>
    ) -> Bool {
        let close = tag.count - 1
        var position = nameEnd
        var attributes = 0
        while true {
            let spaced = position < close && XMLInputRepair.isSpace(tag[position])
            while position < close, XMLInputRepair.isSpace(tag[position]) { position += 1 }
            if position == close { break }
            if tag[position] == UInt8(ascii: "/") { return position + 1 == close }
            guard spaced, XMLInputRepair.isNameStartByte(tag[position]) else { return false }
            let nameStart = position
            while position < close, XMLInputRepair.isNameByte(tag[position]) { position += 1 }
            let name = tag[nameStart..<position]
            for start in attributeStarts[0..<attributes] {
                var end = start
                while XMLInputRepair.isNameByte(tag[end]) { end += 1 }
                if tag[start..<end].elementsEqual(name) { return false }
            }
            guard attributes < attributeStarts.count else { return false }
            attributeStarts[attributes] = nameStart
            attributes += 1
            while position < close, XMLInputRepair.isSpace(tag[position]) { position += 1 }
            guard position < close, tag[position] == UInt8(ascii: "=") else { return false }
            position += 1
            while position < close, XMLInputRepair.isSpace(tag[position]) { position += 1 }
            guard position < close, tag[position] == UInt8(ascii: "\"") || tag[position] == UInt8(ascii: "'") else {
                return false
            }
            let quote = tag[position]
            position += 1
            while position < close, tag[position] != quote {
                let byte = tag[position]
                if byte == UInt8(ascii: "<") { return false }
                if byte == UInt8(ascii: "&") {
                    guard let length = referenceLength(tag, at: position, until: close) else { return false }
                    position += length
                    continue
                }
                position += 1
            }
            guard position < close else { return false }
            position += 1
        }
        return true
    }

    /// The value, escaped for a value in double quotes.
    private static func appendValue(
        _ value: UnsafeBufferPointer<UInt8>, declared: Set<[UInt8]>, into output: inout [UInt8]
    ) {
        var position = 0
        while position < value.count {
            let byte = value[position]
            switch byte {
            case UInt8(ascii: "<"):
                output.append(contentsOf: "&lt;".utf8)
            case UInt8(ascii: "\""):
                output.append(contentsOf: "&quot;".utf8)
            case UInt8(ascii: "&"):
                if let length = referenceLength(value, at: position, until: value.count) {
                    output.append(contentsOf: UnsafeBufferPointer(rebasing: value[position..<position + length]))
                    position += length
                    continue
                }
                if let (length, scalar) = htmlEntity(value, at: position) {
                    output.append(contentsOf: "&#\(scalar);".utf8)
                    position += length
                    continue
                }
                if let length = declaredReferenceLength(value, at: position, declared: declared) {
                    output.append(contentsOf: UnsafeBufferPointer(rebasing: value[position..<position + length]))
                    position += length
                    continue
                }
                output.append(contentsOf: "&amp;".utf8)
            default:
                output.append(byte)
            }
            position += 1
        }
    }

    /// The length of the reference at `index` (`&name;` for the five XML names, or a character reference to
    /// a character XML allows), nil when it is none of these.
    private static func referenceLength(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int, until limit: Int) -> Int? {
        var position = index + 1
        if position < limit, bytes[position] == UInt8(ascii: "#") {
            position += 1
            let hex = position < limit && bytes[position] == UInt8(ascii: "x")
            if hex { position += 1 }
            let digitsStart = position
            var value: UInt32 = 0
            while position < limit, let digit = XMLInputRepair.digitValue(bytes[position], hex: hex) {
                value = value > 0x10FFFF ? value : value * (hex ? 16 : 10) + digit
                position += 1
            }
            guard position < limit, position > digitsStart, bytes[position] == UInt8(ascii: ";"),
                XMLInputRepair.isXMLCharacter(value)
            else { return nil }
            return position + 1 - index
        }
        guard let nameEnd = nameEnd(bytes, from: position, until: limit),
            XMLInputRepair.isPredefined(UnsafeBufferPointer(rebasing: bytes[position..<nameEnd]))
        else { return nil }
        return nameEnd + 1 - index
    }

    /// `&name;` at `index` for an HTML named entity: its length and code point.
    private static func htmlEntity(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> (Int, UInt32)? {
        guard let end = nameEnd(bytes, from: index + 1, until: bytes.count),
            let scalar = XMLInputRepair.htmlEntity(UnsafeBufferPointer(rebasing: bytes[(index + 1)..<end]))
        else { return nil }
        return (end + 1 - index, scalar)
    }

    /// `&name;` at `index` for an entity the document declares: its length.
    private static func declaredReferenceLength(
        _ bytes: UnsafeBufferPointer<UInt8>, at index: Int, declared: Set<[UInt8]>
    ) -> Int? {
        guard !declared.isEmpty, let end = nameEnd(bytes, from: index + 1, until: bytes.count),
            declared.contains(Array(bytes[(index + 1)..<end]))
        else { return nil }
        return end + 1 - index
    }

    /// Where the name starting at `start` ends, at a `;`; nil when no name ends there.
    private static func nameEnd(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, until limit: Int) -> Int? {
        guard start < limit, XMLInputRepair.isNameStartByte(bytes[start]) else { return nil }
        var position = start
        while position < limit, XMLInputRepair.isNameByte(bytes[position]) { position += 1 }
        guard position < limit, bytes[position] == UInt8(ascii: ";") else { return nil }
        return position
    }
}
