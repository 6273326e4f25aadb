import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The character encoding of a feed's bytes, decided once from the start of the document.
enum SourceEncoding: Equatable {
    case utf8
    case utf16LittleEndian
    case utf16BigEndian
    /// Also used for ISO-8859-1 and US-ASCII labels: publishers who say Latin-1 routinely send windows-1252
    /// (curly quotes, €), and the two agree on every byte Latin-1 defines except the C1 range.
    case windows1252
    /// Any other charset name iconv knows.
    case iconv(String)
    /// Nothing says what the bytes are (no BOM, charset or declaration): UTF-8, unless the first bytes
    /// beyond ASCII are not UTF-8, in which case the document is windows-1252 (an old Latin-1 site's).
    /// Decided by `TranscodingDecoder` when it meets them.
    case unlabelled

    /// Decides the encoding. Precedence: byte order mark, then the HTTP `Content-Type` charset, then what
    /// the first bytes show (UTF-32 and UTF-16 by their NUL bytes, EBCDIC by its `<?xm`), then the XML
    /// declaration, then `unlabelled`. Returns the encoding, how many BOM bytes to skip, and a warning if a
    /// label could not be honoured.
    static func detect(prefix: [UInt8], httpCharset: String?) -> (SourceEncoding, bomLength: Int, warning: String?) {
        if prefix.starts(with: [0xEF, 0xBB, 0xBF]) { return (.utf8, 3, nil) }
        if prefix.starts(with: [0x00, 0x00, 0xFE, 0xFF]) { return (.iconv("UTF-32BE"), 4, nil) }
        if prefix.starts(with: [0xFF, 0xFE, 0x00, 0x00]) { return (.iconv("UTF-32LE"), 4, nil) }
        if prefix.starts(with: [0xFF, 0xFE]) { return (.utf16LittleEndian, 2, nil) }
        if prefix.starts(with: [0xFE, 0xFF]) { return (.utf16BigEndian, 2, nil) }
        if let label = httpCharset, !label.isEmpty {
            let (encoding, warning) = fromLabel(label, prefix: prefix, origin: "HTTP charset")
            return (encoding, 0, warning)
        }
        // UTF-32 and UTF-16 without a BOM show themselves by the NUL bytes around "<".
        if prefix.starts(with: [0x00, 0x00, 0x00, 0x3C]) { return (.iconv("UTF-32BE"), 0, nil) }
        if prefix.starts(with: [0x3C, 0x00, 0x00, 0x00]) { return (.iconv("UTF-32LE"), 0, nil) }
        if prefix.starts(with: [0x3C, 0x00]) { return (.utf16LittleEndian, 0, nil) }
        if prefix.starts(with: [0x00, 0x3C]) { return (.utf16BigEndian, 0, nil) }
        if prefix.starts(with: [0x4C, 0x6F, 0xA7, 0x94]) { return ebcdic(prefix) }
        if let label = xmlDeclarationEncoding(prefix) {
            let (encoding, warning) = fromLabel(label, prefix: prefix, origin: "XML declaration")
            return (encoding, 0, warning)
        }
        return (.unlabelled, 0, nil)
    }

    /// `<?xm` in EBCDIC: the declaration, read in the common code page 037 (whose letters, digits and
    /// punctuation the others share), names the one to use.
    private static func ebcdic(_ prefix: [UInt8]) -> (SourceEncoding, bomLength: Int, warning: String?) {
        var declaration: [UInt8] = []
        if let decoder = IconvDecoder(charset: "IBM037") {
            prefix.prefix(256).withUnsafeBufferPointer { decoder.decode($0, final: true, into: &declaration) }
        }
        if let label = xmlDeclarationEncoding(declaration), IconvDecoder.isSupported(label) { return (.iconv(label), 0, nil) }
        guard IconvDecoder.isSupported("IBM037") else {
            return (.utf8, 0, "an EBCDIC document, which this system's iconv cannot read: read as UTF-8")
        }
        return (.iconv("IBM037"), 0, nil)
    }

    /// Maps a charset label to an encoding: the WHATWG Encoding Standard's labels (what browsers accept)
    /// and the spellings with `_` for `-`, then any name iconv knows. Unknown labels fall back to UTF-8
    /// with a warning.
    static func fromLabel(_ label: String, prefix: [UInt8], origin: String) -> (SourceEncoding, String?) {
        let name = normalizedLabel(label)
        if let known = labelled(name, prefix: prefix) ?? labelled(name.replacingOccurrences(of: "_", with: "-"), prefix: prefix) {
            return (known, nil)
        }
        if IconvDecoder.isSupported(name) { return (.iconv(name), nil) }
        return (.utf8, "unknown charset \"\(label)\" in the \(origin), read as UTF-8")
    }

    private static func labelled(_ name: String, prefix: [UInt8]) -> SourceEncoding? {
        switch name {
        case "utf-8", "utf8", "unicode-1-1-utf-8", "unicode11utf8", "unicode20utf8", "x-unicode20utf8": return .utf8
        case "iso-8859-1", "iso8859-1", "iso88591", "iso_8859-1", "iso_8859-1:1987", "iso-ir-100", "latin1", "latin-1",
            "l1", "cp819", "ibm819", "csisolatin1", "us-ascii", "ascii", "ansi_x3.4-1968", "windows-1252", "cp1252",
            "x-cp1252":
            return .windows1252
        case "utf-16le", "unicodefffe": return .utf16LittleEndian
        case "utf-16be", "unicodefeff": return .utf16BigEndian
        case "utf-16", "utf16", "ucs-2", "unicode", "csunicode", "iso-10646-ucs-2":
            // Without a BOM: guess from where the NUL bytes are.
            if prefix.count >= 2, prefix[0] == 0 { return .utf16BigEndian }
            if prefix.count >= 2, prefix[1] == 0 { return .utf16LittleEndian }
            // A UTF-16 label on bytes that are plainly ASCII-compatible is a mislabel (often after a proxy
            // re-encoded the body): read the bytes as they are.
            return .utf8
        case "utf-32", "utf32", "ucs-4", "iso-10646-ucs-4":
            if prefix.count >= 4, prefix[0] == 0, prefix[1] == 0 { return .iconv("UTF-32BE") }
            if prefix.count >= 4, prefix[2] == 0, prefix[3] == 0, prefix[0] != 0 { return .iconv("UTF-32LE") }
            return .utf8
        case "utf-32le": return .iconv("UTF-32LE")
        case "utf-32be": return .iconv("UTF-32BE")
        // Labels whose WHATWG encoding iconv knows by another name (the superset browsers read).
        case "macintosh", "mac", "x-mac-roman", "csmacintosh": return .iconv("MACINTOSH")
        case "x-mac-cyrillic", "x-mac-ukrainian": return .iconv("MAC-CYRILLIC")
        case "iso-8859-9", "iso8859-9", "iso88599", "latin5", "l5", "windows-1254", "cp1254", "x-cp1254":
            return .iconv("WINDOWS-1254")
        case "iso-8859-11", "tis-620", "windows-874", "dos-874": return .iconv("WINDOWS-874")
        case "gb2312", "gbk", "chinese", "csgb2312", "x-gbk", "gb_2312-80", "iso-ir-58", "cp936", "windows-936":
            return .iconv("GB18030")
        case "euc-kr", "ks_c_5601-1987", "ks-c-5601-1987", "korean", "csksc56011987", "windows-949", "cp949":
            return .iconv("CP949")
        case "shift_jis", "shift-jis", "sjis", "ms_kanji", "csshiftjis", "windows-31j", "x-sjis", "ms932": return .iconv("CP932")
        case "big5", "big5-hkscs", "cn-big5", "csbig5", "x-x-big5": return .iconv("BIG5-HKSCS")
        case "iso-8859-15", "iso8859-15", "latin9", "l9", "csisolatin9", "iso_8859-15": return .iconv("ISO-8859-15")
        case "koi8-r", "koi8_r", "koi", "koi8", "cskoi8r": return .iconv("KOI8-R")
        default: return nil
        }
    }

    /// The label without the blanks and quotes around it, lower-cased: byte by byte for an ASCII label
    /// (every label there is), Foundation's way for any other.
    static func normalizedLabel(_ label: String) -> String {
        func isTrimmed(_ byte: UInt8) -> Bool {
            byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'")
        }
        let bytes = Array(label.utf8)
        guard bytes.allSatisfy({ $0 < 0x80 }) else {
            return label.trimmingCharacters(in: .whitespaces.union(CharacterSet(charactersIn: "\"'"))).lowercased()
        }
        let start = bytes.firstIndex { !isTrimmed($0) } ?? bytes.endIndex
        let end = bytes.lastIndex { !isTrimmed($0) }.map { $0 + 1 } ?? start
        return String(decoding: bytes[start..<max(start, end)].map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }, as: UTF8.self)
    }

    /// The `encoding` pseudo-attribute of an `<?xml …?>` declaration at the very start, if any.
    static func xmlDeclarationEncoding(_ prefix: [UInt8]) -> String? {
        guard prefix.starts(with: "<?xml".utf8) else { return nil }
        let end = prefix[...].range(ofASCII: "?>")?.lowerBound ?? prefix.count
        let declaration = prefix[..<end]
        guard let key = declaration.range(ofASCII: "encoding") else { return nil }
        var rest = declaration[key.upperBound...].drop { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "=") || $0 == UInt8(ascii: "\t") }
        guard let quote = rest.first, quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") else { return nil }
        rest = rest.dropFirst()
        return rest.firstIndex(of: quote).map { String(decoding: rest[..<$0], as: UTF8.self) }
    }
}

/// Turns bytes of one `SourceEncoding` into UTF-8, chunk by chunk, carrying partial characters across chunks.
struct TranscodingDecoder {
    private var encoding: SourceEncoding
    private var carry: [UInt8] = []
    private var iconv: IconvDecoder?
    /// Set when an unlabelled document turned out not to be UTF-8.
    private(set) var fallbackWarning: String?

    init(encoding: SourceEncoding) {
        self.encoding = encoding
        if case .iconv(let name) = encoding { iconv = IconvDecoder(charset: name) }
    }

    /// Whether `input` needs no decoding: the caller may use its bytes as they are (the repair pass
    /// replaces what is invalid). An unlabelled document's ASCII passes through while it lasts.
    mutating func passesThrough(_ input: UnsafeBufferPointer<UInt8>) -> Bool {
        if encoding == .unlabelled {
            let asciiEnd = UTF8Text.asciiPrefixLength(input)
            if asciiEnd == input.count { return true }
            decideUnlabelled(UnsafeBufferPointer(rebasing: input[asciiEnd...]))
        }
        return encoding == .utf8
    }

    /// An unlabelled document is UTF-8 if its first bytes beyond ASCII are (or start) a UTF-8 sequence;
    /// else windows-1252, the same decoding for the ASCII before them.
    private mutating func decideUnlabelled(_ rest: UnsafeBufferPointer<UInt8>) {
        if UTF8Text.sequenceLength(rest, at: 0) >= 0 {
            encoding = .utf8
        } else {
            encoding = .windows1252
            fallbackWarning = "no encoding declared and the bytes are not UTF-8: read as windows-1252"
        }
    }

    /// Appends the UTF-8 form of `input` to `output`. Bytes that are invalid in the encoding become U+FFFD.
    mutating func decode(_ input: UnsafeBufferPointer<UInt8>, final: Bool, into output: inout [UInt8]) {
        switch encoding {
        case .unlabelled:
            if passesThrough(input) {
                output.append(contentsOf: input)
            } else {
                decode(input, final: final, into: &output)
            }
        case .utf8:
            output.append(contentsOf: input)
        case .windows1252:
            output.reserveCapacity(output.count + input.count)
            for byte in input {
                if byte < 0x80 {
                    output.append(byte)
                } else {
                    let scalar = (0x80...0x9F).contains(byte) ? Self.windows1252High[Int(byte - 0x80)] : UInt32(byte)
                    appendUTF8(scalar, to: &output)
                }
            }
        case .utf16LittleEndian, .utf16BigEndian:
            decodeUTF16(input, littleEndian: encoding == .utf16LittleEndian, final: final, into: &output)
        case .iconv:
            if iconv == nil {
                output.append(contentsOf: input)
            } else {
                iconv?.decode(input, final: final, into: &output)
            }
        }
    }

    private mutating func decodeUTF16(
        _ input: UnsafeBufferPointer<UInt8>, littleEndian: Bool, final: Bool, into output: inout [UInt8]
    ) {
        var bytes = carry
        bytes.append(contentsOf: input)
        carry.removeAll(keepingCapacity: true)
        var index = 0
        func unit(at position: Int) -> UInt32 {
            littleEndian
                ? UInt32(bytes[position]) | UInt32(bytes[position + 1]) << 8
                : UInt32(bytes[position]) << 8 | UInt32(bytes[position + 1])
        }
        while index + 1 < bytes.count {
            let first = unit(at: index)
            if (0xD800...0xDBFF).contains(first) {
                guard index + 3 < bytes.count else { break }
                let second = unit(at: index + 2)
                if (0xDC00...0xDFFF).contains(second) {
                    appendUTF8(0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00), to: &output)
                    index += 4
                } else {
                    appendUTF8(0xFFFD, to: &output)
                    index += 2
                }
            } else if (0xDC00...0xDFFF).contains(first) {
                appendUTF8(0xFFFD, to: &output)
                index += 2
            } else {
                appendUTF8(first, to: &output)
                index += 2
            }
        }
        if index < bytes.count {
            if final { appendUTF8(0xFFFD, to: &output) } else { carry = Array(bytes[index...]) }
        }
    }

    /// windows-1252 code points for bytes 0x80–0x9F; the five bytes it leaves undefined map to the C1 control of the same value, as browsers do.
    private static let windows1252High: [UInt32] = [
        0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8D,
        0x017D, 0x8F, 0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A,
        0x0153, 0x9D, 0x017E, 0x0178,
    ]
}

@inline(__always)
func appendUTF8(_ scalar: UInt32, to output: inout [UInt8]) {
    switch scalar {
    case 0..<0x80:
        output.append(UInt8(scalar))
    case 0x80..<0x800:
        output.append(UInt8(0xC0 | scalar >> 6))
        output.append(UInt8(0x80 | scalar & 0x3F))
    case 0x800..<0x10000:
        output.append(UInt8(0xE0 | scalar >> 12))
        output.append(UInt8(0x80 | scalar >> 6 & 0x3F))
        output.append(UInt8(0x80 | scalar & 0x3F))
    default:
        output.append(UInt8(0xF0 | scalar >> 18))
        output.append(UInt8(0x80 | scalar >> 12 & 0x3F))
        output.append(UInt8(0x80 | scalar >> 6 & 0x3F))
        output.append(UInt8(0x80 | scalar & 0x3F))
    }
}

/// A streaming charset converter over glibc's iconv, for the less common encodings (KOI8-R, Shift_JIS, GB2312…).
final class IconvDecoder {
    private let handle: iconv_t
    private var carry: [UInt8] = []

    init?(charset: String) {
        let handle = iconv_open("UTF-8", charset)
        guard let handle, handle != iconv_t(bitPattern: -1) else { return nil }
        self.handle = handle
    }

    deinit { iconv_close(handle) }

    static func isSupported(_ charset: String) -> Bool {
        IconvDecoder(charset: charset) != nil
    }

    func decode(_ input: UnsafeBufferPointer<UInt8>, final: Bool, into output: inout [UInt8]) {
        var bytes = carry
        bytes.append(contentsOf: input)
        carry.removeAll()
        var scratch = [UInt8](repeating: 0, count: max(256, bytes.count * 4))
        bytes.withUnsafeMutableBufferPointer { source in
            var inPointer = UnsafeMutableRawPointer(source.baseAddress).map { $0.assumingMemoryBound(to: CChar.self) }
            var inLeft = source.count
            while inLeft > 0 {
                let (converted, errorNumber, remaining): (Int, Int32, Int) = scratch.withUnsafeMutableBytes { out in
                    var outPointer = out.baseAddress?.assumingMemoryBound(to: CChar.self)
                    var outLeft = out.count
                    let result = iconv(handle, &inPointer, &inLeft, &outPointer, &outLeft)
                    return (out.count - outLeft, result == -1 ? errno : 0, inLeft)
                }
                output.append(contentsOf: scratch[0..<converted])
                if errorNumber == EILSEQ {
                    appendUTF8(0xFFFD, to: &output)
                    inPointer = inPointer.map { $0 + 1 }
                    inLeft -= 1
                } else if errorNumber == EINVAL {
                    // An incomplete character at the end: keep it for the next chunk.
                    if final {
                        appendUTF8(0xFFFD, to: &output)
                    } else if let start = inPointer {
                        carry = Array(UnsafeBufferPointer(start: UnsafeRawPointer(start).assumingMemoryBound(to: UInt8.self), count: remaining))
                    }
                    break
                } else if errorNumber == E2BIG {
                    continue
                } else if errorNumber != 0 {
                    break
                }
            }
        }
    }
}

extension ArraySlice<UInt8> {
    /// Where the ASCII `literal` first occurs, as indices of this slice. (The standard library's
    /// `firstRange(of:)` allocated at every position it tried.)
    func range(ofASCII literal: StaticString) -> Range<Int>? {
        literal.withUTF8Buffer { pattern -> Range<Int>? in
            guard count >= pattern.count else { return nil }
            for position in startIndex...(endIndex - pattern.count)
            where self[position..<position + pattern.count].elementsEqual(pattern) {
                return position..<position + pattern.count
            }
            return nil
        }
    }
}
