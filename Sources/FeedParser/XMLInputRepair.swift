internal import CLibXML2

/// Repairs the UTF-8 text of an XML document on its way into libxml2, chunk by chunk, so that the faults
/// real feeds carry never cost the rest of the document:
/// - bytes that are not UTF-8 become U+FFFD, control characters XML forbids are dropped, and the
///   non-characters U+FFFE and U+FFFF (valid UTF-8, not XML) become U+FFFD;
/// - a bare `&` (as in `Salt & Pepper` or `?a=1&b=2`) becomes `&amp;`;
/// - HTML named entities used without a DTD (`&eacute;`, `&rsquo;`, `&nbsp;`) become character references;
///   an unknown name is kept as literal text;
/// - character references to characters XML forbids (`&#27;`, the escape of terminal sequences) are dropped;
/// - a `<` that opens no tag becomes `&lt;`; an end tag that closes nothing open is dropped; elements left
///   open inside a closing one (unescaped `<p>`, `<br>`) are closed there;
/// - start tags get the attribute syntax XML requires (`StartTagRepair`), end tags hold only their name.
/// Comments and CDATA sections pass through untouched apart from the encoding repairs. Entities the document
/// declares itself are left for libxml2.
///
/// CDATA sections, and element text that holds references or non-ASCII characters, then go to the SAX layer
/// directly (`DivertedText`) with a marker in their place; libxml2 reads the markup.
///
/// libxml2 could recover from some of these, but after the first well-formedness error it stops delivering
/// entity references at all (even `&amp;`), so the rest of the feed would lose characters: this pass leaves
/// it none to recover from.
struct XMLInputRepair {
    private enum Section { case markup, cdata, comment }

    private var section = Section.markup
    /// Where the text to divert starts in the output of the current call: the CDATA section in progress, or
    /// the element text since the last tag; nil outside the root element and inside declarations.
    private var pieceStart: Int?
    /// Whether the text since `pieceStart` holds a reference, or one to an entity the document declares.
    private var pieceHasReference = false
    private var pieceHasDeclaredEntity = false
    /// Where diverted text goes.
    let divertedText = DivertedText()
    /// Off once the document has a DOCTYPE: its internal subset may hold markup and CDATA inside entity
    /// values, which this pass does not read as a DTD parser would, so nothing is diverted then.
    private var diversionEnabled = true
    /// A CR ended the last piece diverted at the end of a chunk: it waits for the next chunk, where an LF may
    /// make one line end with it.
    private var pendingCR = false
    /// The marker of the piece being diverted (a buffer kept from piece to piece).
    private var marker: [UInt8] = []
    private var carry: [UInt8] = []
    private var declaredEntities: Set<[UInt8]> = []
    /// How many repairs of each kind were made, for one warning per kind.
    private(set) var invalidBytes = 0
    private(set) var forbiddenCharacters = 0
    private(set) var nonCharacters = 0
    private(set) var bareAmpersands = 0
    private(set) var unknownEntities = 0
    private(set) var bareLessThans = 0
    private(set) var strayEndTags = 0
    private(set) var unclosedTags = 0
    private(set) var rewrittenTags = 0
    /// Whether the document ended inside a CDATA section.
    private(set) var endsInCDATA = false
    /// Names of the elements open at this point of the document, outermost first.
    private var openElements = OpenElementNames()
    /// Puts start tags into the form XML requires.
    private var startTags = StartTagRepair()

    /// The longest entity name considered: a `&` with no `;` within this many bytes is bare.
    private static let maxReferenceLength = 40
    /// Enough lookahead for `<!ENTITY % name` with a long name.
    private static let maxDeclarationLookahead = 80
    /// The longest start tag (with its attributes) waited for across chunks; a longer one is read as text.
    private static let maxTagLength = 1 << 20
    /// Deeper elements are passed through untracked (the SAX layer refuses such documents anyway).
    private static let maxTrackedDepth = 1024

    /// Appends the repaired form of `input` to `output`. Undecidable bytes at the end wait for the next chunk
    /// unless `final`.
    mutating func repair(_ input: UnsafeBufferPointer<UInt8>, final: Bool, into output: inout [UInt8]) {
        if pieceStart != nil { pieceStart = output.count }
        if pendingCR {
            output.append(UInt8(ascii: "\r"))
            pendingCR = false
        }
        if carry.isEmpty {
            process(input, final: final, into: &output)
        } else {
            var joined = carry
            joined.append(contentsOf: input)
            carry.removeAll(keepingCapacity: true)
            joined.withUnsafeBufferPointer { process($0, final: final, into: &output) }
        }
        // Text that goes on in the next chunk: this chunk's part of it is one piece.
        switch section {
        case .cdata:
            divertPiece(&output, decodingReferences: false, holdingFinalCR: !final)
            if final { endsInCDATA = true }
        case .markup:
            divertPiece(&output, decodingReferences: true, holdingFinalCR: !final)
        case .comment:
            break
        }
    }

    /// Starts collecting the element text that follows (none outside the root element).
    private mutating func startPiece(at position: Int) {
        pieceStart = diversionEnabled && !openElements.isEmpty ? position : nil
        pieceHasReference = false
        pieceHasDeclaredEntity = false
    }

    /// Replaces the text written since `pieceStart` by a marker of `divertedText`, unless it is element text
    /// libxml2 reads as fast itself (plain ASCII without references) or must read (a reference to an entity the
    /// document declares). `holdingFinalCR`: a CR that ends the piece waits for the next chunk (`pendingCR`).
    private mutating func divertPiece(_ output: inout [UInt8], decodingReferences: Bool, holdingFinalCR: Bool = false) {
        guard let start = pieceStart, output.count > start else { return }
        defer {
            pieceStart = output.count
            pieceHasReference = false
            pieceHasDeclaredEntity = false
        }
        let keep = output.withUnsafeBufferPointer { all in
            var text = UnsafeBufferPointer(rebasing: all[start...])
            if decodingReferences && (pieceHasDeclaredEntity || (!pieceHasReference && Self.isASCII(text))) {
                return true
            }
            if holdingFinalCR, text.last == UInt8(ascii: "\r") {
                pendingCR = true
                text = UnsafeBufferPointer(rebasing: text.dropLast())
            }
            if !text.isEmpty { divertedText.divert(text, decodingReferences: decodingReferences, markerInto: &marker) }
            return false
        }
        guard !keep else { return }
        output.removeSubrange(start...)
        output.append(contentsOf: marker)
        marker.removeAll(keepingCapacity: true)
    }

    private static func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        var index = 0
        var high: UInt64 = 0
        while index + 8 <= bytes.count {
            high |= UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)
            index += 8
        }
        while index < bytes.count {
            high |= UInt64(bytes[index])
            index += 1
        }
        return high & 0x8080_8080_8080_8080 == 0
    }

    private mutating func process(_ bytes: UnsafeBufferPointer<UInt8>, final: Bool, into output: inout [UInt8]) {
        output.reserveCapacity(output.count + bytes.count + 16)
        // Read once: a static's lazy-initialisation check would cost on every access.
        let (markupPlain, cdataPlain, commentPlain) = (Self.markupPlain, Self.cdataPlain, Self.commentPlain)
        let count = bytes.count
        // Up to here the bytes are valid UTF-8 (checked at once): there a byte ≥ 0x80 needs no look of its own.
        let validEnd = UTF8Text.validPrefixLength(bytes)
        var index = 0
        var runStart = 0
        @inline(__always) func flush(_ end: Int) {
            if end > runStart { output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<end])) }
        }
        while index < count {
            // Most bytes are plain text for the current section: skip them with one table lookup each.
            let plain = section == .cdata ? cdataPlain : section == .markup ? markupPlain : commentPlain
            let specials = section == .cdata ? (UInt8(ascii: "]"), UInt8(ascii: "]"), UInt8(ascii: "]"))
                : section == .markup ? (UInt8(ascii: "&"), UInt8(ascii: "<"), UInt8(ascii: "]"))
                : (UInt8(ascii: "-"), UInt8(ascii: "-"), UInt8(ascii: "-"))
            if index < validEnd {
                // 0xEF still gets a look: it leads U+FFFE and U+FFFF, valid UTF-8 but not XML characters.
                index = Self.skipPlainBlocks(bytes, from: index, end: validEnd, specials: specials, highIsPlain: true)
                while index < validEnd, (bytes[index] >= 0x80 && bytes[index] != 0xEF) || plain[Int(bytes[index])] { index += 1 }
            }
            if index >= validEnd {
                index = Self.skipPlainBlocks(bytes, from: index, end: count, specials: specials, highIsPlain: false)
                while index < count, plain[Int(bytes[index])] { index += 1 }
            }
            guard index < count else { break }
            let byte = bytes[index]
            switch byte {
            case 0x09, 0x0A, 0x0D:
                index += 1
            case 0..<0x20:
                flush(index)
                forbiddenCharacters += 1
                index += 1
                runStart = index
            case 0xEF where index + 2 < count && bytes[index + 1] == 0xBF && bytes[index + 2] >= 0xBE:
                // U+FFFE or U+FFFF, in the validated range or not: one U+FFFD, wherever chunks end.
                flush(index)
                output.append(contentsOf: [0xEF, 0xBF, 0xBD])
                nonCharacters += 1
                index += 3
                runStart = index
            case 0xEF where index < validEnd:
                index += 3  // a whole three-byte sequence: the validated range never ends inside one
            case 0x80...:
                // U+FFFE and U+FFFF, valid UTF-8 but no XML characters, were taken by the case above.
                let length = UTF8Text.sequenceLength(bytes, at: index)
                if length > 0 {
                    index += length
                } else if length == 0 && !final {
                    // Incomplete sequence at the end of the chunk.
                    flush(index)
                    carry = Array(bytes[index...])
                    return
                } else {
                    flush(index)
                    output.append(contentsOf: [0xEF, 0xBF, 0xBD])
                    invalidBytes += 1
                    index += 1
                    runStart = index
                }
            case UInt8(ascii: "]") where section == .cdata:
                guard let matched = Self.match(bytes, at: index, "]]>", final: final) else {
                    flush(index)
                    carry = Array(bytes[index...])
                    return
                }
                if matched {
                    if pieceStart != nil {
                        flush(index)
                        divertPiece(&output, decodingReferences: false)
                    } else {
                        flush(index + 3)  // a section outside the root element, left to libxml2
                    }
                    section = .markup
                    index += 3
                    runStart = index
                    startPiece(at: output.count)
                } else {
                    index += 1
                }
            case UInt8(ascii: "]") where section == .markup:
                // `]]>` may not stand in element text: libxml2 would drop part of it.
                guard let matched = Self.match(bytes, at: index, "]]>", final: final) else {
                    flush(index)
                    carry = Array(bytes[index...])
                    return
                }
                if matched && pieceStart != nil {
                    flush(index)
                    output.append(contentsOf: "]]&gt;".utf8)
                    pieceHasReference = true
                    index += 3
                    runStart = index
                } else {
                    index += 1
                }
            case UInt8(ascii: "-") where section == .comment:
                guard let matched = Self.match(bytes, at: index, "-->", final: final) else {
                    flush(index)
                    carry = Array(bytes[index...])
                    return
                }
                if matched {
                    flush(index + 3)
                    section = .markup
                    startPiece(at: output.count)
                    index += 3
                    runStart = index
                } else {
                    index += 1
                }
            case UInt8(ascii: "<") where section == .markup:
                flush(index)
                divertPiece(&output, decodingReferences: true)
                guard let consumed = markup(bytes, at: index, final: final, into: &output) else {
                    carry = Array(bytes[index...])
                    return
                }
                index += consumed
                runStart = index
            case UInt8(ascii: "&") where section == .markup:
                flush(index)
                guard let consumed = reference(bytes, at: index, final: final, into: &output) else {
                    carry = Array(bytes[index...])
                    return
                }
                index += consumed
                runStart = index
            default:
                index += 1
            }
        }
        flush(count)
    }

    /// Handles `<…` at `index`, writing its repaired form. Returns bytes consumed, or nil when more input is
    /// needed. Enters CDATA and comments, records `<!ENTITY name`, and keeps element tags balanced: a `<` that
    /// opens no tag is text, an end tag that closes nothing open is dropped, and an end tag that closes an
    /// outer element first closes the inner ones left open (`<p>` or `<br>` in unescaped HTML).
    private mutating func markup(
        _ bytes: UnsafeBufferPointer<UInt8>, at index: Int, final: Bool, into output: inout [UInt8]
    ) -> Int? {
        guard index + 1 < bytes.count else {
            if !final { return nil }
            return lessThanAsText(into: &output)
        }
        let next = bytes[index + 1]
        if next == UInt8(ascii: "!") || next == UInt8(ascii: "?") {
            return declaration(bytes, at: index, final: final, into: &output)
        }
        let isEnd = next == UInt8(ascii: "/")
        let nameStart = index + (isEnd ? 2 : 1)
        guard nameStart < bytes.count else { return final ? lessThanAsText(into: &output) : nil }
        guard Self.isNameStartByte(bytes[nameStart]) else { return lessThanAsText(into: &output) }
        guard let close = Self.tagEnd(bytes, from: nameStart) else {
            if !final && bytes.count - index < Self.maxTagLength { return nil }
            return lessThanAsText(into: &output)
        }
        var nameEnd = nameStart
        while nameEnd < close, Self.isNameByte(bytes[nameEnd]) { nameEnd += 1 }
        let name = UnsafeBufferPointer(rebasing: bytes[nameStart..<nameEnd])
        let consumed = close + 1 - index
        let tag = UnsafeBufferPointer(rebasing: bytes[index...close])
        if isEnd {
            guard let depth = openElements.lastIndex(of: name) else {
                strayEndTags += 1
                startPiece(at: output.count)
                return consumed
            }
            for unclosed in ((depth + 1)..<openElements.count).reversed() {
                output.append(contentsOf: "</".utf8)
                output.append(contentsOf: openElements.name(at: unclosed))
                output.append(UInt8(ascii: ">"))
                unclosedTags += 1
            }
            openElements.remove(from: depth)
            // Only the name: anything else in an end tag is an error to XML.
            output.append(contentsOf: "</".utf8)
            output.append(contentsOf: name)
            output.append(UInt8(ascii: ">"))
        } else {
            if bytes[close - 1] != UInt8(ascii: "/"), openElements.count < Self.maxTrackedDepth { openElements.push(name) }
            if startTags.write(tag, nameEnd: nameEnd - index, declared: declaredEntities, into: &output) { rewrittenTags += 1 }
        }
        startPiece(at: output.count)
        return consumed
    }

    /// `<!…` and `<?…`: CDATA, comments, entity declarations; everything else (DOCTYPE, processing
    /// instructions, declarations in the internal subset) passes through.
    private mutating func declaration(
        _ bytes: UnsafeBufferPointer<UInt8>, at index: Int, final: Bool, into output: inout [UInt8]
    ) -> Int? {
        guard let isCDATA = Self.match(bytes, at: index, "<![CDATA[", final: final) else { return nil }
        if isCDATA {
            section = .cdata
            if diversionEnabled && !openElements.isEmpty {
                pieceStart = output.count
            } else {
                pieceStart = nil
                output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[index..<index + 9]))
            }
            return 9
        }
        guard let isComment = Self.match(bytes, at: index, "<!--", final: final) else { return nil }
        pieceStart = nil
        guard let isDoctype = Self.match(bytes, at: index, "<!DOCTYPE", final: final) else { return nil }
        if isDoctype { diversionEnabled = false }
        if isComment {
            section = .comment
            output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[index..<index + 4]))
            return 4
        }
        guard let isEntity = Self.match(bytes, at: index, "<!ENTITY", final: final) else { return nil }
        var consumed = 2
        if isEntity {
            var position = index + 8
            let limit = min(bytes.count, index + Self.maxDeclarationLookahead)
            func skipSpace() { while position < limit, Self.isSpace(bytes[position]) { position += 1 } }
            skipSpace()
            if position < limit, bytes[position] != UInt8(ascii: "%") {
                let nameStart = position
                while position < limit, Self.isNameByte(bytes[position]) { position += 1 }
                if position == limit && !final && limit < index + Self.maxDeclarationLookahead { return nil }
                if position > nameStart { declaredEntities.insert(Array(bytes[nameStart..<position])) }
                consumed = position - index
            } else {
                consumed = 8
            }
        }
        output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[index..<index + consumed]))
        return consumed
    }

    private mutating func lessThanAsText(into output: inout [UInt8]) -> Int {
        bareLessThans += 1
        pieceHasReference = true
        output.append(contentsOf: Array("&lt;".utf8))
        return 1
    }

    /// The index of the `>` that ends the tag whose name starts at `start`, skipping quoted attribute values;
    /// nil if the buffer ends first or a `<` outside quotes shows this was no tag.
    private static func tagEnd(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        var position = start
        var quote: UInt8?
        let limit = min(bytes.count, start + maxTagLength)
        while position < limit {
            let byte = bytes[position]
            if let open = quote {
                if byte == open { quote = nil }
            } else if byte == UInt8(ascii: ">") {
                return position
            } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                quote = byte
            } else if byte == UInt8(ascii: "<") {
                return nil
            }
            position += 1
        }
        return nil
    }

    /// Handles `&…` at `index`, writing its repaired form. Returns bytes consumed, or nil when more input is needed.
    private mutating func reference(
        _ bytes: UnsafeBufferPointer<UInt8>, at index: Int, final: Bool, into output: inout [UInt8]
    ) -> Int? {
        let limit = min(bytes.count, index + Self.maxReferenceLength)
        var position = index + 1
        if position < limit, bytes[position] == UInt8(ascii: "#") {
            position += 1
            var hex = false
            if position < limit, bytes[position] | 0x20 == UInt8(ascii: "x") {
                hex = true
                position += 1
            }
            let digitsStart = position
            var value: UInt32 = 0
            while position < limit, let digit = Self.digitValue(bytes[position], hex: hex) {
                value = value > 0x10FFFF ? value : value * (hex ? 16 : 10) + digit
                position += 1
            }
            if position == limit && !final && limit < index + Self.maxReferenceLength { return nil }
            guard position < limit, position > digitsStart, bytes[position] == UInt8(ascii: ";") else {
                return bareAmpersand(into: &output)
            }
            if Self.isXMLCharacter(value) {
                pieceHasReference = true
                // `&#X…;` is how HTML, not XML, writes it.
                output.append(contentsOf: hex ? "&#x".utf8 : "&#".utf8)
                output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[digitsStart...position]))
            } else {
                forbiddenCharacters += 1
            }
            return position + 1 - index
        }
        let nameStart = position
        while position < limit, Self.isNameByte(bytes[position]) { position += 1 }
        if position == limit && !final && limit < index + Self.maxReferenceLength { return nil }
        guard position < limit, position > nameStart, bytes[position] == UInt8(ascii: ";"),
            !Self.isDigit(bytes[nameStart])
        else {
            return bareAmpersand(into: &output)
        }
        let name = UnsafeBufferPointer(rebasing: bytes[nameStart..<position])
        let consumed = position + 1 - index
        if Self.isPredefined(name) {
            pieceHasReference = true
            output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[index..<index + consumed]))
        } else if declaredEntities.contains(Array(name)) {
            pieceHasDeclaredEntity = true
            output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[index..<index + consumed]))
        } else if let scalar = Self.htmlEntity(name) {
            pieceHasReference = true
            output.append(contentsOf: Array("&#\(scalar);".utf8))
        } else {
            unknownEntities += 1
            pieceHasReference = true
            output.append(contentsOf: Array("&amp;".utf8))
            output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[nameStart...position]))
        }
        return consumed
    }

    private mutating func bareAmpersand(into output: inout [UInt8]) -> Int {
        bareAmpersands += 1
        pieceHasReference = true
        output.append(contentsOf: Array("&amp;".utf8))
        return 1
    }

    // MARK: - Byte classes

    /// Skips 16-byte blocks that hold only printable ASCII (and tab, newline) other than the three `specials`,
    /// with vector compares; returns the start of the first block that needs a closer look.
    private static func skipPlainBlocks(
        _ bytes: UnsafeBufferPointer<UInt8>, from start: Int, end: Int, specials: (UInt8, UInt8, UInt8), highIsPlain: Bool
    ) -> Int {
        guard let base = bytes.baseAddress else { return start }
        var index = start
        let space = SIMD16<UInt8>(repeating: 0x20)
        let high = SIMD16<UInt8>(repeating: 0x80)
        let nonCharacterLead = SIMD16<UInt8>(repeating: 0xEF)
        let first = SIMD16<UInt8>(repeating: specials.0)
        let second = SIMD16<UInt8>(repeating: specials.1)
        let third = SIMD16<UInt8>(repeating: specials.2)
        let newline = SIMD16<UInt8>(repeating: 0x0A)
        while index + 16 <= end {
            let block = UnsafeRawPointer(base + index).loadUnaligned(as: SIMD16<UInt8>.self)
            let control = (block .< space) .& (block .!= newline)
            // In a validated range only 0xEF, which may lead U+FFFE or U+FFFF, stops among the high bytes.
            let highStop = highIsPlain ? block .== nonCharacterLead : block .>= high
            let stop = control .| highStop .| (block .== first) .| (block .== second) .| (block .== third)
            if any(stop) { break }
            index += 16
        }
        return index
    }

    /// Bytes that need no look, per section: printable ASCII and tab/newline, other than the bytes that can
    /// start something there (`&` and `<` in markup, `]` in CDATA, `-` in comments).
    private static let markupPlain = plainTable(special: "&<]")
    private static let cdataPlain = plainTable(special: "]")
    private static let commentPlain = plainTable(special: "-")

    private static func plainTable(special: String) -> [Bool] {
        let specials = Set(special.utf8)
        return (0..<256).map { (value: Int) -> Bool in
            let byte = UInt8(value)
            let isText = byte >= 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
            return isText && byte < 0x80 && !specials.contains(byte)
        }
    }

    /// Whether `literal` starts at `index`: true, false, or nil when the chunk ends before it can be told.
    private static func match(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int, _ literal: StaticString, final: Bool)
        -> Bool?
    {
        let length = literal.utf8CodeUnitCount
        let available = min(length, bytes.count - index)
        for offset in 0..<available where bytes[index + offset] != literal.utf8Start[offset] { return false }
        if available < length { return final ? false : nil }
        return true
    }

    static func isXMLCharacter(_ value: UInt32) -> Bool {
        switch value {
        case 0x09, 0x0A, 0x0D, 0x20...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: return true
        default: return false
        }
    }

    static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    static func isDigit(_ byte: UInt8) -> Bool { (0x30...0x39).contains(byte) }

    static func isNameStartByte(_ byte: UInt8) -> Bool {
        isNameByte(byte) && !isDigit(byte) && byte != UInt8(ascii: "-") && byte != UInt8(ascii: ".")
    }

    static func isNameByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: ":"), UInt8(ascii: "."),
            UInt8(ascii: "-"), 0x80...:
            return true
        default: return false
        }
    }

    static func digitValue(_ byte: UInt8, hex: Bool) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f") where hex: return UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F") where hex: return UInt32(byte - UInt8(ascii: "A") + 10)
        default: return nil
        }
    }

    static func isPredefined(_ name: UnsafeBufferPointer<UInt8>) -> Bool {
        switch name.count {
        case 2: return (name[0] == UInt8(ascii: "l") || name[0] == UInt8(ascii: "g")) && name[1] == UInt8(ascii: "t")
        case 3: return name.elementsEqual("amp".utf8)
        case 4: return name.elementsEqual("quot".utf8) || name.elementsEqual("apos".utf8)
        default: return false
        }
    }

    /// The code point of an HTML 4 named entity, from libxml2's own table.
    static func htmlEntity(_ name: UnsafeBufferPointer<UInt8>) -> UInt32? {
        var terminated = Array(name)
        terminated.append(0)
        guard let description = htmlEntityLookup(terminated) else { return nil }
        return description.pointee.value
    }
}

/// The names of the open elements, outermost first, in one byte buffer: a start tag and its end tag
/// allocate nothing once the buffers have grown (an array per name was most of the repair pass's
/// allocations).
private struct OpenElementNames {
    private var bytes: [UInt8] = []
    /// Where each name ends in `bytes`.
    private var ends: [Int] = []

    var count: Int { ends.count }
    var isEmpty: Bool { ends.isEmpty }

    mutating func push(_ name: UnsafeBufferPointer<UInt8>) {
        bytes.append(contentsOf: name)
        ends.append(bytes.count)
    }

    func name(at depth: Int) -> ArraySlice<UInt8> {
        bytes[start(of: depth)..<ends[depth]]
    }

    /// The depth of the innermost open element called `name`.
    func lastIndex(of name: UnsafeBufferPointer<UInt8>) -> Int? {
        var depth = ends.count - 1
        while depth >= 0 {
            let start = start(of: depth)
            if ends[depth] - start == name.count && bytes[start..<ends[depth]].elementsEqual(name) { return depth }
            depth -= 1
        }
        return nil
    }

    /// Closes the element at `depth` and every one inside it.
    mutating func remove(from depth: Int) {
        bytes.removeSubrange(start(of: depth)...)
        ends.removeSubrange(depth...)
    }

    private func start(of depth: Int) -> Int { depth == 0 ? 0 : ends[depth - 1] }
}
