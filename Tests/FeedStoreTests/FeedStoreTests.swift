import FeedModel
import FeedStore
import Foundation
import Testing

struct FeedStoreTests {
    func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("feedd-store-\(UUID())")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func roundTripsFeedsAndReadState() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try FeedStore(directory: directory)
        let merge = ItemMerge.merge(
            stored: [], parsed: [ParsedItem(id: "1", title: "Élan « vital »", published: Date(timeIntervalSince1970: 1_800_000_000))],
            feedURL: "https://x.example/feed", now: Date(timeIntervalSince1970: 1_800_000_100))
        var feed = StoredFeed(url: "https://x.example/feed", title: "X", items: merge.items)
        feed.fetch.etag = "\"abc\""
        try store.saveFeed(feed)
        #expect(try store.loadFeed(url: feed.url) == feed)
        #expect(try store.allFeeds() == [feed])
        try store.saveReadState(ReadState(read: [merge.items[0].id: Date(timeIntervalSince1970: 1_800_000_200)]))
        #expect(try store.loadReadState().read.count == 1)

        let text = try String(contentsOf: store.feedFileURL(forFeedURL: feed.url), encoding: .utf8)
        #expect(text.contains("\"schema\":2"))
        #expect(!text.contains("etag"), "the fetch state has its own file")
        #expect(try String(contentsOf: store.stateFileURL(forFeedURL: feed.url), encoding: .utf8).contains("\"etag\":\"\\\"abc\\\"\""))
        #expect(text.contains("\"published\":\"2027-01-15T08:00:00Z\""))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: store.feedsDirectory.path).filter { $0.contains(".tmp") }
        #expect(leftovers.isEmpty)
    }

    @Test func corruptFileIsMovedAsideAndReported() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try FeedStore(directory: directory)
        let good = StoredFeed(url: "https://good.example/feed", title: "Good")
        try store.saveFeed(good)
        let badURL = store.feedFileURL(forFeedURL: "https://bad.example/feed")
        try Data("{\"schema\":1,\"url\":\"https://bad.example/feed\",\"fetch\":{},\"items\":[{\"id\":".utf8).write(to: badURL)

        // Any reader that meets it moves it aside, under the lock, and the rest of the store keeps working.
        #expect(try store.loadFeed(url: "https://bad.example/feed") == nil)
        let warnings = store.warnings.drain()
        #expect(warnings.count == 1)
        #expect(warnings.first?.hasPrefix(badURL.path + ": unreadable") == true)
        #expect(warnings.first?.contains("moved aside to \(badURL.path).corrupt-") == true)
        let names = try FileManager.default.contentsOfDirectory(atPath: store.feedsDirectory.path)
        #expect(names.contains { $0.hasPrefix(badURL.lastPathComponent + ".corrupt-") })
        #expect(!FileManager.default.fileExists(atPath: badURL.path))
        #expect(try store.allFeeds() == [good])
        #expect(store.warnings.drain().isEmpty)
    }

    @Test func aFileThatExistsButCannotBeReadIsAnErrorNotAnEmptyStore() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try FeedStore(directory: directory)
        // A directory where read.json should be: open succeeds, read fails (permissions would not stop root).
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("read.json"), withIntermediateDirectories: false)
        #expect(throws: StoreError.cannotRead(path: directory.appendingPathComponent("read.json").path, reason: "Is a directory")) {
            try store.loadReadState()
        }
    }

    @Test func schemaOneFilesLoadAndAreSplitOnTheNextSave() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try FeedStore(directory: directory)
        let url = "https://old.example/feed"
        // What the end-to-end version wrote: one file with the fetch state inside.
        let legacy = """
            {"schema":1,"url":"\(url)","title":"Old","fetch":{"etag":"\\"e1\\"","consecutive_failures":0,"last_result":"ok"},
             "items":[{"id":"00000000000000aa","identity":"id:1","title":"kept","authors":[],"categories":[],"enclosures":[],"first_seen":"2026-11-01T00:00:00Z"}]}
            """
        try Data(legacy.utf8).write(to: store.feedFileURL(forFeedURL: url))
        let loaded = try #require(try store.loadFeed(url: url))
        #expect(loaded.fetch.etag == "\"e1\"")
        #expect(loaded.items.map(\.title) == ["kept"])
        #expect(try store.loadFetchState(url: url)?.etag == "\"e1\"")
        try store.saveFeed(loaded)
        #expect(FileManager.default.fileExists(atPath: store.stateFileURL(forFeedURL: url).path))
        let reloaded = try #require(try store.loadFeed(url: url))
        #expect(reloaded.schema == 2)
        #expect(reloaded.fetch == loaded.fetch && reloaded.items == loaded.items && reloaded.title == "Old")
    }

    @Test func newerSchemaIsRefusedNotOverwritten() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try FeedStore(directory: directory)
        try Data("{\"schema\":99,\"read\":{}}".utf8).write(to: directory.appendingPathComponent("read.json"))
        #expect(throws: StoreError.newerSchema(path: directory.appendingPathComponent("read.json").path, found: 99)) {
            try store.loadReadState()
        }
    }
}
