import FeedModel
import FeedParser
import Foundation
import Testing
import TestScheduling
import TestSupport

/// The text rules of README: which `<`, `>` and `&` in a title, name or category are markup and which are
/// text, for every way a feed can write them.
struct TextRulesTests {
    struct Case: CustomTestStringConvertible, Sendable {
        /// The `<title>` element's content as it stands in the XML.
        var xml: String
        var expected: String
        var testDescription: String { expected }
    }

    static let rssTitles: [Case] = [
        Case(xml: "Why Vec&lt;T&gt; beats LinkedList&lt;T&gt;", expected: "Why Vec<T> beats LinkedList<T>"),
        Case(xml: "The &lt;dialog&gt; element is finally usable", expected: "The <dialog> element is finally usable"),
        Case(xml: "<![CDATA[Templates with <template> & slots]]>", expected: "Templates with <template> & slots"),
        Case(xml: "Map&lt;String, List&lt;Int&gt;&gt;", expected: "Map<String, List<Int>>"),
        Case(xml: "Casting &lt;int&gt; to &lt;long&gt;", expected: "Casting <int> to <long>"),
        Case(xml: "Option&lt;Box&lt;S&gt;&gt; where S: Send", expected: "Option<Box<S>> where S: Send"),
        Case(xml: "if a &lt; b &amp;&amp; b &gt; c", expected: "if a < b && b > c"),
        Case(xml: "&lt;em&gt;Breaking&lt;/em&gt;: Swift 6.3", expected: "Breaking: Swift 6.3"),
        Case(xml: "<![CDATA[A 1930ft<sup>2</sup> loft]]>", expected: "A 1930ft2 loft"),
        Case(xml: "<![CDATA[<B>Loud</B> and <span class=\"x\">styled</span>]]>", expected: "Loud and styled"),
        Case(xml: "<![CDATA[One<br>two<br/>three]]>", expected: "One two three"),
        Case(xml: "<![CDATA[<p>First</p><p>second</p>]]>", expected: "First second"),
        Case(xml: "<![CDATA[Emoji <img src=\"/e.png\" alt=\"\"> here]]>", expected: "Emoji here"),
        Case(xml: "<![CDATA[An <img> without source is text]]>", expected: "An <img> without source is text"),
        Case(xml: "<![CDATA[Hidden<!-- note --> comment]]>", expected: "Hidden comment"),
        Case(xml: "<![CDATA[No <script>alert(1)</script>script]]>", expected: "No script"),
        Case(xml: "<![CDATA[A stray </em> end tag]]>", expected: "A stray end tag"),
        Case(xml: "<![CDATA[<b>Unclosed bold]]>", expected: "<b>Unclosed bold"),
        Case(xml: "L&#8217;été &#171;&#160;chaud&#160;&#187;", expected: "L’été «\u{A0}chaud\u{A0}»"),
        Case(xml: "AT&amp;T &amp;amp; R&amp;D", expected: "AT&T & R&D"),
        Case(xml: "Caf&amp;eacute; cr&amp;egrave;me", expected: "Café crème"),
        Case(xml: "Unknown &amp;bogus; stays", expected: "Unknown &bogus; stays"),
        // Escaped twice: once decoded, the text is what the publisher wrote, tags and all.
        Case(xml: "&amp;lt;b&amp;gt;Bold&amp;lt;/b&amp;gt;", expected: "<b>Bold</b>"),
        Case(xml: "No &amp;#27;[31m escape", expected: "No &#27;[31m escape"),
        Case(xml: "  spread\n\tout  ", expected: "spread out"),
    ]

    @Test(arguments: rssTitles) func rssTitle(_ example: Case) throws {
        let feed = try parse("<rss version=\"2.0\"><channel><title>\(example.xml)</title><item><title>\(example.xml)</title>"
            + "<category>\(example.xml)</category><author>\(example.xml)</author></item></channel></rss>")
        #expect(feed.title == example.expected)
        #expect(feed.items.first?.title == example.expected)
        #expect(feed.items.first?.categories == [example.expected])
        #expect(feed.items.first?.authors == [example.expected])
    }

    static let atomTitles: [(attributes: String, xml: String, expected: String)] = [
        ("", "Vec&lt;T&gt; &amp; &lt;b&gt;x&lt;/b&gt;", "Vec<T> & <b>x</b>"),
        ("type=\"text\"", "&lt;em&gt;as written&lt;/em&gt;", "<em>as written</em>"),
        ("type=\"text/plain\"", "a &lt;b&gt; c &amp;amp;", "a <b> c &amp;"),
        ("type=\"html\"", "&amp;lt;angle&amp;gt; and &lt;i&gt;it&lt;/i&gt;al", "<angle> and ital"),
        ("type=\"text/html\"", "&lt;em&gt;Breaking&lt;/em&gt;: Swift", "Breaking: Swift"),
        ("type=\"xhtml\"", "<div xmlns=\"http://www.w3.org/1999/xhtml\">Use &lt;C&gt; <b>now</b>, &amp; more</div>",
         "Use <C> now, & more"),
        ("type=\"application/xhtml+xml\"", "<div xmlns=\"http://www.w3.org/1999/xhtml\"><em>x</em>&lt;T&gt;</div>", "x<T>"),
    ]

    @Test(arguments: atomTitles) func atomTitle(_ example: (attributes: String, xml: String, expected: String)) throws {
        let feed = try parse("""
            <feed xmlns="http://www.w3.org/2005/Atom"><title \(example.attributes)>\(example.xml)</title>
            <entry><id>urn:1</id><title \(example.attributes)>\(example.xml)</title></entry></feed>
            """)
        #expect(feed.title == example.expected)
        #expect(feed.items.first?.title == example.expected)
    }

    static let atom03Titles: [(attributes: String, xml: String, expected: String)] = [
        ("", "Vec&lt;T&gt;", "Vec<T>"),
        ("mode=\"escaped\"", "Vec&lt;T&gt; &amp;amp; more", "Vec<T> &amp; more"),
        ("type=\"text/html\" mode=\"escaped\"", "&lt;em&gt;Big&lt;/em&gt; Vec&amp;lt;T&amp;gt;", "Big Vec<T>"),
        // "<b>Base</b> &lt;64&gt;" in base64.
        ("type=\"text/html\" mode=\"base64\"", "PGI+QmFzZTwvYj4gJmx0OzY0Jmd0Ow==", "Base <64>"),
        ("type=\"application/xhtml+xml\" mode=\"xml\"", "<div xmlns=\"http://www.w3.org/1999/xhtml\">In &lt;line&gt; <b>XML</b></div>",
         "In <line> XML"),
    ]

    @Test(arguments: atom03Titles) func atom03Title(_ example: (attributes: String, xml: String, expected: String)) throws {
        let feed = try parse("""
            <feed version="0.3" xmlns="http://purl.org/atom/ns#"><title>t</title>
            <entry><id>urn:1</id><title \(example.attributes)>\(example.xml)</title></entry></feed>
            """)
        #expect(feed.items.first?.title == example.expected)
    }

    @Test func atomContentKeepsTextAsTextAndDropsTheXHTMLWrapper() throws {
        let feed = try parse("""
            <feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>
            <entry><id>urn:1</id><content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>Hi &lt;C&gt;</p></div></content>
            <summary type="text">x &lt; y &amp; &lt;b&gt;</summary></entry>
            <entry><id>urn:2</id><content type="text/plain">Vec&lt;T&gt;</content></entry></feed>
            """)
        #expect(feed.items[0].content == "<p>Hi &lt;C&gt;</p>")
        #expect(feed.items[0].summary == "x &lt; y &amp; &lt;b&gt;")
        #expect(feed.items[1].content == "Vec&lt;T&gt;")
    }

    @Test func jsonFeedTextIsPlainText() throws {
        let json = #"""
            {"version": "https://jsonfeed.org/version/1.1", "title": "Vec<T> & co",
             "authors": [{"name": "Ana <ana@example.org>"}],
             "items": [{"id": "1", "title": "Vec<T> and <dialog>", "tags": ["<template>", "R&D"],
                        "summary": "1 < 2 &amp; <b>", "content_text": "a<b"}]}
            """#
        let feed = try StreamingFeedParser.parse(Data(json.utf8), url: URL(string: "https://example.org/feed.json"))
        #expect(feed.title == "Vec<T> & co")
        let item = try #require(feed.items.first)
        #expect(item.title == "Vec<T> and <dialog>")
        #expect(item.categories == ["<template>", "R&D"])
        #expect(item.authors == ["Ana <ana@example.org>"])
        #expect(item.summary == "1 &lt; 2 &amp;amp; &lt;b&gt;")
        #expect(item.content == "a&lt;b")
    }

    /// Any plain-text title, written as each format says plain text is written, comes back as it was.
    @Test func plainTitlesRoundTripThroughEveryWayOfWritingThem() async throws {
        try await heavyWork {
            var random = SeededGenerator(seed: 0x5EED_F00D)
            let pieces = [
                "Vec<T>", "<dialog>", "</dialog>", "<em>", "</em>", "<b>x</b>", "&", "&amp;", "&lt;", "&#8217;", "«", "»",
                "l’été", "Größe", "niño", "C++", "a<b", "x > y", "<int>", "Map<K, V>", "R&D", ";", "]]>", "\"q\"", "'s",
                "<br>", "<!--", "-->", "1930ft", "2", "<sup>", "</sup>",
            ]
            for _ in 0..<300 {
                let count = random.next(6) + 1
                let title = (0..<count).map { _ in pieces[random.next(pieces.count)] }
                    .joined(separator: random.next(3) == 0 ? "" : " ")
                let html = Self.escaped(title)
                let xml = Self.escaped(html)
                let writings = [
                    ("RSS, escaped", "<rss version=\"2.0\"><channel><item><title>\(xml)</title></item></channel></rss>"),
                    ("RSS, CDATA", "<rss version=\"2.0\"><channel><item><title><![CDATA[\(html.replacingOccurrences(of: "]]>", with: "]]&gt;"))]]></title></item></channel></rss>"),
                    ("Atom text", "<feed xmlns=\"http://www.w3.org/2005/Atom\"><entry><title>\(Self.escaped(title))</title></entry></feed>"),
                    ("Atom html", "<feed xmlns=\"http://www.w3.org/2005/Atom\"><entry><title type=\"html\">\(xml)</title></entry></feed>"),
                    ("Atom xhtml", "<feed xmlns=\"http://www.w3.org/2005/Atom\"><entry><title type=\"xhtml\"><div xmlns=\"http://www.w3.org/1999/xhtml\">\(Self.escaped(title))</div></title></entry></feed>"),
                ]
                for (writing, document) in writings {
                    let parsed = try parse(document).items.first?.title
                    #expect(parsed == title, "\(writing): \(document)")
                }
                let jsonTitle = String(decoding: try JSONSerialization.data(withJSONObject: [title], options: .fragmentsAllowed), as: UTF8.self)
                let json = "{\"version\": \"https://jsonfeed.org/version/1.1\", \"items\": [{\"id\": \"1\", \"title\": \(jsonTitle.dropFirst().dropLast())}]}"
                let parsed = try StreamingFeedParser.parse(Data(json.utf8), url: nil).items.first?.title
                #expect(parsed == title, "JSON Feed: \(json)")
            }
        }
    }

    /// Titles that hold no HTML (no known element closed by its end tag, no reference) need no second
    /// escaping in RSS: escaped once, or in CDATA, they come back as written.
    @Test func titlesWithoutMarkupNeedEscapingOnlyOnce() throws {
        var random = SeededGenerator(seed: 42)
        let pieces = ["Vec<T>", "<dialog>", "<template>", "&", "Map<K, V>", "Option<Box<T>>", "R&D", "1 < 2", "x >= y",
                      "<int>", "«", "»", "d’été", "a && b", "<T: Send>", "&&=", "<=>"]
        for _ in 0..<200 {
            let title = (0..<(random.next(5) + 1)).map { _ in pieces[random.next(pieces.count)] }
                .joined(separator: " ")
            let escaped = try parse("<rss version=\"2.0\"><channel><item><title>\(Self.escaped(title))</title></item></channel></rss>")
            let cdata = try parse("<rss version=\"2.0\"><channel><item><title><![CDATA[\(title)]]></title></item></channel></rss>")
            #expect(escaped.items.first?.title == title)
            #expect(cdata.items.first?.title == title)
        }
    }

    private func parse(_ document: String) throws -> ParsedFeed {
        try StreamingFeedParser.parse(Data(document.utf8), url: URL(string: "https://feeds.example.org/feed.xml"))
    }

    private static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }
}
