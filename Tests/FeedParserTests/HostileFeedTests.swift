import FeedModel
import FeedParser
import Foundation
import TestScheduling
import TestSupport
import Testing

/// Documents built to hurt a parser. Each must end with an error or a bounded result; none may read a file.
/// Time and memory bounds are measured by `feedbench parse --hostile`, not here.
struct HostileFeedTests {
    @Test func quadraticBlowupIsRefusedByTheExpansionBudget() {
        let entity = String(repeating: "a", count: 64 * 1024)
        let references = String(repeating: "&big;", count: 40_000)  // 2.5 GB if expanded
        let document = """
            <?xml version="1.0"?>
            <!DOCTYPE rss [<!ENTITY big "\(entity)">]>
            <rss version="2.0"><channel><title>q</title><item><title>\(references)</title></item></channel></rss>
            """
        #expect(throws: FeedParseError.limitExceeded(detail: "entity expansion produced more than 32 MiB of text")) {
            try StreamingFeedParser.parse(Data(document.utf8), url: nil)
        }
    }

    @Test func deepNestingIsRefused() throws {
        let depth = 100_000
        let document = "<rss version=\"2.0\"><channel><title>deep</title><item><title>kept</title></item>"
            + String(repeating: "<x>", count: depth) + String(repeating: "</x>", count: depth) + "</channel></rss>"
        #expect(throws: FeedParseError.limitExceeded(detail: "elements nested deeper than 256 levels")) {
            try StreamingFeedParser.parse(Data(document.utf8), url: nil)
        }
        let atTheLimit = "<rss version=\"2.0\"><channel><item><title>kept</title></item>"
            + String(repeating: "<x>", count: 253) + String(repeating: "</x>", count: 253) + "</channel></rss>"
        #expect(try StreamingFeedParser.parse(Data(atTheLimit.utf8), url: nil).items.map(\.title) == ["kept"])
    }

    @Test func externalEntityIsNeverLoaded() throws {
        let document = """
            <?xml version="1.0"?>
            <!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd"><!ENTITY % remote SYSTEM "http://127.0.0.1:9/x.dtd"> %remote;]>
            <rss version="2.0"><channel><item><title>a&xxe;b</title><guid>1</guid></item></channel></rss>
            """
        let feed = try StreamingFeedParser.parse(Data(document.utf8), url: nil)
        #expect(feed.items.first?.title == "ab")
    }

    @Test func controlCharactersNeverReachATitle() throws {
        let document = "<rss version=\"2.0\"><channel><item><title>a&#27;[31mred&#x1b;]52;c;Zm9v&#7;\u{9B}2Jb\u{07}</title></item></channel></rss>"
        let feed = try StreamingFeedParser.parse(Data(document.utf8), url: nil)
        let title = try #require(feed.items.first?.title)
        #expect(!title.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) })
        #expect(title == "a[31mred]52;c;Zm9v2Jb")
    }

    @Test func emptyAndNonFeedDocumentsGiveClearErrors() {
        #expect(throws: FeedParseError.emptyDocument) { try StreamingFeedParser.parse(Data("  \n".utf8), url: nil) }
        #expect(throws: FeedParseError.notAFeed(detail: "the document's root element is <svg>")) {
            try StreamingFeedParser.parse(Data("<svg xmlns='http://www.w3.org/2000/svg'/>".utf8), url: nil)
        }
        #expect(throws: FeedParseError.notAFeed(detail: "JSON document without a JSON Feed \"version\"")) {
            try StreamingFeedParser.parse(Data("{\"items\": []}".utf8), url: nil)
        }
        #expect(throws: FeedParseError.htmlPage(alternates: [])) {
            try StreamingFeedParser.parse(Data("<!DOCTYPE html><html><body>hi</body></html>".utf8), url: nil)
        }
    }
}

extension HostileFeedTests {
    @Test func fieldsAreCutAtTheFieldLimitWithAWarning() async throws {
        try await heavyWork {
            func feed(contentBytes: Int) throws -> ParsedFeed {
                let body = String(repeating: "a", count: contentBytes)
                let document = "<rss version=\"2.0\"><channel><item><title>t</title><description>\(body)</description></item></channel></rss>"
                return try StreamingFeedParser.parse(Data(document.utf8), url: nil)
            }
            let atLimit = try feed(contentBytes: ParserLimits.maxFieldBytes)
            #expect(atLimit.items.first?.summary?.utf8.count == ParserLimits.maxFieldBytes)
            #expect(atLimit.warnings.isEmpty)
            let over = try feed(contentBytes: ParserLimits.maxFieldBytes + 1)
            #expect(over.items.first?.summary?.utf8.count ?? 0 <= ParserLimits.maxFieldBytes)
            #expect(over.warnings.contains("1 field(s) longer than 8 MiB were cut"))
        }
    }
}

/// CDATA contents bypass libxml2 (`DivertedText`): a processing instruction stands in their place.
extension HostileFeedTests {
    @Test func aDocumentCannotForgeTheMarkerThatStandsForCDATA() throws {
        // Instructions with the marker's target, with and without a guessed token, carry no text and move none.
        let document = """
            <rss version="2.0"><channel><item><title>t</title>
            <description>a<?feedd-text 0000000000000000 0?>b<![CDATA[<i>c</i>]]><?feedd-text?>d<![CDATA[]]>e<?feedd-text 1?></description>
            </item><item><title><![CDATA[second]]></title></item></channel></rss>
            """
        let feed = try StreamingFeedParser.parse(Data(document.utf8), url: nil)
        #expect(feed.items.map(\.summary) == ["ab<i>c</i>de", nil])
        #expect(feed.items.map(\.title) == ["t", "second"])
    }

    @Test func cdataLongerThanAChunkArrivesWholeWhateverTheChunks() async throws {
        try await heavyWork {
            let body = String(repeating: "« données » <b>&</b> ]] ] > 😀 ", count: 12_000) + "fin"  // ~450 KB
            let document = Data("<rss version=\"2.0\"><channel><item><description><![CDATA[\(body)]]></description></item></channel></rss>".utf8)
            let whole = try StreamingFeedParser.parse(document, url: nil).items.first?.summary
            let wholeIsRight = whole == body  // compared outside #expect, which would print both 450 KB values
            #expect(wholeIsRight, "\(whole?.utf8.count ?? 0) bytes instead of \(body.utf8.count)")
            for chunkSize in [1, 7, 4096, 65_537] {
                let parser = StreamingFeedParser(url: nil)
                var offset = 0
                while offset < document.count {
                    parser.append(document.subdata(in: offset..<min(document.count, offset + chunkSize)))
                    offset += chunkSize
                }
                let feed = try parser.finish()
                let sameAsWhole = feed.items.first?.summary == whole
                #expect(sameAsWhole, "chunks of \(chunkSize) bytes")
                #expect(feed.warnings.isEmpty)
            }
        }
    }

    @Test func aDocumentEndingInsideCDATASaysSo() throws {
        let document = "<rss version=\"2.0\"><channel><item><title>kept</title></item><item><description><![CDATA[cut he"
        let feed = try StreamingFeedParser.parse(Data(document.utf8), url: nil)
        #expect(feed.items.map(\.title) == ["kept"])
        #expect(feed.warnings.contains("the document ends inside a CDATA section"))
    }
}

/// Element text with references or non-ASCII characters is decoded by feedd (`DivertedText`); text with a
/// reference to an entity the document declares is still read by libxml2. Both must give the same text.
extension HostileFeedTests {
    static func description(of document: String) throws -> String? {
        try StreamingFeedParser.parse(Data(document.utf8), url: nil).items.first?.summary
    }

    @Test func feeddDecodesTextExactlyAsLibxml2Does() throws {
        let pieces = [
            "plain", " ", "é", "😀", "&lt;p&gt;", "&amp;amp;", "&#233;", "&#x1F600;", "&#X41;", "&quot;q&apos;",
            "&eacute;", "&rsquo;", "&nbsp;", "&unknown;", " & ", "a<b", "\r\n", "\r", "\n", "\t", "&#13;", "« »",
            "&#x2028;", ">", "&#0000000065;", "&#x00000000041;", "&#x0000000000000000000000000000E9;",
        ]
        var generator = SeededGenerator(seed: 0xFEED)
        for _ in 0..<400 {
            let text = (0..<Int.random(in: 1...12, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }
                .joined()
            // A DOCTYPE turns the diversion off for the whole document (its entities may hold markup), so
            // libxml2 reads that text; the same text without one is decoded by feedd. `&e;` expands to nothing.
            let body = "<rss version=\"2.0\"><channel><item><title>t</title><description>"
            let tail = "</description></item></channel></rss>"
            let byLibxml2 = try Self.description(of: "<!DOCTYPE rss [<!ENTITY e \"\">]>" + body + "x" + text + "&e;" + "x" + tail)
            let byFeedd = try Self.description(of: body + "x" + text + "x" + tail)
            #expect(byFeedd == byLibxml2, "\(text.debugDescription)")
            #expect(byFeedd?.contains("\r") == text.contains("&#13;"))
        }
        // Where the two differ on purpose: `]]>` in text (not allowed there) makes libxml2 drop a bracket and
        // what came before it; feedd keeps what the publisher wrote.
        let body = "<rss version=\"2.0\"><channel><item><title>t</title><description>"
        #expect(try Self.description(of: body + "a ]]> b é</description></item></channel></rss>") == "a ]]> b é")
    }

    @Test func lineEndsAreNormalisedWhereverChunksEnd() throws {
        let document = Data(
            "<rss version=\"2.0\">\r\n<channel>\r\n<item><title>t</title><description>é\r\nl'été\r\rfin &amp; <![CDATA[a\r\nb\rc\r\n]]>\r\n</description></item></channel></rss>\r\n"
                .utf8)
        let whole = try StreamingFeedParser.parse(document, url: nil)
        #expect(whole.items.first?.summary == "é\nl'été\n\nfin & a\nb\nc")
        for offset in 1..<document.count {
            #expect(try parsedInTwoChunks(document, at: offset) == whole, "split at byte \(offset)")
        }
    }
}

/// What could put the diverted text out of step with its markers, or change it with the chunks.
extension HostileFeedTests {
    @Test func aDoctypeWithMarkupInItsEntityValuesParsesAsBefore() throws {
        // Entity values holding CDATA and tags: nothing is diverted in such a document.
        let document = """
            <!DOCTYPE rss [<!ENTITY x "<![CDATA[a]]>"><!ENTITY e "<b>é</b>">]>
            <rss version="2.0"><channel><title>c</title>
            <item><title>T1 é</title><description>d1 « x »</description></item>
            <item><title>T2</title><description><![CDATA[<p>é</p>]]></description></item></channel></rss>
            """
        let feed = try StreamingFeedParser.parse(Data(document.utf8), url: nil)
        #expect(feed.items.map(\.title) == ["T1 é", "T2"])
        #expect(feed.items.map(\.summary) == ["d1 « x »", "<p>é</p>"])
    }

    @Test func aMarkerSwallowedByTheDocumentCostsItsOwnPieceOnly() throws {
        // The unterminated instruction runs to the first `?>`: the marker of the next diverted text.
        let document = """
            <rss version="2.0"><channel><item><title>a <?php x</title><description>é</description></item>
            <item><title>é2</title><description>d2 é</description></item></channel></rss>
            """
        let feed = try StreamingFeedParser.parse(Data(document.utf8), url: nil)
        #expect(feed.items.last?.title == "é2")
        #expect(feed.items.last?.summary == "d2 é")
    }

    @Test func aLineEndAroundADroppedCharacterIsOneWhereverChunksEnd() throws {
        let document = Data("<rss version=\"2.0\"><channel><item><description>é\r&#27;\ny\r\u{1}\nz<![CDATA[\r\u{2}\nw]]></description></item></channel></rss>".utf8)
        #expect(try StreamingFeedParser.parse(document, url: nil).items.first?.summary == "é\ny\nz\nw")
        for offset in 1..<document.count {
            #expect(try parsedInTwoChunks(document, at: offset).items.first?.summary == "é\ny\nz\nw", "split at byte \(offset)")
        }
    }

    @Test func aFieldCutAtTheLimitKeepsACleanStart() async throws {
        try await heavyWork {
            let start = String(repeating: "é", count: (ParserLimits.maxFieldBytes - 100) / 2)
            let document = "<rss version=\"2.0\"><channel><item><description><![CDATA[\(start)]]><![CDATA[\(String(repeating: "b", count: 300))]]>tail</description></item></channel></rss>"
            let feed = try StreamingFeedParser.parse(Data(document.utf8), url: nil)
            let summary = feed.items.first?.summary ?? ""
            let isStart = summary == start  // outside #expect, which would print megabytes
            #expect(isStart, "\(summary.utf8.count) bytes, ends with \(summary.suffix(5))")
            #expect(feed.warnings.contains("1 field(s) longer than 8 MiB were cut"))
        }
    }
}

extension HostileFeedTests {
    @Test(arguments: [
        ("<?xml version='1.0'?>\u{3000}\n<!-- c --><?pi x?><!DOCTYPE HTML><html><body>x</body></html>", true),
        ("<?xml version='1.0'?>\n<HTML><head><title>t</title></head></HTML>", true),
        ("  <Body>x</Body>", true),
        (String(repeating: "\n", count: 1012) + "<!-- " + String(repeating: "c", count: 900) + " --><!DOCTYPE html><html></html>", true),
        ("<?xml version='1.0'?>\u{A0}<rss version='2.0'><channel><title>t</title></channel></rss>", false),
        ("<!--<html>--><feed xmlns='http://www.w3.org/2005/Atom'><title>t</title></feed>", false),
    ])
    func htmlPagesAreToldFromFeedsByTheirFirstElement(document: String, isHTML: Bool) {
        let result = Result { () throws(FeedParseError) in try StreamingFeedParser.parse(Data(document.utf8), url: nil) }
        if case .failure(.htmlPage) = result { #expect(isHTML, "\(document)") } else { #expect(!isHTML, "\(document)") }
    }
}

extension HostileFeedTests {
    @Test func shortFieldsAreCutAtTheirOwnLimit() async throws {
        try await heavyWork {
            // A title of megabytes of markup is cut at 64 KiB before it is turned into plain text.
            let huge = String(repeating: "<b>mot</b> ", count: 500_000)
            let document = "<rss version=\"2.0\"><channel><item><title>\(huge)</title><description>d</description></item></channel></rss>"
            let feed = try StreamingFeedParser.parse(Data(document.utf8), url: nil)
            #expect((feed.items.first?.title?.utf8.count ?? 0) <= ParserLimits.maxShortFieldBytes)
            #expect((feed.items.first?.title?.utf8.count ?? 0) > 10_000)
            #expect(feed.items.first?.summary == "d")
            #expect(feed.warnings.contains("1 title, link, author or other short field(s) longer than 64 KiB were cut"))
        }
    }
}

extension HostileFeedTests {
    @Test func escapedMarkupCountsAgainstTheLimitAsWritten() throws {
        // 20,000 `<` in XHTML text: 20 KB as read, 80 KB once escaped as `&lt;`, over the 64 KiB of a title.
        let text = String(repeating: "&lt;", count: 20_000)
        let document = "<feed xmlns=\"http://www.w3.org/2005/Atom\"><entry><id>1</id><title type=\"xhtml\"><div xmlns=\"http://www.w3.org/1999/xhtml\">\(text)</div></title></entry></feed>"
        let feed = try StreamingFeedParser.parse(Data(document.utf8), url: nil)
        #expect((feed.items.first?.title?.count ?? 0) < 20_000)
        #expect(feed.warnings.contains("1 title, link, author or other short field(s) longer than 64 KiB were cut"))
    }
}
