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
