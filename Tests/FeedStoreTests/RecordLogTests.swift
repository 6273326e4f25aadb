import FeedCore
import FeedModel
import Foundation
import TestScheduling
import TestSupport
import Testing

@testable import FeedStore

/// A new empty folder for one test (the test removes it).
private func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("feedd-log-\(UUID())")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

struct RecordLogTests {
    @Test func anAtomicWriteStepsOverTemporaryFilesACrashedProcessWithTheSamePidLeft() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let next = AtomicFile.temporaryNumber.load(ordering: .relaxed) + 1
        let stale = (next..<next + 20).map { directory.path + "/.file.json.tmp-\(getpid())-\($0)" }
        for path in stale { #expect(FileManager.default.createFile(atPath: path, contents: Data("old".utf8))) }
        try AtomicFile.write(Data("new".utf8), toPath: directory.path + "/file.json")
        #expect(try Data(contentsOf: directory.appendingPathComponent("file.json")) == Data("new".utf8))
        #expect(stale.allSatisfy { (try? Data(contentsOf: URL(fileURLWithPath: $0))) == Data("old".utf8) })
    }

    func record(_ text: String) -> Data { Data("{\"v\":\"\(text)\"}".utf8) }

    func appendRaw(_ text: String, to path: String) throws {
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(text.utf8))
        try handle.close()
    }

    @Test func theLastLineOfAKeyWinsAndNullRemovesIt() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("records.log").path
        let writer = RecordLog(path: path)
        #expect(try writer.snapshot() == nil)
        try writer.append([("aa", record("1")), ("bb", record("2"))], creatingWith: { [:] })
        try writer.append([("aa", record("3")), ("bb", nil), ("cc", record("4"))], creatingWith: { [:] })
        // Another reader, as another process would be: the same records from the file alone.
        let reader = RecordLog(path: path)
        let records = try #require(try reader.snapshot()).records
        #expect(records == ["aa": record("3"), "cc": record("4")])
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.hasPrefix("feedd-records 1 "))
        #expect(text.hasSuffix("aa {\"v\":\"3\"}\nbb null\ncc {\"v\":\"4\"}\n"))
    }

    @Test func aReaderReadsOnlyWhatWasAppendedSinceAndNoticesARewrite() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("records.log").path
        let writer = RecordLog(path: path)
        let reader = RecordLog(path: path)
        try writer.append([("aa", record("1"))], creatingWith: { [:] })
        #expect(try reader.snapshot()?.records == ["aa": record("1")])
        try writer.append([("bb", record("2"))], creatingWith: { [:] })
        #expect(try reader.snapshot()?.records == ["aa": record("1"), "bb": record("2")])
        // A rewrite makes a new file: the reader, holding the old one open (its inode cannot be reused), sees
        // that the path names another.
        try writer.replace(with: ["cc": record("3")])
        try writer.append([("dd", record("4")), ("ee", record("5"))], creatingWith: { [:] })
        #expect(try reader.snapshot()?.records == ["cc": record("3"), "dd": record("4"), "ee": record("5")])
    }

    /// Rewrites of the same size in quick succession (same size, maybe the same clock tick): a reader that
    /// checks the file by its status alone still sees each one.
    @Test func aReaderSeesEveryRewriteOfTheSameSize() async throws {
        try await heavyWork {
            let directory = try temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: directory) }
            let path = directory.appendingPathComponent("records.log").path
            let writer = RecordLog(path: path)
            let reader = RecordLog(path: path)
            for round in 0..<2000 {
                try writer.replace(with: ["aa": record("\(round % 10)")])
                #expect(try reader.snapshot()?.records == ["aa": record("\(round % 10)")], "round \(round)")
            }
            // With pauses between the changes, as between a daemon's commits: still every change shows.
            for round in 0..<3 {
                usleep(100_000)
                #expect(try reader.snapshot()?.records["aa"] != nil)
                try writer.replace(with: ["aa": record("s\(round)")])
                #expect(try reader.snapshot()?.records == ["aa": record("s\(round)")])
                usleep(100_000)
                #expect(try reader.snapshot()?.records == ["aa": record("s\(round)")])
                try writer.append([("bb", record("\(round)"))], creatingWith: nil)
                #expect(try reader.snapshot()?.records == ["aa": record("s\(round)"), "bb": record("\(round)")])
                usleep(100_000)
                #expect(try reader.snapshot()?.records.count == 2)
                try writer.replace(with: ["aa": record("t\(round)"), "bb": record("\(round)")])  // the same size
                #expect(try reader.snapshot()?.records == ["aa": record("t\(round)"), "bb": record("\(round)")])
            }
        }
    }

    @Test func anEditInPlaceOfTheSameSizeIsReadAgain() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("records.log").path
        let writer = RecordLog(path: path)
        try writer.append([("aa", record("1"))], creatingWith: { [:] })
        let reader = RecordLog(path: path)
        #expect(try reader.snapshot()?.records == ["aa": record("1")])
        // Not feedd's doing (it only appends or replaces), but a person's editor may write in place.
        let handle = try #require(FileHandle(forUpdatingAtPath: path))
        let text = try #require(String(data: handle.readDataToEndOfFile(), encoding: .utf8))
        try handle.seek(toOffset: 0)
        handle.write(Data(text.replacingOccurrences(of: "\"1\"", with: "\"2\"").utf8))
        try handle.close()
        var later = [timespec(tv_sec: time(nil) + 5, tv_nsec: 0), timespec(tv_sec: time(nil) + 5, tv_nsec: 0)]
        #expect(utimensat(AT_FDCWD, path, &later, 0) == 0)
        #expect(try reader.snapshot()?.records == ["aa": record("2")])
    }

    @Test func anAppendCutShortIsNotReadAndTheNextOneStaysWhole() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("records.log").path
        let writer = RecordLog(path: path)
        try writer.append([("aa", record("1"))], creatingWith: { [:] })
        // What a crash in the middle of an append leaves: a line without its newline.
        try appendRaw("aa {\"v\":\"tor", to: path)
        let reader = RecordLog(path: path)
        #expect(try reader.snapshot()?.records == ["aa": record("1")])
        let writerAfterRestart = RecordLog(path: path)
        let note = try writerAfterRestart.append([("bb", record("2"))], creatingWith: { [:] })
        #expect(note == "rewritten without its 1 damaged line(s)", "the cut line is ended, found damaged, and dropped")
        let snapshot = try #require(try RecordLog(path: path).snapshot())
        #expect(snapshot.records == ["aa": record("1"), "bb": record("2")])
        #expect(snapshot.damagedLines == 0)
        #expect(try !String(contentsOfFile: path, encoding: .utf8).contains("tor"))
        #expect(try reader.snapshot()?.records == snapshot.records)
    }

    @Test func aLineWholeButForItsNewlineCountsForItsWriterAsForEveryReader() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("records.log").path
        try RecordLog(path: path).append([("aa", record("1"))], creatingWith: { [:] })
        try appendRaw("aa {\"v\":\"2\"}", to: path)  // only the newline lost
        let writer = RecordLog(path: path)
        #expect(try writer.snapshot()?.records == ["aa": record("1")], "not a whole line yet")
        try writer.append([("bb", record("3"))], creatingWith: nil)
        let mine = try #require(try writer.snapshot())
        let fresh = try #require(try RecordLog(path: path).snapshot())
        #expect(mine.records == ["aa": record("2"), "bb": record("3")])
        #expect(fresh.records == mine.records)
        #expect(fresh.liveBytes == mine.liveBytes)
    }

    @Test func aLogIsNeverCreatedByAnAppendThatMayNotCreateIt() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("records.log").path
        #expect(throws: StoreError.self) { try RecordLog(path: path).append([("aa", record("1"))], creatingWith: nil) }
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    /// chattr +a on a folder: files in it can be appended to, but none can be renamed there.
    static let canMakeAppendOnlyFolders: Bool = {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("feedd-chattr-\(UUID())")
        guard (try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)) != nil else { return false }
        defer { try? FileManager.default.removeItem(at: folder) }
        let works = chattr("+a", folder)
        if works { _ = chattr("-a", folder) }
        return works
    }()

    @discardableResult
    static func chattr(_ flag: String, _ folder: URL) -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/chattr")
        process.arguments = [flag, folder.path]
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }

    @Test(.enabled(if: canMakeAppendOnlyFolders, "needs chattr +a on the temporary folder"))
    func aRewriteThatFailsLeavesTheAppendStandingAndIsReported() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("records.log").path
        let writer = RecordLog(path: path)
        let big = String(repeating: "y", count: 100_000)
        try writer.append([("aa", record("0-\(big)"))], creatingWith: { [:] })
        #expect(Self.chattr("+a", directory))
        var notes: [String] = []
        for round in 1...6 {
            if let note = try writer.append([("aa", record("\(round)-\(big)"))], creatingWith: nil) { notes.append(note) }
        }
        #expect(Self.chattr("-a", directory))
        #expect(!notes.isEmpty && notes.allSatisfy { $0.hasPrefix("appended, but not rewritten:") })
        #expect(try RecordLog(path: path).snapshot()?.records == ["aa": record("6-\(big)")], "every append stands")
        #expect(try writer.append([("aa", record("7-\(big)"))], creatingWith: nil) == nil, "rewritten now")
        let size = try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
        #expect(size < 2 * 100_050)
        #expect(try RecordLog(path: path).snapshot()?.records == ["aa": record("7-\(big)")])
    }

    @Test func damagedLinesAreSkippedAndCounted() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("records.log").path
        try RecordLog(path: path).append([("aa", record("1"))], creatingWith: { [:] })
        try appendRaw("\0\0\0\0\nnot a record\nBB {\"v\":1}\nbb [1]\n\ncc {\"v\":\"2\"}\n", to: path)
        // Cut short after an inner object, or inside a string that holds a brace: not whole.
        try appendRaw("aa {\"x\":{\"y\":\"}\"}\naa {\"x\":\"}\\\"{\n", to: path)
        try appendRaw("dd {\"x\":\"}\\\"{\",\"y\":[{}]}\n", to: path)
        let snapshot = try #require(try RecordLog(path: path).snapshot())
        #expect(snapshot.records == ["aa": record("1"), "cc": record("2"), "dd": Data("{\"x\":\"}\\\"{\",\"y\":[{}]}".utf8)])
        #expect(snapshot.damagedLines == 6)
    }

    @Test func aLogIsRewrittenWhenItHoldsMoreThanTwiceItsRecords() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("records.log").path
        let writer = RecordLog(path: path)
        let reader = RecordLog(path: path)
        let big = String(repeating: "x", count: 4000)
        var largest = 0
        var headers: Set<String> = []
        for round in 0..<400 {
            try writer.append([("aa", record("\(round)-\(big)")), ("bb", record("\(round)"))], creatingWith: { [:] })
            let size = Int(try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int))
            largest = max(largest, size)
            headers.insert(try String(contentsOfFile: path, encoding: .utf8).prefix { $0 != "\n" }.description)
            if round % 37 == 0 { #expect(try reader.snapshot()?.records["aa"] == record("\(round)-\(big)")) }
        }
        let live = try #require(try writer.snapshot()).liveBytes
        #expect(largest <= 2 * live + RecordLog.slack + 4100)
        #expect(headers.count > 1, "rewritten, each time under a new header")
        #expect(try RecordLog(path: path).snapshot()?.records == ["aa": record("399-\(big)"), "bb": record("399")])
        #expect(try reader.snapshot()?.records == ["aa": record("399-\(big)"), "bb": record("399")])
    }

    @Test func aNewerFormatIsRefused() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("records.log").path
        try Data("feedd-records 2 abc\naa {}\n".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: StoreError.newerSchema(path: path, found: 2)) { try RecordLog(path: path).snapshot() }
        try Data("something else\n".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: StoreError.cannotRead(path: path, reason: "not a feedd record file")) { try RecordLog(path: path).snapshot() }
    }
}

/// The store's use of its two logs: fetch states and unread items.
struct StoreRecordTests {
    func etagState(_ etag: String) -> FetchState {
        var state = FetchState()
        state.etag = etag
        return state
    }

    func fileCount(_ directory: URL) -> Int {
        (FileManager.default.enumerator(atPath: directory.path)?.allObjects.count) ?? 0
    }

    @Test func fetchStatesOfAGroupAreOneAppendAndReadBackInsideIt() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try FeedStore(directory: directory)
        try store.transaction { held throws(StoreError) in try held.saveFetchState(url: "https://a.example/feed", fetch: etagState("\"a0\"")) }
        let files = fileCount(directory)
        let before = try Data(contentsOf: store.fetchStateLogURL)
        try store.transaction { held throws(StoreError) in
            try held.durableTogether { () throws(StoreError) in
                for index in 0..<50 {
                    try held.saveFetchState(url: "https://\(index).example/feed", fetch: etagState("\"\(index)\""))
                }
                try held.saveFetchState(url: "https://a.example/feed", fetch: etagState("\"a1\""))
                // Staged: read back here, not in the file yet.
                #expect(try held.loadFetchState(url: "https://7.example/feed")?.etag == "\"7\"")
                #expect(try held.loadFetchState(url: "https://a.example/feed")?.etag == "\"a1\"")
                #expect((try? Data(contentsOf: store.fetchStateLogURL)) == before)
            }
        }
        #expect(fileCount(directory) == files, "no file per feed")
        let reopened = try FeedStore(directory: directory)
        #expect(try reopened.loadFetchState(url: "https://49.example/feed")?.etag == "\"49\"")
        #expect(try reopened.loadFetchState(url: "https://a.example/feed")?.etag == "\"a1\"")
        #expect(try reopened.loadFetchState(url: "https://none.example/feed") == nil)
    }

    @Test func aDamagedFetchStateIsReportedAndTheFeedStartsAfresh() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try FeedStore(directory: directory)
        let url = "https://a.example/feed"
        try store.transaction { held throws(StoreError) in try held.saveFetchState(url: url, fetch: etagState("\"a\"")) }
        try store.transaction { held throws(StoreError) in try held.saveFetchState(url: "https://b.example/feed", fetch: etagState("\"b\"")) }
        let handle = try FileHandle(forWritingTo: store.fetchStateLogURL)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data((FeedStore.key(forFeedURL: url) + " {\"schema\":1,\"url\":3}\n").utf8))
        try handle.close()
        #expect(try store.transaction { held throws(StoreError) in try held.loadFetchState(url: url) } == nil)
        #expect(store.warnings.drain().first?.contains("the fetch state of \(url) is unreadable") == true)
        #expect(try store.loadFetchState(url: url) == nil)
        #expect(store.warnings.drain().isEmpty, "removed once, not reported at every read")
        #expect(try store.loadFetchState(url: "https://b.example/feed")?.etag == "\"b\"")
    }

    @Test func aStoreWithOneFilePerFeedMovesToTheLogs() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let feeds = directory.appendingPathComponent("feeds")
        let unread = directory.appendingPathComponent("unread")
        try FileManager.default.createDirectory(at: unread, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: feeds, withIntermediateDirectories: true)
        // What the previous feedd wrote: a state file beside each items file, an unread file per feed.
        let urls = ["https://a.example/feed", "https://b.example/feed"]
        for url in urls {
            let key = FeedStore.key(forFeedURL: url)
            let merge = ItemMerge.merge(
                StoredFeed(url: url, title: "T"), document: [ParsedItem(id: "1", title: "one of \(url)")],
                now: Date(timeIntervalSince1970: 1_800_000_000)) { _ in false }
            try FileManager.default.createDirectory(at: feeds, withIntermediateDirectories: true)
            try StoreCoding.encoder.encode(merge.feed).write(to: feeds.appendingPathComponent(key + ".json"))
            try Data("{\"schema\":1,\"url\":\"\(url)\",\"fetch\":{\"etag\":\"\\\"\(key)\\\"\",\"consecutive_failures\":0}}".utf8)
                .write(to: feeds.appendingPathComponent(key + ".state.json"))
            try Data("{\"schema\":1,\"items\":[]}".utf8).write(to: unread.appendingPathComponent(key + ".json"))
        }
        try Data("{\"schema\":1,\"items\":[]}".utf8).write(to: directory.appendingPathComponent("recent.json"))

        let store = try FeedStore(directory: directory)
        // Read as they are until something is written.
        #expect(try store.loadFetchState(url: urls[1])?.etag == "\"\(FeedStore.key(forFeedURL: urls[1]))\"")
        try store.prepareIndexes()
        #expect(!FileManager.default.fileExists(atPath: unread.path), "the unread files are gone")
        #expect(try store.allUnread().items.compactMap(\.title).sorted() == ["one of https://a.example/feed", "one of https://b.example/feed"])

        try store.transaction { held throws(StoreError) in try held.saveFetchState(url: urls[0], fetch: etagState("\"new\"")) }
        let names = try FileManager.default.contentsOfDirectory(atPath: feeds.path)
        #expect(!names.contains { $0.hasSuffix(".state.json") }, "gathered into fetch-state.log, then deleted")
        let reopened = try FeedStore(directory: directory)
        #expect(try reopened.loadFetchState(url: urls[0])?.etag == "\"new\"")
        #expect(try reopened.loadFetchState(url: urls[1])?.etag == "\"\(FeedStore.key(forFeedURL: urls[1]))\"")
    }

    @Test func unreadLogIsCreatedOnlyByARebuild() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try FeedStore(directory: directory)
        let merge = ItemMerge.merge(
            StoredFeed(url: "https://a.example/feed"), document: [ParsedItem(id: "1", title: "one"), ParsedItem(id: "2", title: "two")],
            now: Date(timeIntervalSince1970: 1_800_000_000)) { _ in false }
        try store.transaction { held throws(StoreError) in try held.saveFeed(merge.feed) }
        try store.prepareIndexes()
        let entry = try #require(try store.loadUnread(feedURL: merge.feed.url, held: nil).items.first)
        // Deleted by hand while a group was being written: the group fails rather than start a log with its
        // records alone (which would pass for complete indexes).
        #expect(throws: StoreError.self) {
            try store.transaction { held throws(StoreError) in
                try held.durableTogether { () throws(StoreError) in
                    try held.saveUnread(ItemIndexFile(items: [entry]), feedURL: merge.feed.url)
                    unlink(store.unreadLogURL.path)
                }
            }
        }
        #expect(!FileManager.default.fileExists(atPath: store.unreadLogURL.path))
        #expect(try store.allUnread().items.compactMap(\.title).sorted() == ["one", "two"], "rebuilt by the next reader")
    }

    @Test func anUnreadFolderWrittenByAnOlderFeeddHasTheIndexesRebuilt() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try FeedStore(directory: directory)
        let url = "https://a.example/feed"
        let first = ItemMerge.merge(StoredFeed(url: url), document: [ParsedItem(id: "1", title: "one")], now: Date(timeIntervalSince1970: 1_800_000_000)) { _ in false }
        try store.transaction { held throws(StoreError) in try held.saveFeed(first.feed) }
        try store.prepareIndexes()
        // An older feedd, still running, stores a new item and writes its unread file.
        let second = ItemMerge.merge(first.feed, document: [ParsedItem(id: "1", title: "one"), ParsedItem(id: "2", title: "two")], now: Date(timeIntervalSince1970: 1_800_000_100)) { _ in false }
        try store.transaction { held throws(StoreError) in try held.saveItems(second.feed) }
        let unread = directory.appendingPathComponent("unread")
        try FileManager.default.createDirectory(at: unread, withIntermediateDirectories: true)
        try Data("{\"schema\":1,\"items\":[]}".utf8).write(to: unread.appendingPathComponent(FeedStore.key(forFeedURL: url) + ".json"))
        #expect(try store.allUnread().items.compactMap(\.title).sorted() == ["one", "two"])
        #expect(!FileManager.default.fileExists(atPath: unread.path))
    }

    @Test func aStateFileThatCannotBeReadIsLeftOutOfTheLogNotInTheWay() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let feeds = directory.appendingPathComponent("feeds")
        try FileManager.default.createDirectory(at: feeds, withIntermediateDirectories: true)
        let newer = FeedStore.key(forFeedURL: "https://newer.example/feed") + ".state.json"
        try Data("{\"schema\":99,\"url\":\"https://newer.example/feed\",\"fetch\":{\"consecutive_failures\":0}}".utf8)
            .write(to: feeds.appendingPathComponent(newer))
        let store = try FeedStore(directory: directory)
        try store.transaction { held throws(StoreError) in try held.saveFetchState(url: "https://a.example/feed", fetch: etagState("\"a\"")) }
        #expect(try store.loadFetchState(url: "https://a.example/feed")?.etag == "\"a\"")
        #expect(store.warnings.drain().contains { $0.contains(newer) && $0.contains("left out of fetch-state.log") })
        #expect(FileManager.default.fileExists(atPath: feeds.appendingPathComponent(newer).path), "kept, not deleted unread")
    }

    @Test func readMarksAreNotTakenForAbsentWhenTheirFolderCannotBeListed() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try FeedStore(directory: directory)
        try Data().write(to: directory.appendingPathComponent("read"))  // not a folder
        // A writer lists the shards that exist once, and must not take an unlistable folder for none.
        try store.transaction { held throws(StoreError) in
            var marks = held.readMarks()
            #expect(throws: StoreError.cannotRead(path: directory.appendingPathComponent("read").path, reason: "Not a directory")) {
                try marks.isRead("url:example.org/p")
            }
        }
    }

    @Test func removingAFeedRemovesItsRecords() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try FeedStore(directory: directory)
        for url in ["https://a.example/feed", "https://b.example/feed"] {
            let merge = ItemMerge.merge(
                StoredFeed(url: url), document: [ParsedItem(id: "1", title: url)], now: Date(timeIntervalSince1970: 1_800_000_000)
            ) { _ in false }
            var feed = merge.feed
            feed.fetch.etag = "\"x\""
            try store.transaction { held throws(StoreError) in try held.saveFeed(feed) }
        }
        #expect(try store.allUnread().items.count == 2)
        #expect(try store.removeFeed(url: "https://a.example/feed"))
        #expect(try store.loadFetchState(url: "https://a.example/feed") == nil)
        #expect(try store.allUnread().items.compactMap(\.title) == ["https://b.example/feed"])
        #expect(try store.loadFetchState(url: "https://b.example/feed")?.etag == "\"x\"")
        #expect(try !store.removeFeed(url: "https://a.example/feed"))
    }
}
