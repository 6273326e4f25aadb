import FeedParser
import Foundation
import Testing

/// OPML lists from other readers (folders) and from feedd itself (folders and categories) read back as
/// the same feeds, names and tags.
struct OPMLTests {
    /// Shaped like an export from a web reader: folders, one feed in two folders, a feed at the top level,
    /// a link outline that is not a feed, `&amp;` and a character reference in titles.
    static let fromAnotherReader = """
        <?xml version="1.0" encoding="UTF-8"?>
        <opml version="1.0">
          <head><title>Abonnements</title></head>
          <body>
            <outline text="Tech" title="Tech">
              <outline text="Le Carnet du Libriste" type="rss" xmlUrl="https://carnet-libriste.example.fr/feed/" htmlUrl="https://carnet-libriste.example.fr/"/>
              <outline text="Swift &amp; Linux" type="rss" xmlUrl="https://swift.example.org/atom.xml"/>
              <outline text="Nested">
                <outline text="Deep" type="rss" xmlUrl="https://deep.example/rss"/>
              </outline>
            </outline>
            <outline text="Français">
              <outline text="Le Carnet du Libriste" type="rss" xmlUrl="https://carnet-libriste.example.fr/feed/"/>
            </outline>
            <outline text="Les Ondes &#171; Ouvertes &#187;" type="rss" xmlUrl="https://ondes.example/podcast.xml"/>
            <outline text="A bookmark" type="link" url="https://example.org/page"/>
          </body>
        </opml>
        """

    @Test func foldersBecomeTagsAndAFeedListedTwiceIsOneFeed() throws {
        let (feeds, warnings) = try OPML.read(Data(Self.fromAnotherReader.utf8))
        #expect(warnings.isEmpty)
        #expect(feeds == [
            OPMLFeed(url: "https://carnet-libriste.example.fr/feed/", title: "Le Carnet du Libriste", siteURL: "https://carnet-libriste.example.fr/", tags: ["Tech", "Français"]),
            OPMLFeed(url: "https://swift.example.org/atom.xml", title: "Swift & Linux", tags: ["Tech"]),
            OPMLFeed(url: "https://deep.example/rss", title: "Deep", tags: ["Tech", "Nested"]),
            OPMLFeed(url: "https://ondes.example/podcast.xml", title: "Les Ondes « Ouvertes »"),
        ])
    }

    @Test func whatFeeddWritesReadsBackTheSame() throws {
        let feeds = [
            OPMLFeed(url: "https://a.example/feed?x=1&y=2", title: "A <b>&</b> \"quoted\"", siteURL: "https://a.example/", tags: ["fr", "tech"]),
            OPMLFeed(url: "https://b.example/rss", title: "B", tags: ["tech"]),
            OPMLFeed(url: "https://c.example/atom", title: "C\u{1B}[31m red", tags: []),
            OPMLFeed(url: "file:/srv/feeds/local.xml", title: "Local", tags: ["a,b", "news/tech"]),
        ]
        let text = OPML.write(feeds, title: "feedd subscriptions", date: Date(timeIntervalSince1970: 1_800_000_000))
        #expect(text.contains("<opml version=\"2.0\">"))
        #expect(text.contains("<dateCreated>Fri, 15 Jan 2027 08:00:00 GMT</dateCreated>"))
        #expect(!text.unicodeScalars.contains("\u{1B}"), "XML cannot carry ESC: it is dropped")
        let back = try OPML.read(Data(text.utf8)).feeds
        #expect(back.map(\.url) == feeds.map(\.url))
        #expect(back.map(\.tags) == [["fr", "tech"], ["tech"], [], ["a,b", "news/tech"]])
        #expect(back.map(\.title) == ["A <b>&</b> \"quoted\"", "B", "C[31m red", "Local"])
        #expect(back.first?.siteURL == "https://a.example/")
        #expect(OPML.write(back, title: "feedd subscriptions", date: Date(timeIntervalSince1970: 1_800_000_000)).count > 0)
    }

    @Test func somethingElseIsRefusedAndEntitiesAreNeverLoaded() throws {
        #expect(throws: FeedParseError.self) { try OPML.read(Data("<rss version=\"2.0\"><channel/></rss>".utf8)) }
        #expect(throws: FeedParseError.self) { try OPML.read(Data("not xml at all".utf8)) }
        let hostile = """
            <?xml version="1.0"?>
            <!DOCTYPE opml [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
            <opml version="2.0"><body><outline text="&secret;" xmlUrl="https://x.example/&secret;"/></body></opml>
            """
        let feeds = try OPML.read(Data(hostile.utf8)).feeds
        #expect(!feeds.contains { ($0.title ?? "").contains("root:") || $0.url.contains("root:") })
    }

    @Test func aTruncatedListGivesWhatItHoldsAndSaysSo() throws {
        let end = try #require(Self.fromAnotherReader.range(of: "atom.xml\"/>")).upperBound
        let cut = String(Self.fromAnotherReader[..<end])
        let (feeds, warnings) = try OPML.read(Data(cut.utf8))
        #expect(feeds.map(\.url) == ["https://carnet-libriste.example.fr/feed/", "https://swift.example.org/atom.xml"])
        #expect(!warnings.isEmpty)
    }

    @Test func categoryPathsFromOtherReadersKeepTheirSegments() throws {
        let text = "<opml version=\"2.0\"><body><outline text=\"S\" xmlUrl=\"https://s.example/\" category=\"/Tech/Swift, /News\"/></body></opml>"
        #expect(try OPML.read(Data(text.utf8)).feeds.first?.tags == ["Tech/Swift", "News"])
    }

    @Test func latin1ListsAreDecoded() throws {
        var data = Data("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><opml version=\"1.1\"><body><outline text=\"".utf8)
        data.append(contentsOf: [0x46, 0x72, 0x61, 0x6E, 0xE7, 0x61, 0x69, 0x73])  // "Français" in Latin-1
        data.append(Data("\" xmlUrl=\"https://fr.example/rss\"/></body></opml>".utf8))
        #expect(try OPML.read(data).feeds.first?.title == "Français")
    }
}
