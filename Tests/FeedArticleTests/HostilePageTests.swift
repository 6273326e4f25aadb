import FeedArticle
import Foundation
import Testing

/// Pages built to hurt an extractor. Each gives a bounded result or a failure, never a crash or a stuck
/// worker: the size limit is checked before parsing, `HTMLTree` caps depth and node count, scripts' text is
/// never stored, and every walk over the tree is iterative or bounded by the depth cap. Speed and memory on
/// big pages are `feedbench extract`'s to measure, not these tests'.
struct HostilePageTests {
    static let prose = (1...6).map { "<p>Sentence \($0) of the real article, with enough words, and commas, to be read as prose.</p>" }.joined()

    @Test func aPageOverTheLimitIsRefusedUnread() {
        let page = [UInt8](repeating: UInt8(ascii: "a"), count: 20 << 20)
        #expect(ArticleExtractor.extract(page: page, contentType: "text/html", url: nil) == .failure(.tooLarge(bytes: 20 << 20)))
    }

    @Test func whatIsNotHTMLIsSaidSo() {
        #expect(ArticleExtractor.extract(page: Array("%PDF-1.7 ...".utf8), contentType: "application/pdf", url: nil) == .failure(.notHTML("application/pdf")))
        #expect(ArticleExtractor.extract(page: Array("{\"a\": 1}".utf8), contentType: nil, url: nil) == .failure(.notHTML("JSON")))
        #expect(ArticleExtractor.extract(page: [0x89, 0x50, 0x4E, 0x47, 0, 0, 0, 0x0D], contentType: nil, url: nil) == .failure(.notHTML("binary data")))
        #expect(ArticleExtractor.extract(page: [], contentType: nil, url: nil) == .failure(.noArticle(words: 0, video: false)))
    }

    @Test func nestingAHundredThousandDeepIsBounded() throws {
        let depth = 100_000
        let page = "<html><body><article><h1>Deep</h1>" + Self.prose + String(repeating: "<div>", count: depth) + "bottom"
            + String(repeating: "</div>", count: depth) + "</article></body></html>"
        let article = try ArticleExtractor.extract(page: Array(page.utf8), contentType: nil, url: nil).get()
        #expect(article.text.contains("Sentence 6 of the real article"))
        let unclosed = "<html><body><article><h1>Deep</h1>" + Self.prose + String(repeating: "<span><b>", count: depth)
        #expect(throws: Never.self) { _ = ArticleExtractor.extract(page: Array(unclosed.utf8), contentType: nil, url: nil) }
    }

    @Test func aPageFullOfScriptsKeepsNoneOfThem() throws {
        let script = "<script>var s = '<p>" + String(repeating: "fake text, ", count: 200) + "</p>'; document.write(s);</script>"
        let page = "<html><head>" + String(repeating: script, count: 500) + "</head><body>" + String(repeating: script, count: 500)
            + "<article><h1>Real</h1>" + Self.prose + "</article>" + String(repeating: script, count: 500) + "</body></html>"
        let article = try ArticleExtractor.extract(page: Array(page.utf8), contentType: nil, url: nil).get()
        #expect(!article.text.contains("fake"))
        #expect(article.text.hasPrefix("Real\n\nSentence 1"))
    }

    @Test func brokenMarkupStillGivesTheText() throws {
        let page = "<html><body><div class=entry-content><h1>Broken</h1><p>Unclosed <b>bold <i>and italic<p>Next paragraph & stray < signs, "
            + "<a href=x>a link</b></a> and more words to read.</div></span></p></td><li>stray item" + Self.prose + "<p>The end<"
        let article = try ArticleExtractor.extract(page: Array(page.utf8), contentType: nil, url: nil).get()
        #expect(article.text.contains("Next paragraph & stray < signs"))
        #expect(article.text.contains("Sentence 6 of the real article"))
    }

    @Test func entitiesAreNotExpandedFromADoctype() throws {
        let page = """
            <!DOCTYPE html [<!ENTITY big "\(String(repeating: "x", count: 10_000))"><!ENTITY xxe SYSTEM "file:///etc/passwd">]>
            <html><body><article><h1>Entities</h1><p>&big;&big;&xxe; and then</p>\(Self.prose)</article></body></html>
            """
        let article = try ArticleExtractor.extract(page: Array(page.utf8), contentType: nil, url: nil).get()
        #expect(!article.text.contains("xxxxxxxxxx"))
        #expect(!article.text.contains("root:"))
    }

    @Test func controlCharactersAndEscapesNeverReachTheText() throws {
        let page = "<html><body><article><h1>Esc\u{1B}[31mape</h1><p>Bell\u{07} and \u{1B}]0;title\u{07} escapes, with more words here.</p>"
            + Self.prose + "</article></body></html>"
        let article = try ArticleExtractor.extract(page: Array(page.utf8), contentType: nil, url: nil).get()
        #expect(!article.text.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" })
        #expect(!article.html.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" && $0 != "\t" && $0 != "\r" })
    }
}
