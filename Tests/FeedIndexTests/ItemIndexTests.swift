import FeedCore
@testable import FeedIndex
import FeedModel
import FeedStore
import Foundation
import GRDB
import TestSupport
import Testing

struct ItemIndexTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    /// Stores `items` as the feed at `url` would have them after a fetch.
    func store(_ items: [ParsedItem], url: String, in store: FeedStore, title: String = "Feed") throws {
        let previous = try store.loadFeed(url: url) ?? StoredFeed(url: url, title: title)
        let feed = ItemMerge.merge(previous, document: items, now: now) { _ in false }.feed
        try store.transaction { held throws(StoreError) in try held.saveFeed(feed) }
    }

    func item(_ number: Int, site: String = "a", title: String? = nil, content: String? = nil, authors: [String] = [], categories: [String] = []) -> ParsedItem {
        ParsedItem(
            id: "https://\(site).example.org/\(number)", title: title ?? "Item \(number)", link: "https://\(site).example.org/\(number)",
            published: now.addingTimeInterval(Double(number) * 60), authors: authors, categories: categories,
            content: content)
    }

    @Test func updatesOnlyTheFeedFilesThatChanged() throws {
        let directory = try TemporaryDirectory()
        let feedStore = try FeedStore(directory: directory.url)
        try store((0..<5).map { item($0, site: "a") }, url: "https://a.example.org/feed", in: feedStore)
        try store((0..<3).map { item($0, site: "b") }, url: "https://b.example.org/feed", in: feedStore)
        let (index, warning) = try ItemIndex.open(store: feedStore)
        #expect(warning == nil)
        #expect(try index.entries().count == 8)
        #expect(try index.update() == 0, "nothing changed")

        try store((0..<6).map { item($0, site: "a") }, url: "https://a.example.org/feed", in: feedStore)
        #expect(try index.update() == 1)
        #expect(try index.entries(limit: 1).map(\.title) == ["Item 5"], "newest first")
        #expect(try index.entries().count == 9)

        _ = try feedStore.removeFeed(url: "https://b.example.org/feed")
        #expect(try index.update() == 0, "a removed file is dropped, not read")
        #expect(try index.entries().count == 6)
        #expect(try index.entries().allSatisfy { $0.feeds == ["https://a.example.org/feed"] })

        // Reopened from disk, it is up to date already.
        let (reopened, _) = try ItemIndex.open(store: feedStore)
        #expect(reopened.path == index.path)
        #expect(try reopened.update() == 0)
    }

    @Test func aFeedsFolderUnchangedSinceTheLastUpdateIsNotScanned() throws {
        let directory = try TemporaryDirectory()
        let feedStore = try FeedStore(directory: directory.url)
        try store((0..<5).map { item($0) }, url: "https://a.example.org/feed", in: feedStore)
        let later = Date().addingTimeInterval(10)  // the folder's last change well in the past
        let (index, _) = try ItemIndex.open(store: feedStore, now: later)
        #expect(try index.entries().count == 5)

        // A file changed in place leaves the folder as it was: the index trusts the folder and reads nothing
        // (the store never writes so; a scan would have read it).
        let file = try #require(try FileManager.default.contentsOfDirectory(atPath: directory.url.path + "/feeds").first)
        let path = directory.url.path + "/feeds/" + file
        let original = try Data(contentsOf: URL(fileURLWithPath: path))
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.write(contentsOf: original + Data(" ".utf8))
        try handle.close()
        #expect(try index.update(now: later) == 0, "the folder's stamp is the one recorded")

        // A store write renames a new version into the folder, which changes it: that file is read again.
        try store((0..<6).map { item($0) }, url: "https://a.example.org/feed", in: feedStore)
        #expect(try index.update(now: later) == 1)
        #expect(try index.entries().count == 6)
        #expect(try index.update(now: later) == 0)

        // Within the margin of a change, the folder's stamp is not trusted: every file's is looked at.
        let again = try #require(FileHandle(forWritingAtPath: path))
        try again.write(contentsOf: Data(contentsOf: URL(fileURLWithPath: path)) + Data(" ".utf8))
        try again.close()
        #expect(try index.update(now: Date()) == 1)
    }

    @Test func anIndexBuiltAgainForAnotherSchemaForgetsTheFolderStamp() throws {
        let directory = try TemporaryDirectory()
        let feedStore = try FeedStore(directory: directory.url)
        try store((0..<4).map { item($0) }, url: "https://a.example.org/feed", in: feedStore)
        let later = Date().addingTimeInterval(10)
        let (index, _) = try ItemIndex.open(store: feedStore, now: later)
        try index.database.write { db in try db.execute(sql: "PRAGMA user_version = 0") }
        // Reopened, its tables are made again, empty: a folder stamp kept from before would leave them so.
        let (rebuilt, _) = try ItemIndex.open(store: feedStore, now: later)
        #expect(try rebuilt.entries().count == 4)
    }

    @Test func oneArticleInTwoFeedsIsOneEntryWithBothFeeds() throws {
        let directory = try TemporaryDirectory()
        let feedStore = try FeedStore(directory: directory.url)
        try store([item(1, site: "blog")], url: "https://blog.example.org/feed", in: feedStore)
        try store([item(1, site: "blog"), item(2, site: "other")], url: "https://planet.example.org/feed", in: feedStore)
        let (index, _) = try ItemIndex.open(store: feedStore)
        let entries = try index.entries()
        #expect(entries.count == 2)
        let shared = try #require(entries.first { $0.link == "https://blog.example.org/1" })
        #expect(Set(shared.feeds) == ["https://blog.example.org/feed", "https://planet.example.org/feed"])
        #expect(try index.files(holding: shared.key).count == 2)
    }

    @Test func entriesGiveBackAuthorsAndCategoriesAsStored() throws {
        let directory = try TemporaryDirectory()
        let feedStore = try FeedStore(directory: directory.url)
        let lists: [(authors: [String], categories: [String])] = [
            ([], []), (["Zoé Martin"], ["Rust"]), (["李雷", "Ana María", "👩🏽‍💻 dev"], ["Vec<T>", "«  », ; ,", "e\u{301}"]),
        ]
        try store(
            lists.enumerated().map { item($0.offset, authors: $0.element.authors, categories: $0.element.categories) },
            url: "https://a.example.org/feed", in: feedStore)
        let (index, _) = try ItemIndex.open(store: feedStore)
        let entries = try index.entries().sorted { $0.sortDate < $1.sortDate }
        #expect(entries.map(\.authors) == lists.map(\.authors))
        #expect(entries.map(\.categories) == lists.map(\.categories))
    }

    @Test func searchFindsWordsByTheirBeginningAnywhereInTheText() throws {
        let directory = try TemporaryDirectory()
        let feedStore = try FeedStore(directory: directory.url)
        let long = String(repeating: "Du texte sans rapport, encore et encore. ", count: 12)  // about 480 characters
        try store(
            [
                item(1, title: "Déployer sur Kubernetes", content: "<p>Un guide.</p>"),
                item(2, title: "Notes", content: "<p>\(long)Le mot caché : <em>Wayland</em>.</p>"),
                item(3, title: "Été 2026 : Vec<T>", content: "<p>Version 6.3.1 publi&eacute;e &amp; sign&eacute;e</p>", categories: ["Rust"]),
                item(4, title: "Une annonce", content: "<p>Release candidate de Swift</p>", authors: ["Zoé Martin"]),
                item(5, title: "Swift release", content: "<p>candidate? no: final</p>"),
            ], url: "https://a.example.org/feed", in: feedStore)
        let (index, _) = try ItemIndex.open(store: feedStore)
        func titles(_ text: String) throws -> [String] {
            let keys = try index.keys(matching: try #require(SearchQuery(text)))
            return try index.entries(keys: keys).compactMap(\.title).sorted()
        }
        #expect(try titles("kube") == ["Déployer sur Kubernetes"])
        #expect(try titles("deployer") == ["Déployer sur Kubernetes"], "accents ignored")
        #expect(try titles("WAYLAND") == ["Notes"], "a word past the first 280 characters, any case")
        #expect(try titles("ete 2026") == ["Été 2026 : Vec<T>"])
        #expect(try titles("6") == ["Été 2026 : Vec<T>"], "numbers are words")
        #expect(try titles("rust") == ["Été 2026 : Vec<T>"], "categories")
        #expect(try titles("zoe") == ["Une annonce"], "authors")
        #expect(try titles("swift candidate") == ["Swift release", "Une annonce"], "every word, anywhere")
        #expect(try titles("\"release candidate\"") == ["Une annonce"], "a phrase, whole")
        #expect(try titles("swift -final") == ["Une annonce"])
        #expect(try titles("-swift -kubernetes").count == 2)
        #expect(try titles("amp").isEmpty, "entities in HTML are decoded, not words")
        #expect(try titles("publiee signee") == ["Été 2026 : Vec<T>"])
        #expect(try titles("vec t") == ["Été 2026 : Vec<T>"], "a title is text: its <T> is not markup")
    }

    @Test func shortIDsAreUniqueOverTheWholeIndex() throws {
        let directory = try TemporaryDirectory()
        let feedStore = try FeedStore(directory: directory.url)
        try store((0..<400).map { item($0) }, url: "https://a.example.org/feed", in: feedStore)
        let (index, _) = try ItemIndex.open(store: feedStore)
        let ids = try index.entries().map(\.id)
        let few = try index.shortIDLengths(Array(ids.prefix(5)))  // by neighbours
        let all = try index.shortIDLengths(ids)  // in one pass
        for id in ids {
            let length = try #require(all[id])
            #expect(length >= ShortID.minimumLength)
            #expect(ids.filter { $0.hasPrefix(id.prefix(length)) } == [id])
            #expect(length == ShortID.minimumLength || ids.filter { $0.hasPrefix(id.prefix(length - 1)) }.count > 1)
            if let byNeighbours = few[id] { #expect(byNeighbours == length) }
            #expect(try index.items(idPrefix: String(id.prefix(length).uppercased())).map(\.id) == [id])
        }
    }

    @Test func aDamagedIndexIsBuiltAgain() throws {
        let directory = try TemporaryDirectory()
        let feedStore = try FeedStore(directory: directory.url)
        try store((0..<3).map { item($0) }, url: "https://a.example.org/feed", in: feedStore)
        try Data(String(repeating: "not a database ", count: 400).utf8).write(to: directory.url.appendingPathComponent(ItemIndex.fileName))
        let (index, warning) = try ItemIndex.open(store: feedStore)
        #expect(warning == nil)
        #expect(index.path != nil)
        #expect(try index.entries().count == 3)
    }

    @Test func anIndexThatCannotBeWrittenIsBuiltInMemory() throws {
        let directory = try TemporaryDirectory()
        let feedStore = try FeedStore(directory: directory.url)
        try store((0..<3).map { item($0) }, url: "https://a.example.org/feed", in: feedStore)
        // A directory where the file should be: nothing can open it as a database, nothing may delete it.
        try FileManager.default.createDirectory(
            at: directory.url.appendingPathComponent(ItemIndex.fileName), withIntermediateDirectories: false)
        let (index, warning) = try ItemIndex.open(store: feedStore)
        #expect(index.path == nil)
        #expect(warning?.contains(ItemIndex.fileName) == true)
        #expect(try index.entries().count == 3)
    }
}
