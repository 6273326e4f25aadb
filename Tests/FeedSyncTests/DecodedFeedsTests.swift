import FeedCore
import FeedModel
import FeedStore
@testable import FeedSync
import Foundation
import TestSupport
import Testing

struct DecodedFeedsTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    func save(_ titles: [String], url: String, in store: FeedStore) throws {
        let items = titles.enumerated().map { number, title in
            ParsedItem(id: "\(url)/\(number)", title: title, published: now.addingTimeInterval(Double(number)))
        }
        let previous = try store.loadFeed(url: url) ?? StoredFeed(url: url, title: "F")
        let feed = ItemMerge.merge(previous, document: items, now: now) { _ in false }.feed
        try store.transaction { held throws(StoreError) in try held.saveFeed(feed) }
    }

    @Test func aFeedIsDecodedAgainOnlyWhenItsFileChanged() throws {
        let directory = try TemporaryDirectory()
        let store = try FeedStore(directory: directory.url)
        let url = "https://a.example.org/feed"
        try save(["un", "deux"], url: url, in: store)
        let decoded = DecodedFeeds()
        #expect(try decoded.feed(url: url, in: store)?.items.compactMap(\.title).sorted() == ["deux", "un"])

        // The same bytes count in place, the time set back: the stamp is the one held, so the file is not
        // read again (reading it would find no JSON).
        let path = directory.url.path + "/feeds/" + FeedStore.key(forFeedURL: url) + ".json"
        var status = stat()
        #expect(stat(path, &status) == 0)
        let size = try Data(contentsOf: URL(fileURLWithPath: path)).count
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.write(contentsOf: Data(repeating: UInt8(ascii: "x"), count: size))
        try handle.close()
        var times = [status.st_atim, status.st_mtim]
        #expect(utimensat(AT_FDCWD, path, &times, 0) == 0)
        #expect(try decoded.feed(url: url, in: store)?.items.compactMap(\.title).sorted() == ["deux", "un"])

        // A new version (renamed into place by the store) is read.
        try save(["un", "deux", "trois"], url: url, in: store)
        #expect(try decoded.feed(url: url, in: store)?.items.count == 3)
    }

    @Test func atMostCapacityFeedsAreKeptTheLeastRecentlyUsedGoingFirst() throws {
        let directory = try TemporaryDirectory()
        let store = try FeedStore(directory: directory.url)
        let urls = (0...DecodedFeeds.capacity).map { "https://f\($0).example.org/feed" }
        for url in urls { try save(["a"], url: url, in: store) }
        let decoded = DecodedFeeds()
        for url in urls.dropLast() { _ = try decoded.feed(url: url, in: store) }
        _ = try decoded.feed(url: urls[0], in: store)  // the first, used again
        _ = try decoded.feed(url: urls[DecodedFeeds.capacity], in: store)  // one more: the second goes
        #expect(decoded.heldURLs == Set(urls).subtracting([urls[1]]))
    }
}
