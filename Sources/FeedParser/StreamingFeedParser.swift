import FeedModel
import Foundation

/// Parses one feed document from bytes that arrive in chunks (as curl delivers them): RSS 0.9x/1.0/2.0 and
/// Atom 0.3/1.0 through a libxml2 SAX push parser, JSON Feed through Foundation's JSON.
///
/// The result does not depend on where chunk boundaries fall. Nothing is loaded from the network or disk.
public final class StreamingFeedParser {
    private enum Mode {
        case sniffing
        case xml(SAXParser, FeedDocumentBuilder)
        case json
        case html
    }

    private let url: URL?
    private let httpCharset: String?
    private var mode = Mode.sniffing
    private var pending: [UInt8] = []
    /// Where the first byte that is not white space stands in `pending`, once it has come.
    private var firstSignificant: Int?
    private var decoder: TranscodingDecoder?
    private var repair = XMLInputRepair()
    private var warnings: [String] = []
    private var decoded: [UInt8] = []
    private var repaired: [UInt8] = []

    /// Bytes after the first significant one that decide the format (sniffing reads that many decoded bytes).
    private static let sniffLength = 1024
    /// Parsing starts after this many bytes at the latest, whatever they hold.
    private static let maxSniffWait = 64 << 10



    /// - Parameters:
    ///   - url: the document's URL after redirects, the base for relative links.
    ///   - contentType: the HTTP `Content-Type`, whose charset outranks the XML declaration.
    public init(url: URL?, contentType: String? = nil) {
        self.url = url
        self.httpCharset = contentType.flatMap(Self.charset(fromContentType:))
    }

    /// Hands the parser the next bytes of the document.
    public func append(_ bytes: UnsafeRawBufferPointer) {
        var buffer = bytes.bindMemory(to: UInt8.self)
        if case .sniffing = mode {
            // Only what sniffing needs waits here; the rest goes through in slices like any later chunk.
            // Up to twice `sniffLength` past the first byte that is not white space (twice: UTF-16 takes two
            // bytes a character), at most `maxSniffWait`; each byte is looked at once.
            if firstSignificant == nil, let index = buffer.prefix(Self.maxSniffWait).firstIndex(where: { !Self.isSpace($0) && $0 != 0 }) {
                firstSignificant = pending.count + index
            }
            let wanted = min(Self.maxSniffWait, (firstSignificant ?? Self.maxSniffWait) + 2 * Self.sniffLength)
            let needed = max(0, wanted - pending.count)
            pending.append(contentsOf: buffer.prefix(needed))
            buffer = UnsafeBufferPointer(rebasing: buffer.dropFirst(needed))
            guard pending.count >= wanted else { return }
            startParsing(final: false)
            if case .sniffing = mode {
                pending.append(contentsOf: buffer)  // only whitespace so far
                return
            }
        }
        if !buffer.isEmpty { consume(buffer, final: false) }
    }

    public func append(_ data: Data) {
        data.withUnsafeBytes { append($0) }
    }

    /// Ends the document and returns the feed, or why it is not one.
    public func finish() throws(FeedParseError) -> ParsedFeed {
        if case .sniffing = mode {
            startParsing(final: true)
        } else {
            consume(UnsafeBufferPointer(start: nil, count: 0), final: true)
        }
        switch mode {
        case .sniffing:
            throw .emptyDocument
        case .json:
            guard pending.count <= ParserLimits.maxJSONBytes else {
                throw .limitExceeded(detail: "JSON Feed larger than \(ParserLimits.maxJSONBytes >> 20) MiB")
            }
            var feed = try JSONFeedParser.parse(Data(pending), url: url)
            feed.warnings = encodingWarnings + feed.warnings
            return feed
        case .html:
            throw .htmlPage(alternates: HTMLFeedLinks.find(in: pending, base: url))
        case .xml(let parser, let builder):
            if let error = parser.limitError { throw error }
            guard builder.format != nil else {
                if let root = builder.rootName {
                    throw .notAFeed(detail: "the document's root element is <\(root.local)>")
                }
                throw .malformed(detail: parser.errors.first ?? "no root element")
            }
            var feed = builder.feed
            feed.warnings = encodingWarnings + repairWarnings() + parser.errors.map { "XML: " + $0 } + builder.warnings
            if parser.errorCount > parser.errors.count {
                feed.warnings.append("\(parser.errorCount - parser.errors.count) more XML error(s)")
            }
            if builder.hasOpenItem { feed.warnings.append("the document ends inside an item: that item was dropped") }
            return feed
        }
    }

    /// What was said of the encoding: a label that could not be honoured, an undeclared one read as
    /// windows-1252.
    private var encodingWarnings: [String] { warnings + (decoder?.fallbackWarning.map { [$0] } ?? []) }

    /// Parses a whole document held in memory.
    public static func parse(_ data: Data, url: URL?, contentType: String? = nil) throws(FeedParseError) -> ParsedFeed {
        let parser = StreamingFeedParser(url: url, contentType: contentType)
        parser.append(data)
        return try parser.finish()
    }

    // MARK: - Stages

    private func startParsing(final: Bool) {
        let (encoding, bomLength, warning) = SourceEncoding.detect(prefix: pending, httpCharset: httpCharset)
        if let warning { warnings.append(warning) }
        var transcoder = TranscodingDecoder(encoding: encoding)
        var utf8: [UInt8] = []
        pending.withUnsafeBufferPointer { all in
            transcoder.decode(UnsafeBufferPointer(rebasing: all[min(bomLength, all.count)...]), final: final, into: &utf8)
        }
        // Only whitespace so far: wait for more (the document is empty if this was all).
        guard let kind = Self.sniff(utf8) else { return }
        pending.removeAll()
        decoder = transcoder
        switch kind {
        case .json:
            mode = .json
            pending = utf8
        case .html:
            mode = .html
            pending = utf8
        case .xml:
            let builder = FeedDocumentBuilder(feedURL: url)
            mode = .xml(SAXParser(delegate: builder, divertedText: repair.divertedText), builder)
            utf8.withUnsafeBufferPointer { feedRepaired($0, final: final) }
        }
    }

    /// A large input (a whole body held in memory) goes through in slices of this size, so the decoded and
    /// repaired copies and libxml2's own input buffer stay small and in cache whatever the document's size.
    private static let sliceLength = 64 << 10

    private func consume(_ bytes: UnsafeBufferPointer<UInt8>, final: Bool) {
        var offset = 0
        repeat {
            let end = min(bytes.count, offset + Self.sliceLength)
            consumeSlice(UnsafeBufferPointer(rebasing: bytes[offset..<end]), final: final && end == bytes.count)
            offset = end
        } while offset < bytes.count
    }

    private func consumeSlice(_ bytes: UnsafeBufferPointer<UInt8>, final: Bool) {
        if case .xml = mode, decoder?.passesThrough(bytes) == true {
            feedRepaired(bytes, final: final)  // already UTF-8: no copy
            return
        }
        decoded.removeAll(keepingCapacity: true)
        decoder?.decode(bytes, final: final, into: &decoded)
        switch mode {
        case .json, .html:
            pending.append(contentsOf: decoded)
        case .xml:
            decoded.withUnsafeBufferPointer { feedRepaired($0, final: final) }
        case .sniffing:
            break
        }
    }

    private func feedRepaired(_ utf8: UnsafeBufferPointer<UInt8>, final: Bool) {
        // Once libxml2 has stopped (a limit was reached), the rest of the document is not even repaired.
        guard case .xml(let parser, _) = mode, parser.limitError == nil else { return }
        repaired.removeAll(keepingCapacity: true)
        repair.repair(utf8, final: final, into: &repaired)
        repaired.withUnsafeBufferPointer { parser.parse($0, terminate: final) }
    }

    private func repairWarnings() -> [String] {
        var result: [String] = []
        if repair.invalidBytes > 0 { result.append("\(repair.invalidBytes) byte(s) invalid in the encoding replaced by U+FFFD") }
        if repair.forbiddenCharacters > 0 {
            result.append("\(repair.forbiddenCharacters) control character(s) XML forbids dropped")
        }
        if repair.nonCharacters > 0 { result.append("\(repair.nonCharacters) U+FFFE/U+FFFF character(s) XML forbids replaced by U+FFFD") }
        if repair.bareAmpersands > 0 { result.append("\(repair.bareAmpersands) unescaped \"&\" read as text") }
        if repair.unknownEntities > 0 { result.append("\(repair.unknownEntities) unknown entity reference(s) kept as text") }
        if repair.bareLessThans > 0 { result.append("\(repair.bareLessThans) \"<\" opening no tag read as text") }
        if repair.strayEndTags > 0 { result.append("\(repair.strayEndTags) end tag(s) closing nothing dropped") }
        if repair.unclosedTags > 0 { result.append("\(repair.unclosedTags) unclosed element(s) closed") }
        if repair.rewrittenTags > 0 { result.append("\(repair.rewrittenTags) start tag(s) with malformed attributes rewritten") }
        if repair.endsInCDATA { result.append("the document ends inside a CDATA section") }
        return result
    }

    // MARK: - Sniffing

    private enum DocumentKind { case xml, json, html }

    /// Decides the kind from the first significant bytes; nil when there are none yet. Read on the bytes:
    /// it runs for every fetched document.
    private static func sniff(_ utf8: [UInt8]) -> DocumentKind? {
        guard let start = utf8.firstIndex(where: { !isSpace($0) }) else { return nil }
        switch utf8[start] {
        case UInt8(ascii: "{"), UInt8(ascii: "["): return .json
        case UInt8(ascii: "<"):
            let head = utf8[start..<min(utf8.count, start + 1024)]
            var index = head.startIndex
            // Skip the XML declaration, comments and processing instructions before the first element.
            while true {
                while index < head.endIndex, let length = whitespaceLength(head, at: index) { index += length }
                let rest = head[index...]
                if rest.starts(with: "<?".utf8), let end = rest.range(ofASCII: "?>") {
                    index = end.upperBound
                } else if rest.starts(with: "<!--".utf8), let end = rest.range(ofASCII: "-->") {
                    index = end.upperBound
                } else {
                    break
                }
            }
            let rest = head[index...]
            for opening in ["<!doctype html", "<html", "<head", "<body"] where startsIgnoringASCIICase(rest, opening) {
                return .html
            }
            return .xml
        default:
            return .xml
        }
    }

    /// The length of the Unicode white space character (White_Space: tab to CR, space, U+0085, U+00A0,
    /// U+1680, U+2000–U+200A, U+2028, U+2029, U+202F, U+205F, U+3000) at `index`, or nil.
    private static func whitespaceLength(_ bytes: ArraySlice<UInt8>, at index: Int) -> Int? {
        let byte = bytes[index]
        if (0x09...0x0D).contains(byte) || byte == 0x20 { return 1 }
        // 0 past the end: no sequence below ends in it.
        func next(_ offset: Int) -> UInt8 { index + offset < bytes.endIndex ? bytes[index + offset] : 0 }
        switch (byte, next(1), next(2)) {
        case (0xC2, 0x85, _), (0xC2, 0xA0, _): return 2
        case (0xE1, 0x9A, 0x80), (0xE2, 0x80, 0x80...0x8A), (0xE2, 0x80, 0xA8), (0xE2, 0x80, 0xA9), (0xE2, 0x80, 0xAF),
            (0xE2, 0x81, 0x9F), (0xE3, 0x80, 0x80):
            return 3
        default: return nil
        }
    }

    /// Whether `bytes` starts with the lower-case ASCII `prefix`, in any case.
    private static func startsIgnoringASCIICase(_ bytes: ArraySlice<UInt8>, _ prefix: String) -> Bool {
        guard bytes.count >= prefix.utf8.count else { return false }
        return zip(bytes, prefix.utf8).allSatisfy { byte, expected in
            (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte) == expected
        }
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    /// The `charset` parameter of a `Content-Type` header value.
    static func charset(fromContentType contentType: String) -> String? {
        for parameter in contentType.split(separator: ";").dropFirst() {
            let parts = parameter.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces).lowercased() == "charset" else {
                continue
            }
            let value = parts[1].trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))
            return value.isEmpty ? nil : value
        }
        return nil
    }
}
