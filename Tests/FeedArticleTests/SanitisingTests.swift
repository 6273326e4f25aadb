import FeedArticle
import Foundation
import Testing

/// What survives into an article's HTML: the allow-list, and links made absolute.
struct SanitisingTests {
    /// A page whose one article is `body`, padded with prose so that it counts as an article.
    static func page(_ body: String, head: String = "") -> [UInt8] {
        let prose = (1...6).map { "<p>Paragraph \($0) of the article, long enough to count as prose, with a comma, and more words to read here.</p>" }
        return Array("<html><head><title>T</title>\(head)</head><body><article><h1>T</h1>\(body)\(prose.joined())</article></body></html>".utf8)
    }

    static func html(_ body: String, head: String = "", url: String? = "https://news.example.org/2026/12/story.html") throws -> String {
        try ArticleExtractor.extract(page: page(body, head: head), contentType: "text/html", url: url.flatMap(URL.init(string:))).get().html
    }

    @Test func scriptsFormsFramesAndHandlersAreGone() throws {
        let html = try Self.html("""
            <p onclick="steal()" style="color:red" class="x">Kept <b onmouseover="x()">bold</b> text, with words and more words.</p>
            <script>alert(1)</script><style>p{}</style><iframe src="https://evil.example/"></iframe>
            <form action="/login"><input name="password"><button>Go</button></form>
            <object data="x.swf"></object><embed src="x.swf"><svg><script>alert(2)</script></svg>
            <p>After, <a href="javascript:alert(3)">a bad link</a>, <a href=" JAVASCRIPT:alert(4)">another</a>, and <a href="data:text/html,x">data</a>.</p>
            <p><img src="data:image/png;base64,AAAA" alt="inline"><img src="x.png" onerror="alert(5)" alt="real"></p>
            """)
        #expect(html.contains("<p>Kept <b>bold</b> text, with words and more words.</p>"))
        for banned in ["script", "style", "iframe", "form", "input", "button", "object", "embed", "svg", "onclick", "onerror", "onmouseover", "javascript", "data:", "alert"] {
            #expect(!html.lowercased().contains(banned), "\(banned) in \(html)")
        }
        #expect(html.contains("<p>After, <a>a bad link</a>, <a>another</a>, and <a>data</a>.</p>"))
        #expect(html.contains("<img src=\"https://news.example.org/2026/12/x.png\" alt=\"real\">"))
    }

    @Test func relativeLinksBecomeAbsoluteAgainstThePageOrItsBase() throws {
        let html = try Self.html("<p>See <a href=\"../11/older.html#part\">the older one</a> and <a href=\"/about\">us</a>, with words enough.</p>")
        #expect(html.contains("href=\"https://news.example.org/2026/11/older.html#part\""))
        #expect(html.contains("href=\"https://news.example.org/about\""))
        let based = try Self.html("<p>See <a href=\"page\">this</a>, a link with words around it.</p>", head: "<base href=\"https://cdn.example.net/x/\">")
        #expect(based.contains("href=\"https://cdn.example.net/x/page\""))
    }

    @Test func lazyImagesUseTheirRealSource() throws {
        let html = try Self.html("<figure><img src=\"data:image/gif;base64,R0lGOD\" data-src=\"/img/photo.jpg\" alt=\"A photo\"><figcaption>The photo.</figcaption></figure>")
        #expect(html.contains("<figure><img src=\"https://news.example.org/img/photo.jpg\" alt=\"A photo\"><figcaption>The photo.</figcaption></figure>"))
    }

    @Test func textIsEscapedAndTitlesWithMarkupCharactersSurvive() throws {
        let page = Array("""
            <html><head><title>Why Vec&lt;T&gt; &amp; Box&lt;dyn Fn&gt; differ</title></head><body><article>
            <h1>Why Vec&lt;T&gt; &amp; Box&lt;dyn Fn&gt; differ</h1>
            <p>A <code>Vec&lt;T&gt;</code> owns its items &amp; grows; a <code>&lt;dialog&gt;</code> is not one, and neither is this sentence.</p>
            <p>More words follow here, to make an article of it, with commas, and clauses, and an ending that is long enough.</p>
            <p>Still more words, because the extractor wants forty of them at least before it calls this an article.</p>
            </article></body></html>
            """.utf8)
        let article = try ArticleExtractor.extract(page: page, contentType: nil, url: nil).get()
        #expect(article.title == "Why Vec<T> & Box<dyn Fn> differ")
        #expect(article.html.contains("<code>Vec&lt;T&gt;</code> owns its items &amp; grows"))
        #expect(article.text.hasPrefix("Why Vec<T> & Box<dyn Fn> differ\n\nA Vec<T> owns its items & grows; a <dialog> is not one"))
    }
}
