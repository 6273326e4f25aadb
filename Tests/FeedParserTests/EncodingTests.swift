import FeedModel
import FeedParser
import Foundation
import Testing

/// Precedence: byte order mark > HTTP charset > XML declaration > UTF-8, with the real-world fixes.
struct EncodingTests {
    static func rss(title: String, declaration: String?) -> String {
        let head = declaration.map { "<?xml version=\"1.0\" encoding=\"\($0)\"?>" } ?? "<?xml version=\"1.0\"?>"
        return head + "<rss version=\"2.0\"><channel><title>t</title><item><title>\(title)</title></item></channel></rss>"
    }

    static func utf16(_ text: String, bigEndian: Bool, bom: Bool) -> Data {
        var data = Data()
        if bom { data.append(contentsOf: bigEndian ? [0xFE, 0xFF] : [0xFF, 0xFE]) }
        for unit in text.utf16 {
            data.append(contentsOf: bigEndian ? [UInt8(unit >> 8), UInt8(unit & 0xFF)] : [UInt8(unit & 0xFF), UInt8(unit >> 8)])
        }
        return data
    }

    static func title(_ data: Data, contentType: String? = nil) throws -> String? {
        try StreamingFeedParser.parse(data, url: nil, contentType: contentType).items.first?.title
    }

    @Test func nonCharactersXMLForbidsAreReplacedAndTheRestOfTheFeedIsIntact() throws {
        // U+FFFE and U+FFFF are valid UTF-8 but not XML characters: libxml2 would stop at them.
        let text = "<rss version=\"2.0\"><channel><title>t</title><item><title>a\u{FFFE}b\u{FFFF}c é</title></item>"
            + "<item><title>Salt &amp; Pepper &#8217; ok</title></item></channel></rss>"
        let feed = try StreamingFeedParser.parse(Data(text.utf8), url: nil)
        #expect(feed.items.map(\.title) == ["a\u{FFFD}b\u{FFFD}c é", "Salt & Pepper \u{2019} ok"])
        #expect(feed.warnings.contains("2 U+FFFE/U+FFFF character(s) XML forbids replaced by U+FFFD"), "\(feed.warnings)")

        // After a byte that is not UTF-8, and wherever a chunk ends, the result is the same.
        var data = Data("<rss version=\"2.0\"><channel><item><title>x".utf8)
        data.append(0xFF)
        data.append(Data("y\u{FFFE}z &amp; é</title></item></channel></rss>".utf8))
        let whole = try StreamingFeedParser.parse(data, url: nil)
        #expect(whole.items.first?.title == "x\u{FFFD}y\u{FFFD}z & é")
        for offset in 1..<data.count {
            #expect(try parsedInTwoChunks(data, at: offset).items.first?.title == whole.items.first?.title, "split at \(offset)")
        }
    }

    @Test func latin1LabelIsReadAsWindows1252() throws {
        // 0x92 is ’ and 0x80 is € in windows-1252; in strict ISO-8859-1 they would be C1 controls.
        var bytes = Data(Self.rss(title: "L\u{1}", declaration: "ISO-8859-1").utf8)
        let marker = bytes.firstRange(of: Data([0x01]))!
        bytes.replaceSubrange(marker, with: [0x92, 0xE9, 0x74, 0xE9, 0x20, 0x80])
        #expect(try Self.title(bytes) == "L’été €")
    }

    @Test func httpCharsetOutranksTheXMLDeclaration() throws {
        let bytes = Data(Self.rss(title: "Ça", declaration: "ISO-8859-1").utf8)  // really UTF-8
        #expect(try Self.title(bytes, contentType: "application/rss+xml; charset=\"utf-8\"") == "Ça")
        #expect(try Self.title(bytes) == "Ã‡a")  // what the declaration alone would give
    }

    @Test func byteOrderMarkOutranksEverything() throws {
        let text = Self.rss(title: "Ça marche ✓", declaration: "ISO-8859-1")
        #expect(try Self.title(Data([0xEF, 0xBB, 0xBF]) + Data(text.utf8), contentType: "text/xml; charset=iso-8859-1") == "Ça marche ✓")
        #expect(try Self.title(Self.utf16(text, bigEndian: false, bom: true), contentType: "text/xml; charset=utf-8") == "Ça marche ✓")
        #expect(try Self.title(Self.utf16(text, bigEndian: true, bom: true)) == "Ça marche ✓")
    }

    @Test func labelsAreRecognisedWhateverTheirCaseQuotesAndBlanks() throws {
        // "été" in windows-1252, under labels written every way publishers write them.
        func latin(_ head: String) -> Data {
            var bytes = Data((head + "<rss version=\"2.0\"><channel><item><title>\u{1}</title></item></channel></rss>").utf8)
            bytes.replaceSubrange(bytes.firstRange(of: Data([0x01]))!, with: [0xE9, 0x74, 0xE9])
            return bytes
        }
        #expect(try Self.title(latin("<?xml version='1.0' encoding='Windows-1252'?>")) == "été")
        #expect(try Self.title(latin("<?xml version=\"1.0\" encoding = \"LATIN1\" ?>")) == "été")
        #expect(try Self.title(latin(""), contentType: "text/xml; charset=\" ISO-8859-1\t\"") == "été")
        #expect(try Self.title(latin(""), contentType: "text/xml; charset='CP1252'") == "été")
        #expect(try Self.title(Data(Self.rss(title: "Ça", declaration: "Utf-8").utf8)) == "Ça")
    }

    @Test func utf16WithoutBOMIsRecognised() throws {
        let text = Self.rss(title: "sans BOM — 😀", declaration: "UTF-16")
        #expect(try Self.title(Self.utf16(text, bigEndian: true, bom: false)) == "sans BOM — 😀")
        #expect(try Self.title(Self.utf16(text, bigEndian: false, bom: false)) == "sans BOM — 😀")
    }

    @Test func otherCharsetsGoThroughIconv() throws {
        // "Привет" in KOI8-R.
        var bytes = Data(Self.rss(title: "\u{1}", declaration: "KOI8-R").utf8)
        bytes.replaceSubrange(bytes.firstRange(of: Data([0x01]))!, with: [0xF0, 0xD2, 0xC9, 0xD7, 0xC5, 0xD4])
        #expect(try Self.title(bytes) == "Привет")
    }

    @Test func unknownCharsetFallsBackToUTF8WithAWarning() throws {
        let feed = try StreamingFeedParser.parse(Data(Self.rss(title: "Ça", declaration: "x-klingon").utf8), url: nil)
        #expect(feed.items.first?.title == "Ça")
        #expect(feed.warnings.contains { $0.contains("unknown charset \"x-klingon\"") })
    }

    @Test func invalidBytesAndForbiddenControlsNeverFailAFeed() throws {
        var bytes = Data(Self.rss(title: "\u{1}", declaration: "UTF-8").utf8)
        bytes.replaceSubrange(bytes.firstRange(of: Data([0x01]))!, with: [0x43, 0x61, 0x66, 0xE9, 0x0C, 0x1B, 0xC3, 0xA9, 0xFF])
        let feed = try StreamingFeedParser.parse(bytes, url: nil)
        #expect(feed.items.first?.title == "Caf\u{FFFD}é\u{FFFD}")
        #expect(feed.warnings.contains("2 byte(s) invalid in the encoding replaced by U+FFFD"))
        #expect(feed.warnings.contains("2 control character(s) XML forbids dropped"))
    }
}
