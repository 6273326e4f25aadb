import FeedCore
import FeedModel
import FeedStore
import Foundation
import TestScheduling
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The real daemon under the conditions systemd and a person put it in: notify socket, watchdog, reload,
/// fetch requests, status, journald logging.
@Suite(.serialized, .ownThread)
struct DaemonTests {
    static func rss(_ title: String) -> String {
        "<rss version=\"2.0\"><channel><title>\(title)</title><item><title>\(title) item</title><guid>\(title)</guid></item></channel></rss>"
    }

    /// A server whose every path is a feed, counting requests per path.
    static func server() throws -> TestHTTPServer {
        try TestHTTPServer { request in .init(text: rss(String(request.path.dropFirst()))) }
    }

    static func count(_ server: TestHTTPServer, _ path: String) -> Int {
        server.requests.filter { $0.path == path }.count
    }

    static func waitUntil(_ timeout: Duration = .seconds(15), _ condition: () -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if condition() { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return condition()
    }

    static func launch(_ config: String, environment extra: [String: String] = [:], stderr: Int32? = nil) throws -> ChildProcess {
        var environment = ProcessInfo.processInfo.environment
        for (key, value) in extra { environment[key] = value }
        return try ChildProcess.launch(Subprocess.path("feedd"), ["--config", config], environment: environment, stderr: stderr)
    }

    @Test func speaksTheNotifyProtocolWithWatchdogPingsFromItsLoop() async throws {
        let server = try Self.server()
        let directory = try TemporaryDirectory()
        let notify = try NotifySocket(directory: directory.url)
        let config = try directory.write("c.yaml", "state_dir: state\nfeeds:\n  - url: \(server.url("/a"))\n  - url: \(server.url("/b"))\n")
        let daemon = try Self.launch(config, environment: ["NOTIFY_SOCKET": notify.path, "WATCHDOG_USEC": "4000000"])
        #expect(await notify.waitFor { $0.contains("READY=1") && $0.contains("STATUS=2 feeds, 0 failing") })
        try await Task.sleep(for: .seconds(5))
        let pings = notify.messages.filter { $0.text == "WATCHDOG=1" }.map(\.at)
        // Pinged from the loop every second (half of WATCHDOG_USEC is 2 s; the loop wakes every second): a
        // few pings in five seconds, and never WATCHDOG_USEC without one, after which systemd would restart
        // it. Their cadence is DaemonTimersTests'.
        #expect(pings.count >= 2, "\(pings.count) pings")
        #expect(zip(pings, pings.dropFirst()).allSatisfy { $1 - $0 < .seconds(4) })
        #expect(notify.messages.contains { $0.text.hasPrefix("STATUS=") && $0.text.contains("next fetch") })
        daemon.send(SIGTERM)
        #expect(await daemon.termination() == .exited(0))
        #expect(notify.messages.contains { $0.text == "STOPPING=1" })
    }

    @Test func reloadAddsAndRemovesFeedsAndKeepsTheOldConfigWhenTheNewOneIsBroken() async throws {
        let server = try Self.server()
        let directory = try TemporaryDirectory()
        let notify = try NotifySocket(directory: directory.url)
        let header = "state_dir: state\nschedule:\n  min_interval: 1s\ndefaults:\n  interval: 1s\nfeeds:\n"
        let config = try directory.write("c.yaml", header + "  - url: \(server.url("/kept"))\n  - url: \(server.url("/removed"))\n")
        let daemon = try Self.launch(config, environment: ["NOTIFY_SOCKET": notify.path])
        #expect(try await Self.waitUntil { Self.count(server, "/removed") >= 2 && Self.count(server, "/kept") >= 2 })

        try directory.write("c.yaml", header + "  - url: \(server.url("/kept"))\n  - url: \(server.url("/added"))\n")
        daemon.send(SIGHUP)
        #expect(await notify.waitFor { $0.hasPrefix("RELOADING=1") })
        #expect(try await Self.waitUntil { Self.count(server, "/added") >= 1 })
        let removedAfterReload = Self.count(server, "/removed")
        let keptAfterReload = Self.count(server, "/kept")
        try await Task.sleep(for: .seconds(3))
        #expect(Self.count(server, "/removed") <= removedAfterReload + 1, "a removed feed is no longer fetched")
        #expect(Self.count(server, "/kept") > keptAfterReload, "an unchanged feed goes on")

        try directory.write("c.yaml", header + "  - url: notaurl\n")
        daemon.send(SIGHUP)
        try await Task.sleep(for: .seconds(1))
        let addedBefore = Self.count(server, "/added")
        #expect(try await Self.waitUntil { Self.count(server, "/added") > addedBefore }, "the old configuration runs on")
        daemon.send(SIGTERM)
        #expect(await daemon.termination() == .exited(0))
    }

    @Test func feedctlFetchAsksTheRunningDaemonOrFetchesItself() async throws {
        let server = try Self.server()
        let directory = try TemporaryDirectory()
        let config = try directory.write("c.yaml", "state_dir: state\nfeeds:\n  - url: \(server.url("/one"))\n    name: One\n  - url: \(server.url("/two"))\n")

        // No daemon: feedctl fetches itself, and status says feedd never ran here.
        #expect(try await Subprocess.run("feedctl", ["status", "--config", config]).stdout.hasPrefix("feedd has not run"))
        let alone = try await Subprocess.run("feedctl", ["fetch", "One", "--config", config])
        #expect(alone.stdout == "fetched 1 feed(s): 1 new item(s), 0 updated, 0 not modified, 0 failed\n", "\(alone.stderr)")
        #expect(Self.count(server, "/one") == 1 && Self.count(server, "/two") == 0)

        let daemon = try Self.launch(config)
        #expect(try await Self.waitUntil { Self.count(server, "/two") == 1 })  // its first fetch
        let status = try await Subprocess.run("feedctl", ["status", "--config", config])
        #expect(status.stdout.contains("running (pid \(daemon.pid))"), "\(status.stdout)")
        #expect(status.stdout.contains("2 feeds, 0 failing"))

        let asked = try await Subprocess.run("feedctl", ["fetch", "One", "--config", config])
        #expect(asked.stdout == "asked feedd (pid \(daemon.pid)) to fetch 1 feed(s)\n", "\(asked.stderr)")
        // /one was fetched by feedctl a moment ago, so the daemon had it scheduled 30 minutes later: this
        // second request is the one asked for.
        #expect(try await Self.waitUntil { Self.count(server, "/one") == 2 })
        #expect(Self.count(server, "/two") == 1)

        daemon.send(SIGTERM)
        #expect(await daemon.termination() == .exited(0))
        #expect(try await Subprocess.run("feedctl", ["status", "--config", config]).stdout.hasPrefix("feedd not running"))
        let unknown = try await Subprocess.run("feedctl", ["fetch", "Nope", "--config", config])
        #expect(unknown.status == 1 && unknown.stderr.hasPrefix("feedctl: no feed named Nope"))
    }

    /// feedd keeps the search index current as it stores, so feedctl does not catch up first: status reads
    /// the index without updating it, and shows it following the daemon's refreshes.
    @Test func theDaemonKeepsTheSearchIndexUpToDate() async throws {
        let server = try Self.server()
        let directory = try TemporaryDirectory()
        // A short min_interval spreads the first fetches over two seconds only.
        let config = try directory.write(
            "c.yaml", "state_dir: state\nschedule:\n  min_interval: 2s\nfeeds:\n  - url: \(server.url("/a"))\n  - url: \(server.url("/b"))\n")
        func index() async throws -> (items: Int, behind: Int)? {
            let status = try await Subprocess.run("feedctl", ["status", "--json", "--config", config])
            let object = try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any]
            guard let index = object?["index"] as? [String: Any], let items = index["items"] as? Int,
                let behind = index["feed_files_behind"] as? Int
            else { return nil }
            return (items, behind)
        }
        #expect(try await index() == nil)
        let daemon = try Self.launch(config)
        // The index follows each first fetch a moment after.
        #expect(try await Self.waitUntil { Self.count(server, "/b") == 1 && Self.count(server, "/a") == 1 })
        var latest: (items: Int, behind: Int)?
        let deadline = ContinuousClock.now + .seconds(15)
        while ContinuousClock.now < deadline {
            latest = try await index()
            if let latest, latest.items == 2 && latest.behind == 0 { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(latest?.items == 2 && latest?.behind == 0, "\(String(describing: latest))")
        let text = try await Subprocess.run("feedctl", ["status", "--config", config])
        #expect(text.stdout.contains("search index: 2 item(s), up to date"), "\(text.stdout)")
        daemon.send(SIGTERM)
        #expect(await daemon.termination() == .exited(0))
    }

    @Test func underJournaldEachLineCarriesItsPriority() async throws {
        let server = try TestHTTPServer { request in
            request.path == "/bad" ? .init(status: 500) : .init(text: Self.rss("ok"))
        }
        let directory = try TemporaryDirectory()
        let config = try directory.write("c.yaml", "state_dir: state\nfeeds:\n  - url: \(server.url("/ok"))\n  - url: \(server.url("/bad"))\n")
        let result = try await Subprocess.run("feedd", ["--config", config, "--once"], environment: ["JOURNAL_STREAM": "8:12345"])
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.contains { $0.hasPrefix("<6>info fetched") && $0.contains("items_new=1") && $0.contains("status=200") })
        #expect(lines.contains { $0.hasPrefix("<4>warning fetch failed") && $0.contains("error=\"HTTP 500\"") })
        #expect(lines.allSatisfy { $0.hasPrefix("<") }, "no timestamps of its own under journald")
        #expect(!result.stderr.contains("\u{1B}"), "no colours")
        let plain = try await Subprocess.run("feedd", ["--config", config, "--once"], environment: ["JOURNAL_STREAM": nil])
        #expect(plain.stderr.split(separator: "\n").allSatisfy { $0.first?.isNumber == true })
    }
}
