import FeedStore
import Foundation
import TestSupport
import Testing

struct StoredArticleTests {
    @Test func keptReadBackReplacedAndPruned() throws {
        let directory = try TemporaryDirectory()
        let store = try FeedStore(directory: directory.url)
        let fetched = Date(timeIntervalSince1970: 1_796_000_000)
        let article = StoredArticle(id: "a1b2c3d4e5", page: "https://example.org/a", fetched: fetched, title: "A", html: "<p>x</p>", words: 1)
        try store.save(article)
        #expect(store.article(id: "a1b2c3d4e5") == article)
        #expect(FileManager.default.fileExists(atPath: directory.url.path + "/articles/a1/a1b2c3d4e5.json"))
        let failed = StoredArticle(id: "a1b2c3d4e5", page: "https://example.org/a", fetched: fetched, failure: "HTTP 404")
        try store.save(failed)
        #expect(store.article(id: "a1b2c3d4e5") == failed)
        try store.save(StoredArticle(id: "ffee0011", page: "https://example.org/b", fetched: fetched, failure: "HTTP 500"))

        // Only what is older than `before` and not kept goes.
        #expect(store.pruneArticles(keeping: [], before: Date(timeIntervalSinceNow: -3600)) == 0)
        #expect(store.pruneArticles(keeping: ["ffee0011"], before: Date(timeIntervalSinceNow: 60)) == 1)
        #expect(store.article(id: "a1b2c3d4e5") == nil)
        #expect(store.article(id: "ffee0011")?.failure == "HTTP 500")
    }

    @Test func anIDThatIsNotHexNamesNoFileAndADamagedFileIsNone() throws {
        let directory = try TemporaryDirectory()
        let store = try FeedStore(directory: directory.url)
        #expect(throws: StoreError.self) { try store.save(StoredArticle(id: "../../etc", page: "x", fetched: Date())) }
        #expect(store.article(id: "../../etc/passwd") == nil)
        try FileManager.default.createDirectory(atPath: directory.url.path + "/articles/ab", withIntermediateDirectories: true)
        try Data("{not json".utf8).write(to: directory.url.appendingPathComponent("articles/ab/abcdef.json"))
        #expect(store.article(id: "abcdef") == nil)
        #expect(store.warnings.drain().first?.contains("unreadable article") == true)
    }
}
