import FeedCore
import FeedCatalog
import FeedConfiguration
import FeedDaemon
import FeedModel
import FeedStore
import Foundation
import Synchronization
import TestScheduling
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The real daemon, killed while it writes: the store must always load with everything committed before.
@Suite(.serialized, .ownThread)
struct CrashSafetyTests {
    /// A server whose feeds gain an item on every request, so every fetch writes.
    static func growingServer() throws -> TestHTTPServer {
        let counter = Mutex(0)
        return try TestHTTPServer { request in
            let count = counter.withLock { value -> Int in
                value += 1
                return value
            }
            let items = (0..<min(count, 400)).map { number in
                "<item><title>\(request.path) item \(number)</title><guid>\(request.path)/\(number)</guid>"
                    + "<description>\(String(repeating: "texte accentué ", count: 40))</description></item>"
            }
            return .init(text: "<rss version=\"2.0\"><channel><title>\(request.path)</title>\(items.joined())</channel></rss>")
        }
    }

    static func launch(_ config: String) throws -> ChildProcess {
        try ChildProcess.launch(
            Subprocess.path("feedd"), ["--config", config, "--log-level", "error"],
            environment: ProcessInfo.processInfo.environment)
    }

    /// Rounds of the fault injection: 200 kills at random moments (about a minute in all).
    static let killRounds = 200

    @Test func sigkillAtRandomMomentsNeverCorruptsLosesOrDuplicatesAnything() async throws {
        let server = try Self.growingServer()
        let directory = try TemporaryDirectory()
        let feeds = (0..<12).map { "  - url: \(server.url("/feed\($0)"))\n    interval: 1s\n" }.joined()
        let configPath = try directory.write("c.yaml", "state_dir: state\nschedule:\n  min_interval: 1s\nfeeds:\n" + feeds)
        let configuration = try Configuration.load(path: configPath)
        let stateDirectory = directory.url.appendingPathComponent("state")
        var committed: [String: Set<String>] = [:]
        var markedRead: [String] = []
        var generator = SystemRandomNumberGenerator()
        for round in 0..<Self.killRounds {
            let process = try Self.launch(configPath)
            try await Task.sleep(for: .milliseconds(Int.random(in: 20...400, using: &generator)))
            process.send(SIGKILL)
            _ = await process.termination()

            let store = try FeedStore(directory: stateDirectory)
            let stored = try store.allFeeds()
            #expect(store.warnings.drain().isEmpty, "round \(round): a file was unreadable")
            for feed in stored {
                let ids = feed.items.map(\.id)
                #expect(Set(ids).count == ids.count, "round \(round): duplicated items in \(feed.url)")
                let before = committed[feed.url] ?? []
                #expect(before.isSubset(of: Set(ids)), "round \(round): items lost from \(feed.url)")
                committed[feed.url] = Set(ids)
            }
            // Read marks made between kills stay: the item is read and out of the unread index.
            let catalog = ItemCatalog(store: store, configuration: configuration)
            let unread = try catalog.unreadItems()
            #expect(Set(unread.map(\.entry.id)).count == unread.count, "round \(round): an item listed twice")
            #expect(unread.allSatisfy { !markedRead.contains($0.entry.id) }, "round \(round): a read item came back")
            if round % 10 == 0, let newest = unread.first {
                #expect(try catalog.markRead([newest.entry.id]) == 1)
                markedRead.append(newest.entry.id)
            }
        }
        // That the kills hit a daemon at work, not a speed target: under the whole suite's load it commits
        // fewer items between kills than alone.
        #expect(committed.values.reduce(0) { $0 + $1.count } > 50, "the daemon wrote during the test")
        #expect(markedRead.count >= 10)
    }

    @Test func feedctlMarkingReadWhileTheDaemonWritesLosesNoUpdate() async throws {
        let server = try Self.growingServer()
        let directory = try TemporaryDirectory()
        let feeds = (0..<6).map { "  - url: \(server.url("/feed\($0)"))\n    interval: 1s\n" }.joined()
        let configPath = try directory.write("c.yaml", "state_dir: state\nschedule:\n  min_interval: 1s\nfeeds:\n" + feeds)
        let configuration = try Configuration.load(path: configPath)
        let daemon = try Self.launch(configPath)
        let store = try FeedStore(directory: directory.url.appendingPathComponent("state"))
        let catalog = ItemCatalog(store: store, configuration: configuration)
        var unread: [ListedItem] = []
        for _ in 0..<200 where unread.count < 30 {
            try await Task.sleep(for: .milliseconds(100))
            unread = try catalog.unreadItems()
        }
        let ids = unread.prefix(30).map(\.entry.id)
        try #require(ids.count == 30)
        // Three feedctl processes at once, each marking ten items one by one, while the daemon keeps writing.
        async let first = Self.markEach(Array(ids[0..<10]), config: configPath)
        async let second = Self.markEach(Array(ids[10..<20]), config: configPath)
        async let third = Self.markEach(Array(ids[20..<30]), config: configPath)
        let results = await [first, second, third].flatMap { $0 }
        #expect(results.allSatisfy { $0 == 0 }, "every feedctl run succeeded")
        daemon.send(SIGTERM)
        #expect(await daemon.termination() == .exited(0))
        let remaining = Set(try catalog.unreadItems().map(\.entry.id))
        #expect(remaining.isDisjoint(with: ids), "no mark was lost to a concurrent writer")
        var marks = ReadMarks(reading: store)
        for item in unread.prefix(30) { #expect(try marks.isRead(item.entry.key)) }
        #expect(store.warnings.drain().isEmpty)
    }

    static func markEach(_ ids: [String], config: String) async -> [Int32] {
        var statuses: [Int32] = []
        for id in ids {
            statuses.append((try? await Subprocess.run("feedctl", ["read", id, "--config", config]).status) ?? -1)
        }
        return statuses
    }

    @Test func sigtermExitsCleanlyWithTheStoreIntact() async throws {
        let server = try Self.growingServer()
        let directory = try TemporaryDirectory()
        let config = try directory.write("c.yaml", "state_dir: state\nschedule:\n  min_interval: 1s\nfeeds:\n  - url: \(server.url("/a"))\n    interval: 1s\n")
        let process = try Self.launch(config)
        try await Task.sleep(for: .milliseconds(1500))
        let stopped = Date()
        process.send(SIGTERM)
        #expect(await process.termination() == .exited(0))
        #expect(Date().timeIntervalSince(stopped) < 10)
        let store = try FeedStore(directory: directory.url.appendingPathComponent("state"))
        #expect(try store.allFeeds().first?.items.isEmpty == false)
    }
}

extension CrashSafetyTests {
    @Test func sigtermAbortsATransferThatWouldHangAndStoresNothingHalfDone() async throws {
        let server = try TestHTTPServer { _ in
            sleep(20)  // a server that never answers in time
            return .init(text: "<rss version=\"2.0\"><channel><item><title>late</title></item></channel></rss>")
        }
        let directory = try TemporaryDirectory()
        let config = try directory.write("c.yaml", "state_dir: state\nfeeds:\n  - url: \(server.url("/slow"))\n    timeout: 60s\n")
        let process = try Self.launch(config)
        try await Task.sleep(for: .milliseconds(1000))
        let stopped = Date()
        process.send(SIGTERM)
        #expect(await process.termination() == .exited(0))
        // The transfer gets the 5 s grace, then is aborted: well before its 60 s timeout and systemd's 30 s stop timeout.
        #expect(Date().timeIntervalSince(stopped) < 10, "shutdown must not wait for the transfer's timeout")
        let store = try FeedStore(directory: directory.url.appendingPathComponent("state"))
        #expect(try store.allFeeds().isEmpty, "an aborted transfer records nothing")
    }

    @Test func onceFailsWhenTheStoreIsUnusable() async throws {
        let directory = try TemporaryDirectory()
        try directory.write("not-a-directory", "x")
        let config = try directory.write("c.yaml", "state_dir: not-a-directory/state\nfeeds:\n  - url: https://a.example/\n")
        let result = try await Subprocess.run("feedd", ["--config", config, "--once"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("not-a-directory/state/feeds: cannot create"))
    }
}

extension CrashSafetyTests {
    @Test(arguments: [SIGINT, SIGTERM])
    func aSignalStopsOnceWithoutWaitingForATransfer(signal: Int32) async throws {
        let server = try TestHTTPServer { request in
            if request.path == "/slow" { sleep(20) }  // a server that never answers in time
            return .init(text: "<rss version=\"2.0\"><channel><item><title>t</title></item></channel></rss>")
        }
        let directory = try TemporaryDirectory()
        let config = try directory.write(
            "c.yaml", "state_dir: state\nfeeds:\n  - url: \(server.url("/fast"))\n  - url: \(server.url("/slow"))\n    timeout: 60s\n")
        let process = try ChildProcess.launch(
            Subprocess.path("feedd"), ["--config", config, "--once"], environment: ProcessInfo.processInfo.environment)
        try await Task.sleep(for: .milliseconds(1500))
        let stopped = Date()
        process.send(signal)
        #expect(await process.termination() == .exited(1))
        #expect(Date().timeIntervalSince(stopped) < 5, "--once must not wait for the transfer's timeout")
        // The feed fetched before the signal stays recorded; the one cut short recorded nothing.
        let store = try FeedStore(directory: directory.url.appendingPathComponent("state"))
        #expect(try store.allFeeds().map(\.url) == [server.url("/fast").absoluteString])
    }
}

extension CrashSafetyTests {
    /// Rounds of the fault injection with a hook: 100 kills while feedd fetches and delivers.
    static let hookKillRounds = 100

    @Test func sigkillWhileFetchingAndDeliveringLosesNoEventAndRepeatsKeepTheirFirstID() async throws {
        let server = try Self.growingServer()
        let directory = try TemporaryDirectory()
        let got = directory.url.appendingPathComponent("got").path
        try FileManager.default.createDirectory(atPath: got, withIntermediateDirectories: true)
        let feeds = (0..<6).map { "  - url: \(server.url("/feed\($0)"))\n    interval: 1s\n" }.joined()
        // Each attempt leaves its own file, named by its delivery id and the hook's pid, once all of the
        // event has arrived; the pause gives the kills a hook at work to hit.
        let configPath = try directory.write(
            "c.yaml",
            """
            state_dir: state
            schedule:
              min_interval: 1s
            hooks:
              - name: record
                exec: [/bin/sh, -c, 'cat > "$OUT/$FEEDD_DELIVERY.$$.part" && sleep 0.1 && mv "$OUT/$FEEDD_DELIVERY.$$.part" "$OUT/$FEEDD_DELIVERY.$$.json"']
                environment: {OUT: "\(got)"}
            feeds:

            """ + feeds)
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<Self.hookKillRounds {
            let process = try Self.launch(configPath)
            try await Task.sleep(for: .milliseconds(Int.random(in: 20...400, using: &generator)))
            process.send(SIGKILL)
            _ = await process.termination()
        }
        // Left alone at last: what was recorded is handed out and delivered.
        let last = try await Subprocess.run("feedd", ["--config", configPath, "--once", "--force", "--log-level", "warning"])
        #expect(last.status == 0, "\(last.stderr)")
        try await Task.sleep(for: .milliseconds(500))  // hooks a killed feedd left running end on their own

        // Item id → the delivery ids it arrived under; a file cut short (its feedd killed while writing
        // to it) was never an attempt that succeeded, and its delivery was made again.
        var deliveriesOf: [String: Set<String>] = [:]
        var attemptsOf: [String: Int] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: got) where name.hasSuffix(".json") {
            let delivery = String(name.prefix { $0 != "." })
            guard let data = FileManager.default.contents(atPath: "\(got)/\(name)"),
                let payload = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
            else { continue }
            #expect(payload["delivery"] as? String == delivery)
            attemptsOf[delivery, default: 0] += 1
            for item in payload["items"] as? [[String: Any]] ?? [] {
                if let id = item["id"] as? String { deliveriesOf[id, default: []].insert(delivery) }
            }
        }
        let store = try FeedStore(directory: directory.url.appendingPathComponent("state"))
        let stored = try store.allFeeds().flatMap { $0.items.map(\.id) }
        #expect(stored.count > 50, "the daemon stored items during the test")
        let lost = stored.filter { deliveriesOf[$0] == nil }
        #expect(lost.isEmpty, "\(lost.count) of \(stored.count) stored items never reached the hook")
        let underTwoIDs = deliveriesOf.filter { $0.value.count > 1 }
        #expect(underTwoIDs.isEmpty, "\(underTwoIDs.count) items arrived under more than one delivery id, such as \(underTwoIDs.first.map { "\($0)" } ?? "")")
        let listed = try await Subprocess.run("feedctl", ["hooks", "--config", configPath])
        #expect(listed.stdout.contains("record  exec  new_items  0 waiting, 0 failed"), "\(listed.stdout)")
        print("hook crash test: \(stored.count) items, \(attemptsOf.count) deliveries, \(attemptsOf.values.filter { $0 > 1 }.count) made again after a kill")
    }
}

