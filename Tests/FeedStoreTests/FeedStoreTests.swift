import FeedCore
import FeedModel
@testable import FeedStore
import Foundation
import TestSupport
import Testing

struct FeedStoreTests {
    func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("feedd-store-\(UUID())")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func roundTripsFeedsReadMarksAndIndexes() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try FeedStore(directory: directory)
        let merge = ItemMerge.merge(
            StoredFeed(url: "https://x.example/feed", title: "X"),
            document: [ParsedItem(id: "1", title: "Élan « vital »", published: Date(timeIntervalSince1970: 1_800_000_000))],
            now: Date(timeIntervalSince1970: 1_800_000_100)) { _ in false }
        var feed = merge.feed
        feed.fetch.etag = "\"abc\""
        try store.transaction { held throws(StoreError) in try held.saveFeed(feed) }
        #expect(try store.loadFeed(url: feed.url) == feed)
        #expect(try store.allFeeds() == [feed])

        try store.transaction { held throws(StoreError) in
            var marks = held.readMarks()
            try marks.markRead(feed.items[0].key, at: Date(timeIntervalSince1970: 1_800_000_200))
            try marks.save()
        }
        var again = ReadMarks(reading: store)
        #expect(try again.isRead(feed.items[0].key))
        #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent(ReadShard.fileName(ReadShard.index(for: feed.items[0].key))).path))

        let text = try String(contentsOf: store.feedFileURL(forFeedURL: feed.url), encoding: .utf8)
        #expect(text.contains("\"schema\":3"))
        #expect(!text.contains("etag"), "the fetch state has its own file")
        #expect(text.contains("\"published\":\"2027-01-15T08:00:00Z\""))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: store.feedsDirectory.path).filter { $0.contains(".tmp") }
        #expect(leftovers.isEmpty)
    }

    @Test func anItemMarkedUnreadInAFeedWithNothingUnreadListsTheFeedsTitle() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try FeedStore(directory: directory)
        var feed = ItemMerge.merge(
            StoredFeed(url: "https://x.example/feed", title: "Le Carnet"),
            document: [ParsedItem(id: "1", title: "Un", published: Date(timeIntervalSince1970: 1_800_000_000))],
            now: Date(timeIntervalSince1970: 1_800_000_100)) { _ in false }.feed
        feed.fetch.title = "Le Carnet"
        try store.transaction { held throws(StoreError) in try held.saveFeed(feed) }
        try store.markRead(now: Date()) { $0 }
        #expect(try store.allUnread().items.isEmpty)
        let entry = IndexEntry(feed.items[0], feed: feed.url)
        #expect(try store.markUnread([entry]) == 1)
        // The listing names the feed from the record alone, without reading every feed's fetch state.
        #expect(try store.allUnread().titles == [feed.url: "Le Carnet"])
    }

    @Test func aKeysShardIsNamedByTheFirstTwoHexDigitsOfItsHash() {
        for key in ["url:example.org/p", "id:tag:x,1", "", "é", "url:" + String(repeating: "z", count: 300)] + (0..<500).map({ "id:\($0)" }) {
            #expect(ReadShard.index(for: key) == Int(StableHash.hex(key).prefix(2), radix: 16))
            #expect(StableHash.hex(key) == String(repeating: "0", count: 16 - String(StableHash.value(key), radix: 16).count) + String(StableHash.value(key), radix: 16))
        }
        #expect(StableHash.hex("https://www.example.org/feed/") == "d164be7e8b3f30e7", "the key docs/STORE.md gives")
    }

    @Test func upsertKeepsEntriesNewestFirstWithTiesById() {
        var generator = SeededGenerator(seed: 5)
        var index = ItemIndexFile()
        var latest: [String: IndexEntry] = [:]
        for _ in 0..<400 {
            let key = "id:\(generator.next() % 60)"
            let published = generator.next() % 3 == 0 ? nil : Date(timeIntervalSince1970: Double(1_800_000_000 + generator.next() % 20))
            let item = StoredItem(
                identity: key, key: key, item: ParsedItem(title: key, published: published),
                firstSeen: Date(timeIntervalSince1970: Double(1_800_000_000 + generator.next() % 20)))
            index.upsert(IndexEntry(item, feed: "https://a.example/feed"))
            latest[key] = IndexEntry(item, feed: "https://a.example/feed")
        }
        #expect(index.items == latest.values.sorted(by: IndexEntry.newestFirst))
    }

    @Test func upsertingABatchEqualsUpsertingEachInTurn() {
        var generator = SeededGenerator(seed: 11)
        func entry() -> IndexEntry {
            let key = "url:example.org/\(generator.next() % 40)"
            let published = generator.next() % 4 == 0 ? nil : Date(timeIntervalSince1970: Double(1_800_000_000 + generator.next() % 8))
            var item = StoredItem(
                identity: key, key: key, item: ParsedItem(title: key, published: published),
                firstSeen: Date(timeIntervalSince1970: Double(1_800_000_000 + generator.next() % 8)))
            item.changed = generator.next() % 5 == 0
            return IndexEntry(item, feed: "https://\(generator.next() % 3).example/feed")
        }
        var oneByOne = ItemIndexFile()
        var batched = ItemIndexFile()
        for round in 0..<60 {
            // Batches of 0 to 24 entries, keys repeated within a batch and across batches.
            let batch = (0..<(round % 25)).map { _ in entry() }
            for entry in batch { oneByOne.upsert(entry) }
            batched.upsert(contentsOf: batch)
            #expect(batched == oneByOne, "round \(round)")
        }
        #expect(oneByOne.items.count > 20)
        #expect(oneByOne.items.contains { $0.feeds.count > 1 } && oneByOne.items.contains(where: \.changed))
    }

    @Test func indexEntriesForOneArticleInTwoFeedsMerge() {
        var index = ItemIndexFile()
        let item = StoredItem(identity: "url:example.org/p", key: "url:example.org/p", item: ParsedItem(title: "p"), firstSeen: Date())
        index.upsert(IndexEntry(item, feed: "https://a.example/feed"))
        index.upsert(IndexEntry(item, feed: "https://b.example/feed"))
        #expect(index.items.count == 1)
        #expect(index.items[0].feeds == ["https://a.example/feed", "https://b.example/feed"])
        index.remove(key: item.key, feed: "https://a.example/feed")
        #expect(index.items[0].feeds == ["https://b.example/feed"])
        index.remove(key: item.key, feed: "https://b.example/feed")
        #expect(index.items.isEmpty)
    }

    @Test func corruptFileIsMovedAsideAndReported() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try FeedStore(directory: directory)
        let good = StoredFeed(url: "https://good.example/feed", title: "Good")
        try store.transaction { held throws(StoreError) in try held.saveFeed(good) }
        let badURL = store.feedFileURL(forFeedURL: "https://bad.example/feed")
        try Data("{\"schema\":3,\"url\":\"https://bad.example/feed\",\"items\":[{\"id\":".utf8).write(to: badURL)

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
        // A directory where a shard should be: open succeeds, read fails (permissions would not stop root).
        try FileManager.default.createDirectory(at: directory.appendingPathComponent(ReadShard.fileName(0)), withIntermediateDirectories: true)
        #expect(throws: StoreError.cannotRead(path: directory.appendingPathComponent(ReadShard.fileName(0)).path, reason: "Is a directory")) {
            try store.loadReadShard(0, held: nil)
        }
    }

    @Test func olderStoresAreMigratedWithTheirReadMarks() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try FeedStore(directory: directory)
        let url = "https://old.example/feed"
        // What the end-to-end version wrote: one file with the fetch state inside, ids per feed, read.json by id.
        let oldID = StableHash.hex(url + "\n" + "id:https://old.example/p/1")
        let legacy = """
            {"schema":1,"url":"\(url)","title":"Old","fetch":{"etag":"\\"e1\\"","consecutive_failures":0,"last_result":"ok"},
             "items":[{"id":"\(oldID)","identity":"id:https://old.example/p/1","title":"read one","authors":[],"categories":[],"enclosures":[],"first_seen":"2026-11-01T00:00:00Z"},
                      {"id":"00000000000000bb","identity":"id:tag:old,2","title":"unread one","authors":[],"categories":[],"enclosures":[],"first_seen":"2026-11-02T00:00:00Z"}]}
            """
        try Data(legacy.utf8).write(to: store.feedFileURL(forFeedURL: url))
        try Data("{\"schema\":1,\"read\":{\"\(oldID)\":\"2026-11-03T00:00:00Z\"}}".utf8).write(to: directory.appendingPathComponent("read.json"))

        let loaded = try #require(try store.loadFeed(url: url))
        #expect(loaded.fetch.etag == "\"e1\"")
        #expect(loaded.items.map(\.identity) == ["url:old.example/p/1", "id:tag:old,2"])
        let unread = try store.allUnread()
        #expect(unread.items.map(\.title) == ["unread one"])
        #expect(try store.recentItems().items.count == 2)
        #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("read.json.migrated").path))
        try store.transaction { held throws(StoreError) in try held.saveFeed(loaded) }
        let reloaded = try #require(try store.loadFeed(url: url))
        #expect(reloaded.schema == 3)
        #expect(reloaded.fetch == loaded.fetch && reloaded.items.map(\.id) == loaded.items.map(\.id))
    }

    /// Ids were plain FNV-1a of the key until they were mixed (`StableHash.mixedHex`): a store written then
    /// reads with today's ids everywhere, and its read marks and stars, kept by key, hold.
    @Test func storesWithOlderIdsReadWithTodaysAndKeepTheirMarksAndStars() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try FeedStore(directory: directory)
        let merge = ItemMerge.merge(
            StoredFeed(url: "https://x.example/feed"),
            document: (1...3).map { ParsedItem(id: "https://x.example/p/\($0)", title: "p\($0)", link: "https://x.example/p/\($0)") },
            now: Date(timeIntervalSince1970: 1_800_000_000)) { _ in false }
        try store.transaction { held throws(StoreError) in try held.saveFeed(merge.feed) }
        let items = merge.feed.items
        try store.markRead(now: Date(timeIntervalSince1970: 1_800_000_100)) { $0.filter { $0.key == items[0].key } }
        try store.setStarred([items[1].key], true, now: Date(timeIntervalSince1970: 1_800_000_200))
        // Every file as the earlier feedd wrote it: the same, with the old ids.
        for file in [store.feedFileURL(forFeedURL: merge.feed.url), directory.appendingPathComponent("unread.log"),
                     directory.appendingPathComponent("recent.json")] {
            var text = try String(contentsOf: file, encoding: .utf8)
            for item in items { text = text.replacingOccurrences(of: item.id, with: StableHash.hex(item.key)) }
            #expect(!items.contains { text.contains($0.id) })
            try Data(text.utf8).write(to: file)
        }
        let reopened = try FeedStore(directory: directory)
        #expect(try reopened.loadFeed(url: merge.feed.url)?.items.map(\.id) == items.map(\.id))
        #expect(Set(try reopened.allUnread().items.map(\.id)) == [items[1].id, items[2].id])
        #expect(Set(try reopened.unreadReferences().map(\.id)) == [items[1].id, items[2].id])
        #expect(Set(try reopened.recentItems().items.map(\.id)) == Set(items.map(\.id)))
        var marks = ReadMarks(reading: reopened)
        #expect(try marks.isRead(items[0].key))
        #expect(try reopened.starredItems().starred.keys.sorted() == [items[1].key])
        #expect(items.allSatisfy { $0.id == ItemIdentity.itemID(logicalKey: $0.key) && $0.id != StableHash.hex($0.key) })
    }

    @Test func starsAreKeptByKeyAndCounted() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try FeedStore(directory: directory)
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        #expect(try store.starredItems().starred.isEmpty)
        #expect(try store.setStarred(["url:a", "url:b"], true, now: now) == 2)
        #expect(try store.setStarred(["url:b", "url:c"], true, now: now) == 1, "b was starred already")
        #expect(try store.setStarred(["url:a", "url:z"], false, now: now) == 1)
        #expect(try FeedStore(directory: directory).starredItems() == StarredItems(starred: ["url:b": now, "url:c": now]))
    }

    @Test func newerSchemaIsRefusedNotOverwritten() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try FeedStore(directory: directory)
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("read"), withIntermediateDirectories: true)
        try Data("{\"schema\":99,\"read\":{}}".utf8).write(to: directory.appendingPathComponent(ReadShard.fileName(3)))
        #expect(throws: StoreError.newerSchema(path: directory.appendingPathComponent(ReadShard.fileName(3)).path, found: 99)) {
            try store.loadReadShard(3, held: nil)
        }
    }
}

extension FeedStoreTests {
    @Test func aCorruptUnreadRecordHasTheIndexesRebuilt() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try FeedStore(directory: directory)
        let merge = ItemMerge.merge(
            StoredFeed(url: "https://x.example/feed", title: "X"), document: [ParsedItem(id: "1", title: "one"), ParsedItem(id: "2", title: "two")],
            now: Date(timeIntervalSince1970: 1_800_000_000)) { _ in false }
        try store.transaction { held throws(StoreError) in try held.saveFeed(merge.feed) }
        try store.prepareIndexes()
        #expect(try store.allUnread().items.count == 2)
        let log = try FileHandle(forWritingTo: store.unreadLogURL)
        try log.seekToEnd()
        try log.write(contentsOf: Data((FeedStore.key(forFeedURL: merge.feed.url) + " {\"schema\":1,\"items\":[{\"id\":3}]}\n").utf8))
        try log.close()
        #expect(try store.allUnread().items.compactMap(\.title).sorted() == ["one", "two"])
        #expect(store.warnings.drain().first?.contains("rebuilding the indexes") == true)
        #expect(try store.loadUnread(feedURL: merge.feed.url, held: nil).items.count == 2)
    }

    @Test func rebuildingWithACorruptFeedFileSetsItAsideInsteadOfWaitingOnItsOwnLock() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try FeedStore(directory: directory)
        let good = ItemMerge.merge(StoredFeed(url: "https://good.example/feed"), document: [ParsedItem(id: "1", title: "kept")],
                                   now: Date(timeIntervalSince1970: 1_800_000_000)) { _ in false }.feed
        try store.transaction { held throws(StoreError) in try held.saveFeed(good) }
        try Data("{\"schema\":3,\"url\":".utf8).write(to: store.feedFileURL(forFeedURL: "https://bad.example/feed"))
        try store.prepareIndexes()  // no recent.json yet: a rebuild, under the lock, meets the bad file
        #expect(try store.allUnread().items.compactMap(\.title) == ["kept"])
        #expect(store.warnings.drain().contains { $0.contains("moved aside") })
    }

    @Test func aDateMoreThanADayPastTheFirstSightingDoesNotOrderTheItem() {
        let seen = Date(timeIntervalSince1970: 1_800_000_000)
        let aDay = ItemDates.futureTolerance
        #expect(ItemDates.sortDate(published: nil, firstSeen: seen) == seen)
        #expect(ItemDates.sortDate(published: seen - 5 * aDay, firstSeen: seen) == seen - 5 * aDay)
        #expect(ItemDates.sortDate(published: seen + aDay, firstSeen: seen) == seen + aDay)  // a zone off, at most
        #expect(ItemDates.sortDate(published: seen + aDay + 1, firstSeen: seen) == seen)
        let far = UTCTimestamp.date(year: 2099, month: 1, day: 1)
        #expect(ItemDates.sortDate(published: far, firstSeen: seen) == seen)
        #expect(ItemDates.shownDate(published: far, firstSeen: seen) == far)

        let future = StoredItem(identity: "a", key: "a", item: ParsedItem(title: "2099", published: far), firstSeen: seen)
        let later = StoredItem(
            identity: "b", key: "b", item: ParsedItem(title: "later", published: seen + 60), firstSeen: seen + 120)
        #expect([future, later].sorted { StoredItem.newestFirst($0, $1) }.map(\.title) == ["later", "2099"])
        let entries = [IndexEntry(future, feed: "f"), IndexEntry(later, feed: "f")]
        #expect(entries.sorted { IndexEntry.newestFirst($0, $1) }.map(\.title) == ["later", "2099"])
    }
}
