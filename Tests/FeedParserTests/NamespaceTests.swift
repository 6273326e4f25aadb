import FeedModel
import FeedParser
import Foundation
import Testing

/// Feeds are recognised by what their elements say, whatever namespace spelling the publisher chose.
struct NamespaceTests {
    static let roots: [(name: String, document: String, format: FeedFormat)] = [
        ("UserLand RSS 2.0 namespace", "<rss xmlns=\"http://backend.userland.com/rss2\" version=\"2.0\"><channel><title>c</title><item><title>i</title><link>https://example.org/1</link></item></channel></rss>", .rss20),
        ("Harvard RSS namespace", "<rss xmlns=\"http://blogs.law.harvard.edu/tech/rss\" version=\"2.0\"><channel><title>c</title><item><title>i</title><link>https://example.org/1</link></item></channel></rss>", .rss20),
        ("RSS in an unknown namespace", "<rss xmlns=\"urn:example:rss\" version=\"0.92\"><channel><title>c</title><item><title>i</title><link>https://example.org/1</link></item></channel></rss>", .rss09x),
        ("prefixed RSS root", "<r:rss xmlns:r=\"urn:example:rss\" version=\"2.0\"><r:channel><r:title>c</r:title><r:item><r:title>i</r:title><r:link>https://example.org/1</r:link></r:item></r:channel></r:rss>", .rss20),
        ("Atom without a namespace", "<feed><title>c</title><entry><id>urn:1</id><title>i</title><link href=\"https://example.org/1\"/></entry></feed>", .atom10),
        ("Atom in an unknown namespace", "<feed xmlns=\"http://example.org/2005/Atom\"><title>c</title><entry><id>urn:1</id><title>i</title><link href=\"https://example.org/1\"/></entry></feed>", .atom10),
        ("Atom namespace in another letter case", "<feed xmlns=\"http://www.w3.org/2005/atom\"><title>c</title><entry><id>urn:1</id><title>i</title><link href=\"https://example.org/1\"/></entry></feed>", .atom10),
        ("Atom 0.3 without a namespace", "<feed version=\"0.3\"><title>c</title><entry><id>urn:1</id><title>i</title><link href=\"https://example.org/1\"/></entry></feed>", .atom03),
        ("prefixed Atom root over unprefixed children", "<a:feed xmlns:a=\"http://www.w3.org/2005/Atom\"><title>c</title><entry><id>urn:1</id><title>i</title><link href=\"https://example.org/1\"/></entry></a:feed>", .atom10),
        ("prefixed Atom throughout", "<a:feed xmlns:a=\"http://www.w3.org/2005/Atom\"><a:title>c</a:title><a:entry><a:id>urn:1</a:id><a:title>i</a:title><a:link href=\"https://example.org/1\"/></a:entry></a:feed>", .atom10),
        ("element names in capitals", "<RSS version=\"2.0\"><Channel><Title>c</Title><Item><Title>i</Title><Link>https://example.org/1</Link></Item></Channel></RSS>", .rss20),
    ]

    @Test(arguments: roots) func rootIsRecognised(_ example: (name: String, document: String, format: FeedFormat)) throws {
        let feed = try StreamingFeedParser.parse(Data(example.document.utf8), url: nil)
        #expect(feed.format == example.format, "\(example.name)")
        #expect(feed.title == "c", "\(example.name)")
        #expect(feed.items.count == 1, "\(example.name)")
        #expect(feed.items.first?.title == "i", "\(example.name)")
        #expect(feed.items.first?.link == "https://example.org/1", "\(example.name)")
    }

    static let moduleURIs: [(name: String, declarations: String)] = [
        ("canonical", "xmlns:content=\"http://purl.org/rss/1.0/modules/content/\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:media=\"http://search.yahoo.com/mrss/\" xmlns:itunes=\"http://www.itunes.com/dtds/podcast-1.0.dtd\""),
        ("no final slash", "xmlns:content=\"http://purl.org/rss/1.0/modules/content\" xmlns:dc=\"http://purl.org/dc/elements/1.1\" xmlns:media=\"http://search.yahoo.com/mrss\" xmlns:itunes=\"http://www.itunes.com/dtds/podcast-1.0.dtd\""),
        ("old spellings", "xmlns:content=\"http://purl.org/rss/1.0/modules/content/\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:media=\"http://video.search.yahoo.com/mrss\" xmlns:itunes=\"http://www.itunes.com/DTDs/Podcast-1.0.dtd\""),
        ("https", "xmlns:content=\"https://purl.org/rss/1.0/modules/content/\" xmlns:dc=\"https://purl.org/dc/elements/1.1/\" xmlns:media=\"https://search.yahoo.com/mrss/\" xmlns:itunes=\"https://www.itunes.com/dtds/podcast-1.0.dtd\""),
        ("undeclared", ""),
    ]

    @Test(arguments: moduleURIs) func moduleFieldsAreRead(_ example: (name: String, declarations: String)) throws {
        let document = """
            <rss version="2.0" \(example.declarations)><channel><title>c</title>
            <item><media:title>Épisode 12</media:title><dc:creator>Zoé</dc:creator><content:encoded><![CDATA[<p>Le texte</p>]]></content:encoded>
            <itunes:duration>1:02:03</itunes:duration><media:thumbnail url="https://cdn.example.org/12.jpg"/><itunes:Summary>Résumé</itunes:Summary></item>
            </channel></rss>
            """
        let item = try #require(try StreamingFeedParser.parse(Data(document.utf8), url: nil).items.first)
        #expect(item.title == "Épisode 12", "\(example.name)")
        #expect(item.authors == ["Zoé"], "\(example.name)")
        #expect(item.content == "<p>Le texte</p>", "\(example.name)")
        #expect(item.durationSeconds == 3723, "\(example.name)")
        #expect(item.thumbnail == "https://cdn.example.org/12.jpg", "\(example.name)")
        #expect(item.summary == "Résumé", "\(example.name)")
    }

    @Test func elementNamesInAnotherLetterCaseFillTheirFields() throws {
        let document = """
            <rss version="2.0"><channel><title>c</title><lastbuilddate>Mon, 02 Nov 2026 10:00:00 GMT</lastbuilddate>
            <item><title>i</title><PubDate>Sun, 01 Nov 2026 10:00:00 GMT</PubDate><GUID>urn:x:1</GUID></item></channel></rss>
            """
        let feed = try StreamingFeedParser.parse(Data(document.utf8), url: nil)
        #expect(feed.updated.map(UTCTimestamp.format) == "2026-11-02T10:00:00Z")
        #expect(feed.items.first?.published.map(UTCTimestamp.format) == "2026-11-01T10:00:00Z")
        #expect(feed.items.first?.id == "urn:x:1")
    }

    @Test func aDocumentOfAnotherKindIsStillNotAFeed() {
        #expect(throws: FeedParseError.self) {
            try StreamingFeedParser.parse(Data("<html xmlns=\"http://www.w3.org/1999/xhtml\"><body><feed/></body></html>".utf8), url: nil)
        }
        #expect(throws: FeedParseError.self) {
            try StreamingFeedParser.parse(Data("<opml version=\"2.0\"><body/></opml>".utf8), url: nil)
        }
    }
}
