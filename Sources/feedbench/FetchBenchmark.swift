import FeedCore
import FeedConfiguration
import FeedDaemon
import class FeedHooks.HookRunner
import Dispatch
import ArgumentParser
import FeedParser
import FeedStore
import Foundation
import Logging
import TestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// `feedbench fetch`: 500 feeds from a local server that adds 50 ms to every request and honours ETag and
/// If-Modified-Since, fetched by the real daemon pipeline in three cycles: cold, warm (nothing changed),
/// and one where 10 % of the feeds gained an item. Optionally sfeed_update on the same server.
struct FetchBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fetch", abstract: "Fetch 500 feeds from a 50 ms-latency local server in three cycles.")

    @Option(help: "How many feeds.")
    var feeds = 500

    @Option(help: "Latency the server adds to every request, in milliseconds.")
    var latency = 50

    @Option(help: "fetch.concurrency (per_host is raised to match: all feeds share one host).")
    var concurrency = 16

    @Option(help: "How many of the three cycles to run (1: the cold one only, to profile it).")
    var cycles = 3

    @Flag(help: "Make the server close every connection after one response (by default it keeps them open, as web servers do).")
    var closeConnections = false

    @Flag(help: "Also time sfeed_update (8 jobs) on the same server, three cycles.")
    var sfeedUpdate = false

    @Flag(help: "Also time newsboat (-x reload, 8 reload threads) on the same server, three cycles.")
    var newsboat = false

    @Option(help: "How many times to run the cycles, each time from an empty state and a fresh server (medians are reported).")
    var rounds = 1

    @Option(help: "Also run each round's cycles with this many rules in the config (title, content, author and category patterns that block none of the feeds' items), and compare the cold cycles.")
    var rules = 0

    @Option(help: "Also run the cold cycle with an exec hook on every feed's new items, once quick and once taking this many seconds (sleep), its runner beside fetching as in the daemon, and compare the three.")
    var slowHook = 0.0

    func run() async throws {
        print(
            "feeds: \(feeds), latency: \(latency) ms, concurrency: \(concurrency);"
                + " latency bound \(formatted(Double(feeds) / Double(concurrency) * Double(latency) / 1000, 2)) s;"
                + " the server \(closeConnections ? "closes every connection" : "keeps connections open")")
        var coldCPU: [Double] = []
        var coldCPUWithRules: [Double] = []
        var parsing: [Double] = []
        var parsingInside: [Double] = []
        var states: [TemporaryDirectory] = []
        for round in 1...max(rounds, 1) {
            if rounds > 1 { print("round \(round):") }
            let cold = try await runCycles(rules: 0)
            coldCPU.append(cold.all)
            if rules > 0 {
                print("the same cycles with \(rules) rules:")
                let ruled = try await runCycles(rules: rules)
                coldCPUWithRules.append(ruled.all)
                print(
                    "cold cycle with \(rules) rules: \(formatted(ruled.all, 2)) ms CPU per feed, without: \(formatted(cold.all, 2))"
                        + " (\(formatted((ruled.all / cold.all - 1) * 100, 1)) %)")
            }
            if slowHook > 0 {
                print("the cold cycle with a quick exec hook (sh, no sleep) per feed:")
                let quick = try await runCycles(rules: 0, hookSleep: 0)
                print("the cold cycle with an exec hook that sleeps \(formatted(slowHook, 1)) s per delivery:")
                let slow = try await runCycles(rules: 0, hookSleep: slowHook)
                print(
                    "cold cycle wall, CPU per feed: no hook \(formatted(cold.wall, 2)) s, \(formatted(cold.all, 2)) ms;"
                        + " quick hook \(formatted(quick.wall, 2)) s, \(formatted(quick.all, 2)) ms;"
                        + " slow hook \(formatted(slow.wall, 2)) s, \(formatted(slow.all, 2)) ms"
                        + " (slow against quick: \(formatted((slow.wall / quick.wall - 1) * 100, 1)) % wall)")
            }
            parsingInside.append(cold.parsing)
            states.append(cold.state)
            parsing.append(try parsingCPUPerFeed())
            print(
                "parsing alone (the cold cycle's \(feeds) bodies, one after another, best of 3): \(formatted(parsing.last ?? 0, 2)) ms CPU per feed;"
                    + " the cold cycle beyond parsing: \(formatted(cold.all - (parsing.last ?? 0), 2)) ms per feed")
            print(
                "parsing inside the cold cycle (thread CPU clocks around each parse): \(formatted(cold.parsing, 2)) ms per feed;"
                    + " the cold cycle beyond it: \(formatted(cold.all - cold.parsing, 2)) ms per feed")
        }
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        print("peak RSS of feedd's pipeline (this process): \(formatted(Double(usage.ru_maxrss) / 1024)) MB")
        if rounds > 1 {
            print(
                "over \(rounds) rounds, ms CPU per feed, median [range]: cold cycle \(summary(coldCPU)),"
                    + " parsing alone \(summary(parsing)), beyond parsing alone \(summary(zip(coldCPU, parsing).map { $0 - $1 })),"
                    + " parsing inside \(summary(parsingInside)), beyond parsing inside \(summary(zip(coldCPU, parsingInside).map { $0 - $1 }))"
                    + (rules > 0 ? ", cold cycle with \(rules) rules \(summary(coldCPUWithRules))" : ""))
        }
        states.removeAll()  // the rounds' state directories go now
        if sfeedUpdate || newsboat {
            try await withServer { url in
                if sfeedUpdate { try runSfeedUpdate(url: url) }
                if newsboat { try runNewsboat(url: url) }
            }
        }
    }

    /// `count` rules of the kinds people write, cycling through block, mark_read, star and tag, on every
    /// field they use most; none matches the generated items, so every rule is tried on every new item.
    static func rules(_ count: Int) -> String {
        (0..<count).map { number in
            switch number % 4 {
            case 0: "  - block: {title: \"(?i)sponsored \(number)|promo-\(number)\"}\n"
            case 1: "  - mark_read: {author: \"^bot-\(number)$\"}\n"
            case 2: "  - star: {category: \"^advisory-\(number)$\", title: \"(?i)security\"}\n"
            default: "  - tag: {content: \"(?i)\\\\bkeyword\(number)\\\\b\", tag: t\(number)}\n"
            }
        }.joined()
    }

    private func summary(_ values: [Double]) -> String {
        let sorted = values.sorted()
        let middle = sorted.count / 2
        let median = sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
        return "\(formatted(median, 2)) [\(formatted(sorted.first ?? 0, 2))–\(formatted(sorted.last ?? 0, 2))]"
    }

    /// Starts `feedbench serve` (its own process, so this one's CPU time is feedd's alone) and runs `body`
    /// with the URL of each feed on it.
    private func withServer<T>(_ body: (_ url: @escaping (Int) -> String, _ server: ChildProcess, _ log: String) async throws -> T) async throws -> T {
        let directory = try TemporaryDirectory()
        let portFile = directory.url.appendingPathComponent("port").path
        let logFile = directory.url.appendingPathComponent("requests.log").path
        let server = try ChildProcess.launch(
            CommandLine.arguments[0],
            ["serve", "--feeds", "\(feeds)", "--latency", "\(latency)", "--port-file", portFile, "--log", logFile]
                + (closeConnections ? ["--close-connections"] : []),
            environment: ProcessInfo.processInfo.environment)
        func stop() async {
            server.send(SIGKILL)
            _ = await server.termination()
        }
        do {
            var port = 0
            while port == 0 {
                try await Task.sleep(for: .milliseconds(20))
                port = Int((try? String(contentsOfFile: portFile, encoding: .utf8)) ?? "") ?? 0
            }
            let result = try await body({ "http://127.0.0.1:\(port)/feed/\($0)" }, server, logFile)
            await stop()
            return result
        } catch {
            await stop()
            throw error
        }
    }

    private func withServer(_ body: (_ url: @escaping (Int) -> String) throws -> Void) async throws {
        try await withServer { url, _, _ in try body(url) }
    }

    /// One round: the cycles from an empty state, one line each; returns the cold cycle's CPU ms per feed,
    /// all of it and what its parses took (thread CPU clocks around each), and the round's state, which the
    /// caller deletes at the end (ext4 without a journal spends CPU on creating files for minutes after
    /// many were deleted: the next round would pay for this one's clean-up).
    private func runCycles(rules: Int, hookSleep: Double? = nil) async throws -> (all: Double, parsing: Double, wall: Double, state: TemporaryDirectory) {
        try await withServer { url, server, logFile in
            let directory = try TemporaryDirectory()
            var yaml = "state_dir: state\nfetch:\n  concurrency: \(concurrency)\n  per_host: \(concurrency)\n"
            if rules > 0 { yaml += "rules:\n" + Self.rules(rules) }
            let attempts = directory.url.appendingPathComponent("attempts").path
            if let hookSleep {
                yaml += "hooks:\n  - name: bench\n    exec: [/bin/sh, -c, 'sleep \(hookSleep); echo >> \"\(attempts)\"']\n    timeout: 10m\n"
            }
            yaml += "feeds:\n"
            for index in 0..<feeds { yaml += "  - url: \(url(index))\n" }
            let config = try Configuration.parse(yaml, path: directory.url.appendingPathComponent("c.yaml").path)
            let silent = Logger(label: "feedbench") { _ in SwiftLogNoOpLogHandler() }
            let daemon = try Daemon(
                configuration: config, stateDirectory: directory.url.appendingPathComponent("state"),
                logger: silent)

            // With a hook, its runner works beside the cycles, as in the daemon.
            let hooks = hookSleep != nil ? HookRunner(store: daemon.store, configuration: config, logger: silent, environment: [:]) : nil
            let hookTask = hooks.map { runner in Task { await runner.run() } }
            // The daemon pokes its runner after every refresh that stored something; here, every 50 ms.
            let pokeTask = hooks.map { runner in
                Task {
                    while !Task.isCancelled {
                        try? await Task.sleep(for: .milliseconds(50))
                        runner.poke()
                    }
                }
            }
            defer {
                hookTask?.cancel()
                pokeTask?.cancel()
            }

            print("cycle          wall s   cpu s   cpu ms/feed   requests (by status)        conditional   bytes      items files rewritten")
            var coldCPUPerFeed = 0.0
            var coldParseInside = 0.0
            var coldWall = 0.0
            for cycle in ["cold", "warm", "10% changed"].prefix(hooks != nil ? 1 : cycles) {
                if cycle == "10% changed" {
                    server.send(SIGUSR1)
                    try await Task.sleep(for: .milliseconds(200))
                }
                try Data().write(to: URL(fileURLWithPath: logFile))
                let inodesBefore = itemFileInodes(directory.url.appendingPathComponent("state/feeds"))
                let cpuBefore = cpuSeconds()
                let started = ContinuousClock.now
                let outcomes = await daemon.refreshOnce(force: true, deliveringHooks: hooks == nil).outcomes
                let wall = ContinuousClock.now - started
                let cpu = cpuSeconds() - cpuBefore
                if cycle == "cold" {
                    coldWall = Double(wall.components.seconds) + Double(wall.components.attoseconds) / 1e18
                    coldCPUPerFeed = cpu * 1000 / Double(feeds)
                    let parse = outcomes.reduce(Duration.zero) { $0 + $1.parseCPUTime }.components
                    coldParseInside = (Double(parse.seconds) + Double(parse.attoseconds) / 1e18) * 1000 / Double(feeds)
                }
                let inodesAfter = itemFileInodes(directory.url.appendingPathComponent("state/feeds"))
                let rewritten = inodesAfter.filter { inodesBefore[$0.key] != $0.value }.count
                let log = ((try? String(contentsOfFile: logFile, encoding: .utf8)) ?? "").split(separator: "\n")
                var byStatus: [String: Int] = [:]
                for line in log { byStatus[String(line.split(separator: " ")[0]), default: 0] += 1 }
                let conditional = log.filter { $0.hasSuffix(" conditional") }.count
                let statusText = byStatus.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ")
                let bytes = outcomes.reduce(0) { $0 + $1.bytes }
                print(
                    cycle.padding(toLength: 13, withPad: " ", startingAt: 0),
                    formatted(Double(wall.components.seconds) + Double(wall.components.attoseconds) / 1e18, 2).leftPadded(7),
                    formatted(cpu, 2).leftPadded(7), formatted(cpu * 1000 / Double(feeds), 2).leftPadded(12),
                    "  " + statusText.padding(toLength: 26, withPad: " ", startingAt: 0),
                    String(conditional).leftPadded(11), String(bytes).leftPadded(10), String(rewritten).leftPadded(12))
            }
            if hooks != nil {
                let made = ((try? String(contentsOfFile: attempts, encoding: .utf8)) ?? "").count
                print("the hook meanwhile: \(made) of \(feeds) deliveries made during the cycle (one at a time, beside it)")
            }
            return (coldCPUPerFeed, coldParseInside, coldWall, directory)
        }
    }

    private func runNewsboat(url: (Int) -> String) throws {
        let directory = try TemporaryDirectory()
        let urls = try directory.write("urls", (0..<feeds).map(url).joined(separator: "\n") + "\n")
        let config = try directory.write("config", "reload-threads 8\n")
        let cache = directory.url.appendingPathComponent("cache.db").path
        print("\nnewsboat (-x reload, 8 reload threads), same server:")
        for cycle in ["first", "second", "third"] {
            let cost = measureProcess("/usr/bin/newsboat", ["-x", "reload", "-u", urls, "-c", cache, "-C", config])
            print("  \(cycle.padding(toLength: 8, withPad: " ", startingAt: 0)) wall \(formatted(cost.wallSeconds, 2)) s, cpu \(formatted(cost.cpuSeconds, 2)) s, exit \(cost.status)")
        }
    }

    private func runSfeedUpdate(url: (Int) -> String) throws {
        let directory = try TemporaryDirectory()
        var rc = "sfeedpath=\"\(directory.url.path)/feeds\"\nmaxjobs=8\nfeeds() {\n"
        for index in 0..<feeds { rc += "  feed \"f\(index)\" \"\(url(index))\"\n" }
        rc += "}\n"
        let rcPath = try directory.write("sfeedrc", rc)
        print("\nsfeed_update (8 jobs), same server:")
        for cycle in ["first", "second", "third"] {
            let cost = measureProcess("sfeed_update", [rcPath])
            print("  \(cycle.padding(toLength: 8, withPad: " ", startingAt: 0)) wall \(formatted(cost.wallSeconds, 2)) s, cpu \(formatted(cost.cpuSeconds, 2)) s")
        }
    }

    /// CPU per feed of parsing the cold cycle's bodies alone, best of three rounds.
    private func parsingCPUPerFeed() throws -> Double {
        let bodies = (0..<feeds).map { BenchmarkCorpus.entry(index: $0, items: 20).body }
        let url = URL(fileURLWithPath: "/feed.xml")
        var best = Double.infinity
        for _ in 0..<3 {
            let before = cpuSeconds()
            for body in bodies { _ = try StreamingFeedParser.parse(body, url: url, contentType: "application/rss+xml") }
            best = min(best, (cpuSeconds() - before) * 1000 / Double(feeds))
        }
        return best
    }

    private func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
            + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }

    /// Inode of every items file, to count the ones a cycle replaced.
    private func itemFileInodes(_ directory: URL) -> [String: Int] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        var result: [String: Int] = [:]
        for name in names where name.hasSuffix(".json") && !name.hasSuffix(".state.json") {
            let attributes = try? FileManager.default.attributesOfItem(atPath: directory.appendingPathComponent(name).path)
            result[name] = attributes?[.systemFileNumber] as? Int
        }
        return result
    }
}

/// The corpus `feedbench serve` serves: per path, a body and its validators.
final class BenchmarkCorpus: Sendable {
    struct Entry: Sendable {
        var body: Data
        var etag: String
        var lastModified: String
    }

    let entries: Locked<[String: Entry]>

    init(count: Int) {
        var entries: [String: Entry] = [:]
        for index in 0..<count {
            entries["/feed/\(index)"] = Self.entry(index: index, items: 20)
        }
        self.entries = Locked(entries)
    }

    static func entry(index: Int, items: Int) -> Entry {
        var text = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss version=\"2.0\"><channel><title>Feed \(index)</title>"
        for item in (0..<items).reversed() {
            text += "<item><title>Article \(item) du flux \(index) — « été »</title>"
                + "<link>https://site\(index % 40).example.org/\(index)/\(item)</link><guid>f\(index)-\(item)</guid>"
                + "<pubDate>Mon, 02 Nov 2026 \(10 + item % 10):00:00 +0000</pubDate>"
                + "<description>\(String(repeating: "Un paragraphe de résumé. ", count: 12))</description></item>"
        }
        text += "</channel></rss>"
        return Entry(body: Data(text.utf8), etag: "\"\(index)-\(items)\"", lastModified: "Mon, 02 Nov 2026 \(items % 24):00:00 GMT")
    }

    /// Adds an item to every tenth feed.
    func update() {
        entries.withLock { entries in
            for index in stride(from: 0, to: entries.count, by: 10) {
                entries["/feed/\(index)"] = Self.entry(index: index, items: 21)
            }
        }
    }
}

/// `feedbench serve`: the benchmark's server, in its own process, keeping connections open unless told to
/// close each. SIGUSR1 adds an item to 10 % of the feeds.
struct BenchmarkServer: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "serve", shouldDisplay: false)

    @Option var feeds = 500
    @Option var latency = 50
    @Option var portFile: String
    @Option var log: String
    @Flag var closeConnections = false

    func run() throws {
        let corpus = BenchmarkCorpus(count: feeds)
        let delay = UInt32(latency * 1000)
        let logPath = log
        let logLock = Locked(0)
        let server = try TestHTTPServer(keepAlive: !closeConnections) { request in
            usleep(delay)
            let validated = request.headers["if-none-match"] != nil || request.headers["if-modified-since"] != nil
            let response: TestHTTPServer.Response
            if let entry = corpus.entries.value[request.path] {
                if request.headers["if-none-match"] == entry.etag
                    || (request.headers["if-none-match"] == nil && request.headers["if-modified-since"] == entry.lastModified)
                {
                    response = .init(status: 304, headers: [("ETag", entry.etag)])
                } else {
                    response = .init(
                        headers: [("ETag", entry.etag), ("Last-Modified", entry.lastModified), ("Content-Type", "application/rss+xml")],
                        body: entry.body)
                }
            } else {
                response = .init(status: 404)
            }
            logLock.withLock { _ in
                if let handle = FileHandle(forWritingAtPath: logPath) {
                    handle.seekToEndOfFile()
                    handle.write(Data("\(response.status)\(validated ? " conditional" : "")\n".utf8))
                    try? handle.close()
                }
            }
            return response
        }
        signal(SIGUSR1, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGUSR1, queue: .global())
        source.setEventHandler { corpus.update() }
        source.resume()
        try Data("\(server.port)".utf8).write(to: URL(fileURLWithPath: portFile))
        while true { sleep(3600) }
    }
}
