import FeedArticle
import Foundation
import Testing

/// The fixture pages (`Fixtures/Pages`, written for these tests in the shapes of real sites): each page's
/// extracted text must be exactly its `.expected.txt`; a page whose expected text is `NO ARTICLE` must give
/// no article.
struct ArticlePageTests {
    static let pagesDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/Pages")

    static var pageNames: [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: pagesDirectory.path)) ?? []
        return names.filter { $0.hasSuffix(".html") }.map { String($0.dropLast(5)) }.sorted()
    }

    struct Meta: Decodable {
        var url: String
        var title: String?
        var byline: String?
    }

    @Test func everyFixtureHasItsExpectedText() {
        #expect(Self.pageNames.count >= 10)
    }

    @Test(arguments: pageNames)
    func extractsExactlyTheArticle(_ name: String) throws {
        let page = try Data(contentsOf: Self.pagesDirectory.appendingPathComponent("\(name).html"))
        let expected = try String(contentsOf: Self.pagesDirectory.appendingPathComponent("\(name).expected.txt"), encoding: .utf8)
        let meta = try JSONDecoder().decode(Meta.self, from: Data(contentsOf: Self.pagesDirectory.appendingPathComponent("\(name).meta.json")))
        let result = ArticleExtractor.extract(page: Array(page), contentType: "text/html", url: URL(string: meta.url))
        if expected.trimmingCharacters(in: .whitespacesAndNewlines) == "NO ARTICLE" {
            guard case .failure(.noArticle) = result else {
                Issue.record("\(name): expected no article, got \(result)")
                return
            }
            return
        }
        let article = try result.get()
        #expect(article.text + "\n" == expected, "\(name)")
        if let title = meta.title { #expect(article.title == title) }
        #expect(article.byline == meta.byline)
        // What the article's HTML may never carry.
        for banned in ["<script", "<style", "<iframe", "<form", "<input", "javascript:", " onclick", " onload", "data:"] {
            #expect(!article.html.lowercased().contains(banned), "\(name): \(banned)")
        }
    }
}
