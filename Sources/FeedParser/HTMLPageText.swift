import Foundation

/// A web page's bytes as UTF-8, in the encoding the page is in. Precedence, as browsers have it: a byte
/// order mark, then the HTTP `Content-Type` charset, then a `<meta charset>` or `<meta http-equiv=
/// "Content-Type">` in the head (looked for in the first `metaScanLimit` bytes, as far as the end of the head:
/// old pages put it after a kilobyte of styles and scripts, where the HTML standard's 1,024-byte pre-scan
/// would miss it), then the bytes themselves (UTF-8 if they are, else windows-1252).
public enum HTMLPageText {
    public static let metaScanLimit = 64 << 10

    /// The page as UTF-8, and the name of the encoding it was read in.
    public static func utf8(_ bytes: [UInt8], contentType: String?) -> (text: [UInt8], encoding: String) {
        let httpCharset = contentType.flatMap(StreamingFeedParser.charset(fromContentType:))
        var (encoding, bomLength, _) = SourceEncoding.detect(prefix: Array(bytes.prefix(512)), httpCharset: httpCharset)
        if bomLength == 0, httpCharset == nil, let label = metaCharset(bytes) {
            encoding = SourceEncoding.fromLabel(label, prefix: Array(bytes.prefix(4)), origin: "meta charset").0
            // A page that says UTF-16 in ASCII bytes is not UTF-16 (the HTML standard reads it as UTF-8).
            if encoding == .utf16BigEndian || encoding == .utf16LittleEndian { encoding = .utf8 }
        }
        var decoder = TranscodingDecoder(encoding: encoding)
        // UTF-8 already (most pages): the bytes as they are, not a copy of them.
        if bomLength == 0, bytes.withUnsafeBufferPointer({ decoder.passesThrough($0) }) { return (bytes, decoder.encodingName) }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count + bytes.count / 8)
        bytes.withUnsafeBufferPointer { buffer in
            decoder.decode(UnsafeBufferPointer(rebasing: buffer[min(bomLength, buffer.count)...]), final: true, into: &output)
        }
        return (output, decoder.encodingName)
    }

    /// The charset a `<meta>` element of the head declares, if any.
    static func metaCharset(_ bytes: [UInt8]) -> String? {
        let end = min(bytes.count, metaScanLimit)
        var index = 0
        while index < end {
            guard let open = bytes[index..<end].firstIndex(of: UInt8(ascii: "<")) else { return nil }
            let rest = bytes[(open + 1)..<end]
            if starts(rest, with: "/head") || starts(rest, with: "body") { return nil }
            if starts(rest, with: "!--"), let close = find(Array("-->".utf8), in: bytes, from: open + 4, to: end) {
                index = close + 3
                continue
            }
            guard starts(rest, with: "meta"), let close = bytes[open..<end].firstIndex(of: UInt8(ascii: ">")) else {
                index = open + 1
                continue
            }
            let tag = String(decoding: bytes[open...close], as: UTF8.self).lowercased()
            if let charset = attributeValue("charset", in: tag) { return charset }
            if attributeValue("http-equiv", in: tag) == "content-type", let content = attributeValue("content", in: tag),
                let charset = StreamingFeedParser.charset(fromContentType: content)
            {
                return charset
            }
            index = close + 1
        }
        return nil
    }

    /// The value of `name=` in a lower-cased tag: quoted or not.
    private static func attributeValue(_ name: String, in tag: String) -> String? {
        var search = tag[...]
        while let found = search.range(of: name) {
            let before = search[..<found.lowerBound].last
            var after = search[found.upperBound...].drop { $0 == " " }
            search = search[found.upperBound...]
            guard before == nil || before == " " || before == "\t" || before == "\n" || before == "<", after.first == "=" else { continue }
            after = after.dropFirst().drop { $0 == " " }
            if let quote = after.first, quote == "\"" || quote == "'" {
                return String(after.dropFirst().prefix { $0 != quote }).trimmingCharacters(in: .whitespaces)
            }
            let value = after.prefix { $0 != " " && $0 != ">" && $0 != "/" && $0 != ";" }
            return value.isEmpty ? nil : String(value)
        }
        return nil
    }

    private static func starts(_ bytes: ArraySlice<UInt8>, with text: String) -> Bool {
        guard bytes.count >= text.utf8.count else { return false }
        return zip(bytes, text.utf8).allSatisfy { ($0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0) == $1 }
    }

    private static func find(_ needle: [UInt8], in bytes: [UInt8], from start: Int, to end: Int) -> Int? {
        guard start + needle.count <= end else { return nil }
        return (start...(end - needle.count)).first { bytes[$0..<($0 + needle.count)].elementsEqual(needle) }
    }
}
