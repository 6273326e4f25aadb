import FeedModel
import FeedParser
import Foundation
import Testing

/// Field priority, podcast and media fields, polling hints and URL rules.
struct FieldTests {
    static func parse(_ text: String, url: String = "https://feeds.example.org/feed.xml") throws -> ParsedFeed {
        try StreamingFeedParser.parse(Data(text.utf8), url: URL(string: url))
    }

    static let namespaces = """
        xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" \
        xmlns:atom="http://www.w3.org/2005/Atom" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" \
        xmlns:media="http://search.yahoo.com/mrss/" xmlns:sy="http://purl.org/rss/1.0/modules/syndication/"
        """

    @Test func contentEncodedWinsOverDescriptionAndGuidPermaLinkStandsInForLink() throws {
        let feed = try Self.parse("""
            <rss version="2.0" \(Self.namespaces)><channel><title>c</title>
            <item><description>short</description><content:encoded><![CDATA[<p>long & full</p>]]></content:encoded>
            <guid>https://blog.example.org/p/1</guid><dc:creator>Zoé</dc:creator><author>x@example.org (X)</author></item>
            <item><guid isPermaLink="false">https://blog.example.org/p/2</guid><atom:link rel="alternate" href="/p/2-real"/></item>
            </channel></rss>
            """)
        #expect(feed.items[0].summary == "short")
        #expect(feed.items[0].content == "<p>long & full</p>")
        #expect(feed.items[0].link == "https://blog.example.org/p/1")
        #expect(feed.items[0].authors == ["Zoé", "X"])
        #expect(feed.items[1].link == "https://feeds.example.org/p/2-real")
        #expect(feed.items[1].id == "https://blog.example.org/p/2")
    }

    @Test func atomPublishedWinsOverUpdatedAndAlternateOverOtherLinks() throws {
        let feed = try Self.parse("""
            <feed xmlns="http://www.w3.org/2005/Atom"><title type="html">A &amp;amp; B</title>
            <entry><id>urn:1</id><title>E</title><updated>2026-11-02T00:00:00Z</updated><published>2026-11-01T00:00:00Z</published>
            <link rel="edit" href="/edit/1"/><link rel="enclosure" href="/a.mp3" length="12" type="audio/mpeg"/>
            <link rel="enclosure" href="/b.ogg"/><link href="/1"/>
            <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>x &lt; y</p></div></content>
            <summary>plain &lt;text&gt;</summary></entry></feed>
            """)
        #expect(feed.title == "A & B")
        let entry = try #require(feed.items.first)
        #expect(entry.published.map(UTCTimestamp.format) == "2026-11-01T00:00:00Z")
        #expect(entry.updated.map(UTCTimestamp.format) == "2026-11-02T00:00:00Z")
        #expect(entry.link == "https://feeds.example.org/1")
        #expect(entry.enclosures == [
            Enclosure(url: "https://feeds.example.org/a.mp3", type: "audio/mpeg", length: 12),
            Enclosure(url: "https://feeds.example.org/b.ogg"),
        ])
        // The XHTML `div` that wraps the content is not part of it.
        #expect(entry.content == "<p>x &lt; y</p>")
        #expect(entry.summary == "plain &lt;text&gt;")
    }

    @Test func podcastAndMediaFields() throws {
        let feed = try Self.parse("""
            <rss version="2.0" \(Self.namespaces)><channel><title>p</title><itunes:image href="/art.jpg"/>
            <item><title>ep</title><itunes:duration>1:02:03</itunes:duration><itunes:explicit>clean</itunes:explicit>
            <itunes:image href="https://cdn.example.org/ep.jpg"/><itunes:author>Host</itunes:author>
            <media:group><media:content url="https://cdn.example.org/ep.mp4" type="video/mp4" fileSize="99"/>
            <media:thumbnail url="https://cdn.example.org/thumb.jpg"/></media:group>
            <enclosure url="https://cdn.example.org/ep.mp3" length="123" type="audio/mpeg"/>
            <enclosure url="https://cdn.example.org/ep.ogg" length="100" type="audio/ogg"/></item>
            <item><title>two</title><itunes:duration>2710</itunes:duration><itunes:explicit>yes</itunes:explicit></item>
            </channel></rss>
            """)
        #expect(feed.image == "https://feeds.example.org/art.jpg")
        let episode = feed.items[0]
        #expect(episode.durationSeconds == 3723)
        #expect(episode.explicit == false)
        #expect(episode.image == "https://cdn.example.org/ep.jpg")
        #expect(episode.thumbnail == "https://cdn.example.org/thumb.jpg")
        #expect(episode.authors == ["Host"])
        #expect(episode.enclosures.map(\.url) == [
            "https://cdn.example.org/ep.mp4", "https://cdn.example.org/ep.mp3", "https://cdn.example.org/ep.ogg",
        ])
        #expect(feed.items[1].durationSeconds == 2710)
        #expect(feed.items[1].explicit == true)
    }

    @Test func publisherHintsAreExposedForTheScheduler() throws {
        let feed = try Self.parse("""
            <rss version="2.0" \(Self.namespaces)><channel><title>h</title><ttl>90</ttl>
            <sy:updatePeriod>daily</sy:updatePeriod><sy:updateFrequency>2</sy:updateFrequency>
            <skipHours><hour>0</hour><hour>1</hour><hour>23</hour></skipHours><skipDays><day>Saturday</day><day>Sunday</day></skipDays>
            <image><url>/logo.png</url><title>not the channel title</title><link>https://elsewhere.example/</link></image>
            </channel></rss>
            """)
        #expect(feed.title == "h")
        #expect(feed.link == nil)
        #expect(feed.image == "https://feeds.example.org/logo.png")
        #expect(feed.hints.ttlMinutes == 90)
        #expect(feed.hints.skipHours == [0, 1, 23])
        #expect(feed.hints.skipDays == ["Saturday", "Sunday"])
        #expect(feed.hints.minimumInterval == .seconds(43_200))  // daily, twice a day: 12 h beats 90 min
    }

    @Test func nestedRelativeXMLBaseAndUnsafeSchemes() throws {
        let feed = try Self.parse("""
            <feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://site.example/blog/">
            <link href="./"/>
            <entry xml:base="2026/"><id>1</id><link href="post.html"/></entry>
            <entry xml:base="/root/"><id>2</id><link href="../up.html"/></entry>
            <entry><id>3</id><link href="javascript:alert(1)"/></entry>
            <entry><id>4</id><link href="mailto:editor@site.example"/></entry>
            </feed>
            """, url: "https://mirror.example/atom.xml")
        #expect(feed.link == "https://site.example/blog/")
        #expect(feed.items.map(\.link) == [
            "https://site.example/blog/2026/post.html", "https://site.example/up.html", nil, "mailto:editor@site.example",
        ])
        #expect(feed.warnings.contains("1 link(s) with a scheme other than http, https or mailto dropped"))
    }

    @Test func unclosedHTMLInsideAFieldIsClosedWithIt() throws {
        let feed = try Self.parse("""
            <rss version="2.0"><channel><item><title>t</title><description>line<br>next<p>para</description>
            <link>https://x.example/1</link></item></channel></rss>
            """)
        #expect(feed.items.first?.summary == "line<br>next<p>para</p></br>")
        #expect(feed.items.first?.link == "https://x.example/1")
        #expect(feed.warnings.contains("2 unclosed element(s) closed"))
    }

    @Test func recoveredProblemsAreWarningsNotFailures() throws {
        let feed = try Self.parse("""
            <rss version="2.0"><channel><title>Tom & Jerry &copy; &bogus;</title>
            <item><title>one</title></span></item>
            <item><title>a < b &eacute;t&eacute;</title></item>
            <item><title>three
            """)
        #expect(feed.title == "Tom & Jerry © &bogus;")
        #expect(feed.items.map(\.title) == ["one", "a < b été"])
        for warning in [
            "1 unescaped \"&\" read as text", "1 unknown entity reference(s) kept as text",
            "1 \"<\" opening no tag read as text", "1 end tag(s) closing nothing dropped",
        ] {
            #expect(feed.warnings.contains(warning), "\(feed.warnings)")
        }
        #expect(feed.warnings.contains("the document ends inside an item: that item was dropped"))
    }
}

/// Fields that come from elsewhere than the element the format names: Dublin Core, iTunes, Media RSS,
/// and authors written in the ways RSS feeds write them.
struct FieldFallbackTests {
    static let authors: [(xml: String, expected: String)] = [
        ("jane@example.org (Jane Doe)", "Jane Doe"),
        ("Jane Doe (jane@example.org)", "Jane Doe"),
        ("Jane Doe &lt;jane@example.org&gt;", "Jane Doe"),
        ("jane@example.org", "jane@example.org"),
        ("Jean (le Grand)", "Jean (le Grand)"),
        ("<name>Ana Lima</name><title>Rédactrice en chef</title>", "Ana Lima"),
        ("<name>  Ana &amp; Bo </name><email>ana@example.org</email>", "Ana & Bo"),
        ("<email>ana@example.org</email><title>Editor</title>", "ana@example.org Editor"),
        ("nobody@photos.example.com (\"Saanvi K.\")", "Saanvi K."),
        ("\"Quoted\" Writer (q@example.org)", "\"Quoted\" Writer"),
    ]

    @Test(arguments: authors) func rssAuthor(_ example: (xml: String, expected: String)) throws {
        let feed = try FieldTests.parse("<rss version=\"2.0\"><channel><item><author>\(example.xml)</author></item></channel></rss>")
        #expect(feed.items.first?.authors == [example.expected])
    }

    @Test func atomEntriesWithoutAnAuthorHaveTheFeeds() throws {
        let feed = try FieldTests.parse("""
            <feed xmlns="http://www.w3.org/2005/Atom"><title>T</title>
            <author><name>Maren Aalto</name><email>maren@example.org</email></author>
            <author><name>Tomás Ibarra</name></author>
            <entry><title>a</title><id>a</id></entry>
            <entry><title>b</title><id>b</id><author><name>Guest Writer</name></author></entry>
            </feed>
            """)
        #expect(feed.items.map(\.authors) == [["Maren Aalto", "Tomás Ibarra"], ["Guest Writer"]])
    }

    @Test func summaryFallsBackInOrder() throws {
        let elements = [
            "<description>d</description>", "<dc:description>dc</dc:description>", "<itunes:summary>is</itunes:summary>",
            "<itunes:subtitle>st</itunes:subtitle>", "<media:description>md</media:description>",
        ]
        let expected = ["d", "dc", "is", "st", "md"]
        for first in elements.indices {
            // Written last to first: the order in the document does not matter.
            let item = elements[first...].reversed().joined()
            let feed = try FieldTests.parse("<rss version=\"2.0\" \(FieldTests.namespaces)><channel><item>\(item)</item></channel></rss>")
            #expect(feed.items.first?.summary == expected[first])
        }
    }

    @Test func rss10ItemsTakeDublinCoreTitleAndDescription() throws {
        let feed = try FieldTests.parse("""
            <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
              xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/">
            <channel rdf:about="https://example.org/"><title>c</title></channel>
            <item rdf:about="https://example.org/1"><dc:title>Titre DC</dc:title><dc:description>Résumé DC</dc:description>
            <dcterms:created>2026-10-01T08:00:00Z</dcterms:created><dcterms:modified>2026-10-02T08:00:00Z</dcterms:modified></item>
            </rdf:RDF>
            """)
        let item = try #require(feed.items.first)
        #expect(item.title == "Titre DC")
        #expect(item.summary == "Résumé DC")
        #expect(item.published.map(UTCTimestamp.format) == "2026-10-01T08:00:00Z")
        #expect(item.updated.map(UTCTimestamp.format) == "2026-10-02T08:00:00Z")
    }

    @Test func categoriesFromITunesAndMediaRSS() throws {
        let feed = try FieldTests.parse("""
            <rss version="2.0" \(FieldTests.namespaces)><channel><item>
            <itunes:category text="Technology"><itunes:category text="Tech News"/></itunes:category>
            <media:category scheme="urn:example">Arts/Photography</media:category><category>Technology</category>
            </item></channel></rss>
            """)
        #expect(feed.items.first?.categories == ["Technology", "Tech News", "Arts/Photography"])
    }
}
