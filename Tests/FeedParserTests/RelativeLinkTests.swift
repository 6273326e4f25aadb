import Foundation
import Testing

@testable import FeedParser

/// Relative `href`/`src` inside summaries and contents, and a `file:` feed's relative item links.
struct RelativeLinkTests {
    static let page = URL(string: "https://blog.example/2024/01/entry.html")

    @Test(arguments: [
        ("<a href=\"/about\">me</a>", "<a href=\"https://blog.example/about\">me</a>"),
        ("<img src='img/cat.png' alt=cat>", "<img src=\"https://blog.example/2024/01/img/cat.png\" alt=cat>"),
        ("<a href=../index.html>up</a>", "<a href=\"https://blog.example/2024/index.html\">up</a>"),
        ("<A HREF = \"/x\">X</A>", "<A HREF=\"https://blog.example/x\">X</A>"),
        ("<a href=\"?page=2&amp;sort=new\">next</a>", "<a href=\"https://blog.example/2024/01/entry.html?page=2&amp;sort=new\">next</a>"),
        ("<a href=\"#note-1\">1</a>", "<a href=\"https://blog.example/2024/01/entry.html#note-1\">1</a>"),
        ("<script src=\"//cdn.example/a.js\"></script>", "<script src=\"https://cdn.example/a.js\"></script>"),
        ("<img srcset=\"a.jpg 1x, /b.jpg 2x\">", "<img srcset=\"https://blog.example/2024/01/a.jpg 1x, https://blog.example/b.jpg 2x\">"),
        ("<video poster=\"p.jpg\"></video>", "<video poster=\"https://blog.example/2024/01/p.jpg\"></video>"),
        ("<blockquote cite=\"/src\">q</blockquote>", "<blockquote cite=\"https://blog.example/src\">q</blockquote>"),
        ("<a title=\"href=/x\" href=\"/y\">t</a>", "<a title=\"href=/x\" href=\"https://blog.example/y\">t</a>"),
        ("<img src=\"a b.png\"/>", "<img src=\"https://blog.example/2024/01/a%20b.png\"/>"),
        // Left as written: absolute links, other schemes, text that only looks like an attribute.
        ("<a href=\"https://other.example/p\">p</a>", "<a href=\"https://other.example/p\">p</a>"),
        ("<a href=\"mailto:me@blog.example\">mail</a>", "<a href=\"mailto:me@blog.example\">mail</a>"),
        ("<a href=\"javascript:alert(1)\">x</a>", "<a href=\"javascript:alert(1)\">x</a>"),
        ("<img src=\"data:image/png;base64,AAAA\">", "<img src=\"data:image/png;base64,AAAA\">"),
        ("<p>set href=/x in the config; Vec<T> src=y</p>", "<p>set href=/x in the config; Vec<T> src=y</p>"),
        ("<a href=\"\">empty</a>", "<a href=\"\">empty</a>"),
        ("no markup at all", "no markup at all"),
        ("<a href=\"/unclosed", "<a href=\"https://blog.example/unclosed\""),
    ])
    func attributesResolveAgainstThePage(_ html: String, _ expected: String) {
        #expect(RelativeLinks.resolvingLinks(inHTML: html) { Self.page } == expected)
    }

    @Test func aFileBaseChangesNothing() {
        let html = "<a href=\"/about\">me</a>"
        #expect(RelativeLinks.resolvingLinks(inHTML: html) { URL(string: "file:///home/me/feed.xml") } == html)
        #expect(RelativeLinks.resolvingLinks(inHTML: html) { nil } == html)
    }

    @Test func bodiesResolveAgainstXMLBaseThenTheItemLinkThenTheFeed() throws {
        let rss = """
            <rss version="2.0"><channel><title>B</title><link>https://blog.example/</link>
            <item><title>One</title><link>https://blog.example/posts/one/</link>
            <description>&lt;a href="../two/"&gt;two&lt;/a&gt;</description></item>
            <item><title>No link</title><description>&lt;img src="pic.png"&gt;</description></item>
            </channel></rss>
            """
        let feed = try StreamingFeedParser.parse(Data(rss.utf8), url: URL(string: "https://feeds.example/blog/rss"))
        #expect(feed.items[0].summary == "<a href=\"https://blog.example/posts/two/\">two</a>")
        #expect(feed.items[1].summary == "<img src=\"https://feeds.example/blog/pic.png\">")

        let atom = """
            <feed xmlns="http://www.w3.org/2005/Atom"><title>A</title>
            <entry><title>E</title><link href="https://site.example/e/1"/>
            <content type="html" xml:base="https://static.example/media/">&lt;img src="x.png"&gt;</content>
            <summary type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><a href="2">next</a></div></summary></entry>
            </feed>
            """
        let entry = try #require(try StreamingFeedParser.parse(Data(atom.utf8), url: URL(string: "https://site.example/atom")).items.first)
        #expect(entry.content == "<img src=\"https://static.example/media/x.png\">")
        #expect(entry.summary == "<a href=\"https://site.example/e/2\">next</a>")
    }

    @Test func aFileFeedResolvesItemLinksAgainstItsSiteLink() throws {
        let rss = """
            <rss version="2.0"><channel><title>Local</title><link>https://site.example/blog/</link>
            <item><title>A</title><link>posts/a.html</link><description>&lt;a href="b.html"&gt;b&lt;/a&gt;</description></item>
            </channel></rss>
            """
        let item = try #require(try StreamingFeedParser.parse(Data(rss.utf8), url: URL(string: "file:///srv/feeds/local.xml")).items.first)
        #expect(item.link == "https://site.example/blog/posts/a.html")
        #expect(item.summary == "<a href=\"https://site.example/blog/posts/b.html\">b</a>")

        // Without a site link, a relative link in a file feed has nothing to resolve against: it is dropped.
        let bare = rss.replacingOccurrences(of: "<link>https://site.example/blog/</link>", with: "")
        #expect(try StreamingFeedParser.parse(Data(bare.utf8), url: URL(string: "file:///srv/feeds/local.xml")).items.first?.link == nil)
    }

    @Test func jsonFeedContentResolvesAgainstTheItemURL() throws {
        let json = """
            {"version": "https://jsonfeed.org/version/1.1", "title": "J", "home_page_url": "https://j.example/",
             "items": [{"id": "1", "url": "https://j.example/notes/1", "content_html": "<img src=\\"fig.svg\\">"},
                       {"id": "2", "content_html": "<a href=\\"/tags/swift\\">swift</a>"}]}
            """
        let feed = try StreamingFeedParser.parse(Data(json.utf8), url: URL(string: "https://j.example/feed.json"))
        #expect(feed.items.map(\.content) == ["<img src=\"https://j.example/notes/fig.svg\">", "<a href=\"https://j.example/tags/swift\">swift</a>"])
    }

    /// Paths from the root are joined to the base's origin without Foundation's parser: the result is what
    /// Foundation's resolution gives.
    @Test func pathsFromTheRootResolveAsFoundationResolvesThem() throws {
        let bases = ["https://code.example.org/", "http://a.example:8080/x/y", "https://b.example/feeds/rss?x=1", "https://Mixed.Example/",
                     "https://user@c.example/"]
        let paths = ["/releases/1", "/a/./b", "/a/../b", "/q?x=1&y=2#f", "/%41b", "/é", "/", "/a b", "/~me/", "/a:b"]
        for base in bases {
            for path in paths {
                let atom = "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:base=\"\(base)\"><title>A</title>"
                    + "<entry><title>E</title><link href=\"\(path.replacingOccurrences(of: "&", with: "&amp;"))\"/></entry></feed>"
                let parsed = try StreamingFeedParser.parse(Data(atom.utf8), url: URL(string: "https://feeds.example/atom"))
                let foundation = RelativeLinks.absoluteURL(path, base: URL(string: base))?.absoluteString
                #expect(parsed.items.first?.link == foundation, "\(base) + \(path)")
            }
        }
    }
}

