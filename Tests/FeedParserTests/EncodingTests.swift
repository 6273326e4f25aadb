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
        var data = Data("<?xml version=\"1.0\" encoding=\"utf-8\"?><rss version=\"2.0\"><channel><item><title>x".utf8)
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

    /// A document nothing labels: UTF-8 if its first bytes beyond ASCII are UTF-8, windows-1252 if not
    /// (an old Spanish or Catalan site), wherever the chunks of the body end.
    @Test func unlabelledBytesThatAreNotUTF8AreWindows1252() throws {
        func document(_ title: [UInt8], declaration: String = "") -> Data {
            var bytes = Data((declaration + "<rss version=\"2.0\"><channel><title>Notícies</title><item><title>\u{1}</title></item></channel></rss>").utf8)
            bytes.replaceSubrange(bytes.firstRange(of: Data([0x01]))!, with: title)
            return bytes
        }
        // "Stéphane: l’àvia ¿sí? €" in windows-1252, after a channel title in... windows-1252 too.
        var latin = document([0x53, 0x74, 0xE9, 0x70, 0x68, 0x61, 0x6E, 0x65, 0x3A, 0x20, 0x6C, 0x92, 0xE0, 0x76, 0x69, 0x61,
                              0x20, 0xBF, 0x73, 0xED, 0x3F, 0x20, 0x80])
        latin.replaceSubrange(latin.firstRange(of: Data("í".utf8))!, with: [0xED])
        let feed = try StreamingFeedParser.parse(latin, url: nil)
        #expect(feed.title == "Notícies")
        #expect(feed.items.first?.title == "Stéphane: l’àvia ¿sí? €")
        #expect(feed.warnings.contains("no encoding declared and the bytes are not UTF-8: read as windows-1252"), "\(feed.warnings)")
        #expect(!feed.warnings.contains { $0.contains("U+FFFD") })
        for offset in 1..<latin.count {
            #expect(try parsedInTwoChunks(latin, at: offset).items.first?.title == "Stéphane: l’àvia ¿sí? €", "split at \(offset)")
        }

        // UTF-8 stays UTF-8, with no warning, even when a later byte is not UTF-8 (that one is U+FFFD).
        let utf8 = document(Array("Stéphane".utf8) + [0xFF])
        let read = try StreamingFeedParser.parse(utf8, url: nil)
        #expect(read.items.first?.title == "Stéphane\u{FFFD}")
        #expect(!read.warnings.contains { $0.contains("windows-1252") })
        for offset in 1..<utf8.count {
            #expect(try parsedInTwoChunks(utf8, at: offset).items.first?.title == "Stéphane\u{FFFD}", "split at \(offset)")
        }

        // A declared UTF-8 document is not second-guessed.
        let declared = try StreamingFeedParser.parse(document([0x53, 0x74, 0xE9], declaration: "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"), url: nil)
        #expect(declared.items.first?.title == "St\u{FFFD}")
    }

    static let labels: [(label: String, bytes: [UInt8], expected: String)] = [
        ("windows_1252", [0x93, 0xE9, 0x94], "“é”"),
        ("cp1252", [0x80], "€"),
        ("iso_8859-1", [0xE9], "é"),
        ("l1", [0xE9], "é"),
        ("x-mac-roman", [0x8E, 0xD2, 0xD3], "é“”"),
        ("macintosh", [0x87], "á"),
        ("latin5", [0xFD], "ı"),
        ("ks_c_5601-1987", [0xC7, 0xD1], "한"),
        ("shift_jis", [0x93, 0xFA], "日"),
        ("gb2312", [0xD6, 0xD0], "中"),
    ]

    @Test(arguments: labels) func whatwgLabelsAndTheirAliases(_ example: (label: String, bytes: [UInt8], expected: String)) throws {
        var bytes = Data(Self.rss(title: "\u{1}", declaration: example.label).utf8)
        bytes.replaceSubrange(bytes.firstRange(of: Data([0x01]))!, with: example.bytes)
        let feed = try StreamingFeedParser.parse(bytes, url: nil)
        #expect(feed.items.first?.title == example.expected, "\(example.label)")
        #expect(feed.warnings.isEmpty, "\(example.label): \(feed.warnings)")
    }

    static func utf32(_ text: String, bigEndian: Bool, bom: Bool) -> Data {
        var data = Data()
        for scalar in (bom ? "\u{FEFF}" : "").unicodeScalars + text.unicodeScalars {
            let value = scalar.value
            let bytes = [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
            data.append(contentsOf: bigEndian ? bytes : bytes.reversed())
        }
        return data
    }

    @Test func utf32WithAndWithoutBOM() throws {
        let text = Self.rss(title: "Größe 😀", declaration: nil)
        for bigEndian in [true, false] {
            for bom in [true, false] {
                #expect(try Self.title(Self.utf32(text, bigEndian: bigEndian, bom: bom)) == "Größe 😀", "BE \(bigEndian), BOM \(bom)")
            }
        }
        let labelled = Self.rss(title: "Größe", declaration: "utf_32")
        #expect(try Self.title(Self.utf32(labelled, bigEndian: false, bom: false)) == "Größe")
    }

    @Test func ebcdicIsRecognisedByItsFirstBytes() throws {
        // "<?xml … encoding="IBM1047"?>" and a feed whose title is "Zürich [1]" in code page 1047, written
        // with iconv from the test's own text.
        let text = Self.rss(title: "Zürich [1]", declaration: "IBM1047")
        let bytes = try #require(Self.iconv(text, to: "IBM1047"))
        #expect(bytes.starts(with: [0x4C, 0x6F, 0xA7, 0x94]))
        #expect(try Self.title(bytes) == "Zürich [1]")
    }

    private static func iconv(_ text: String, to charset: String) -> Data? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/iconv")
        process.arguments = ["-f", "UTF-8", "-t", charset]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        guard (try? process.run()) != nil else { return nil }
        input.fileHandleForWriting.write(Data(text.utf8))
        try? input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return process.terminationStatus == 0 ? data : nil
    }
}
