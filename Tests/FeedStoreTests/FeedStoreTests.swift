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
        #expect(text.contains("\"schema\":1"))
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

        #expect(try store.loadFeed(url: "https://bad.example/feed") == nil)
        #expect(try store.allFeeds() == [good])
        let warnings = store.warnings.drain()
        #expect(warnings.count == 1)
        #expect(warnings.first?.hasPrefix(badURL.path) == true)
        let names = try FileManager.default.contentsOfDirectory(atPath: store.feedsDirectory.path)
        #expect(names.contains { $0.hasPrefix(badURL.lastPathComponent + ".corrupt-") })
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
