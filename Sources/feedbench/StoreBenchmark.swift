import FeedCore
import FeedConfiguration
import FeedDaemon
import ArgumentParser
import FeedFetcher
import FeedModel
import FeedParser
import FeedStore
import Foundation
import Logging
import TestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// A binary older than the code it is built from would time other code than the store the benchmark builds.
struct StaleBinary: Error, CustomStringConvertible {
    var name: String
    var path: String
    var description: String {
        "\(path) is missing or older than the code it is built from: build every product first (swift build -c release)"
    }
}

/// `feedbench store`: a store of 100,000 items over 500 feeds (about 2 KB of content each, 1,000 unread; one
/// item in a hundred says "zéphyrin" in its content), then the costs a person and the daemon pay on it,
/// measured on the real binaries; with `--baseline DIR`, the same commands of an older build beside them.
/// `--feeds 5000` makes the 1,000,000-item store.
struct StoreBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store", abstract: "Time feedctl list/feeds/read, one merge, and feedd's memory on a 100k-item store.")

    @Option(help: "Feeds in the store.")
    var feeds = 500

    @Option(help: "Items per feed.")
    var items = 200

    @Option(help: "Unread items (the rest are read).")
    var unread = 1000

    @Option(help: "Runs of each command; the median is reported.")
    var runs = 5

    @Option(help: "Build the store in this folder and keep it (default: a temporary folder, removed after).")
    var keep: String?

    @Option(help: "A folder with an older build's feedd and feedctl, timed beside this build's on the same store.")
    var baseline: String?

    func run() async throws {
        try Self.requireCurrentBinaries(["feedd", "feedctl"])
        let scratch = try TemporaryDirectory()
        let directory = keep.map { URL(fileURLWithPath: $0, isDirectory: true) } ?? scratch.url
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let built = try BenchmarkStore.build(feeds: feeds, items: items, unread: unread, in: directory)
        let (state, store, configPath, allKeys) = (built.state, built.store, built.configPath, built.allKeys)
        let (content, firstDate, yaml) = (BenchmarkStore.content, built.firstDate, built.yaml)
        fflush(nil)

        // Whole processes, started with posix_spawn and waited for on this thread (under GNU time, a small C
        // parent): what a person waits for. Each command runs with this build, then with the baseline's.
        let builds = [("this build", Subprocess.binaryDirectory.path)] + (baseline.map { [("baseline", $0)] } ?? [])
        func median(_ binaries: String, _ arguments: [String], runs: Int? = nil) -> Double {
            var walls: [Double] = []
            for _ in 0..<(runs ?? self.runs) {
                walls.append(measureProcess(binaries + "/feedctl", arguments + ["--config", configPath]).wallSeconds)
            }
            return walls.sorted()[walls.count / 2] * 1000
        }
        func line(_ label: String, target: String, _ measure: (String) -> Double) {
            let figures = builds.map { name, binaries in "\(formatted(measure(binaries), 1)) ms" + (builds.count > 1 ? " (\(name))" : "") }
            print(label.padding(toLength: 50, withPad: " ", startingAt: 0) + figures.joined(separator: ", ") + " (target \(target))")
            fflush(nil)  // each figure as it comes, also into a file
        }
        // The first run of this build builds the search index from the store: what an upgrade costs once.
        let indexing = measureProcess(Subprocess.path("feedctl"), ["list", "--all", "--search", "zéphyrin", "--config", configPath])
        print("first feedctl run, building the index       \(formatted(indexing.wallSeconds, 2)) s, peak RSS \(formatted(Double(indexing.peakRSSKiB) / 1024, 1)) MB")
        line("feedctl list (\(unread) unread)", target: "≤ 100 ms at 100k, ≤ 150 at 1M") { median($0, ["list"]) }
        line("feedctl list --all --limit 50", target: "≤ 150 ms") { median($0, ["list", "--all", "--limit", "50"]) }
        line("feedctl list --all (every item)", target: "≤ 1 s at 100k") { median($0, ["list", "--all"], runs: 3) }
        line("feedctl list --all --json", target: "≤ 2 s at 100k") { median($0, ["list", "--all", "--json"], runs: 3) }
        line("feedctl list --all --search zéphyrin (1 %)", target: "≤ 300 ms at 100k, ≤ 1 s at 1M") {
            median($0, ["list", "--all", "--search", "zéphyrin"])
        }
        line("feedctl feeds", target: "≤ 100 ms") { median($0, ["feeds"]) }
        // The same store under 50 rules, one of which tags the 1 % of items saying "zéphyrin".
        let ruled = directory.appendingPathComponent("rules.yaml").path
        try Data(yaml.replacingOccurrences(of: "feeds:\n", with: "rules:\n" + FetchBenchmark.rules(49)
            + "  - tag: {content: \"(?i)zéphyrin\", tag: z}\nfeeds:\n").utf8).write(to: URL(fileURLWithPath: ruled))
        let ruleRuns = (0..<runs).map { _ in measureProcess(Subprocess.path("feedctl"), ["rules", "test", "--config", ruled]).wallSeconds }
        print("feedctl rules test (50 rules, every item)     \(formatted(ruleRuns.sorted()[runs / 2] * 1000, 1)) ms (target ≤ 2 s at 100k)")
        // The reader in a terminal (script's pty), told to quit by a q that waits in its input: the time
        // to its first screen, and its end.
        let quit = directory.appendingPathComponent("q")
        try Data("q".utf8).write(to: quit)
        var readerWalls: [Double] = []
        for _ in 0..<runs {
            let command = "\(Subprocess.path("feedctl")) tui --config \(configPath)"
            readerWalls.append(measureProcess("/usr/bin/script", ["-qec", command, "/dev/null"], stdinPath: quit.path).wallSeconds)
        }
        print("feedctl tui, start to first screen and quit       \(formatted(readerWalls.sorted()[runs / 2] * 1000, 1)) ms (target ≤ 200 at 1M)")
        // One refresh of one feed that gained three items: fetch (file://), parse, merge, write.
        let configuration = try Configuration.load(path: configPath)
        let refresher = Refresher(store: store, engine: FetchEngine(), logger: Logger(label: "bench") { _ in SwiftLogNoOpLogHandler() })
        let feed = configuration.feeds[0]
        let parser = ContinuousClock()
        var refreshes: [Double] = []
        var parses: [Double] = []
        for round in 1...max(runs, 3) {
            // Each round the feed gains three items (a publisher's feed keeps its newest `items`).
            let grown = (0..<(items + 3 * round)).map { number in
                ParsedItem(
                    id: "https://site0.example.org/\(number)", title: "Article \(number) du flux 0", link: "https://site0.example.org/\(number)",
                    published: Date(timeIntervalSince1970: firstDate + Double(number) * 60), authors: ["Autrice 0"],
                    categories: ["Catégorie \(number % 5)"], summary: "Résumé.", content: content)
            }.suffix(items)
            let body = Data(BenchmarkStore.rss(title: "Flux 0", Array(grown)).utf8)
            try body.write(to: feed.url)
            parses.append(seconds(parser.measure { _ = try? StreamingFeedParser.parse(body, url: feed.url) }))
            let begun = ContinuousClock.now
            let outcome = await refresher.refresh(feed)
            refreshes.append(seconds(ContinuousClock.now - begun))
            guard case .updated(3, _) = outcome.result else {
                print("unexpected refresh result: \(outcome.result)")
                return
            }
        }
        let refresh = refreshes.sorted()[refreshes.count / 2] * 1000
        let parse = parses.sorted()[parses.count / 2] * 1000
        print("one refresh of one feed, 3 new items     \(formatted(refresh, 1)) ms: read and parse \(formatted(parse, 1)) ms, merge and write \(formatted(refresh - parse, 1)) ms (target ≤ 20)")

        // Marking: ids of read items (the oldest), one at a time and 250 in one call, with each build. Every
        // run marks unread what the one before marked read, so each finds the same work.
        let oldest = allKeys.prefix(250 + runs).map { ItemIdentity.itemID(logicalKey: $0) }
        line("feedctl unread ID (one read item)", target: "≤ 50 ms") { binaries in
            var walls: [Double] = []
            for id in oldest.prefix(runs) {
                walls.append(measureProcess(binaries + "/feedctl", ["unread", id, "--config", configPath]).wallSeconds)
                _ = measureProcess(binaries + "/feedctl", ["read", id, "--config", configPath])
            }
            return walls.sorted()[walls.count / 2] * 1000
        }
        // A baseline that reads every feed file once per id gets 5 ids, not 250: 250 would take it an hour.
        let batch = Array(oldest.suffix(250))
        func ids(_ binaries: String) -> [String] { binaries == baseline ? Array(batch.prefix(5)) : batch }
        line("feedctl unread (250 ids in one call; baseline 5)", target: "≤ 200 ms at 1M") { binaries in
            let wall = measureProcess(binaries + "/feedctl", ["unread"] + ids(binaries) + ["--config", configPath]).wallSeconds
            _ = measureProcess(binaries + "/feedctl", ["read"] + ids(binaries) + ["--config", configPath])
            return wall * 1000
        }
        line("feedctl read (250 ids in one call; baseline 5)", target: "≤ 200 ms at 1M") { binaries in
            _ = measureProcess(binaries + "/feedctl", ["unread"] + ids(binaries) + ["--config", configPath])
            return measureProcess(binaries + "/feedctl", ["read"] + ids(binaries) + ["--config", configPath]).wallSeconds * 1000
        }
        let starring = measureProcess(Subprocess.path("feedctl"), ["star"] + batch + ["--config", configPath])
        let oneStar = measureProcess(Subprocess.path("feedctl"), ["star", oldest[0], "--config", configPath])
        print("feedctl star (250 ids / one id)             \(formatted(starring.wallSeconds * 1000, 1)) ms / \(formatted(oneStar.wallSeconds * 1000, 1)) ms (target ≤ 200 / ≤ 50)")
        print("disk: \(formatted(Double(diskBytes(state)) / 1e6, 1)) MB in \(state.path)")

        // feedd holding the store: every feed due, each file re-read (same body after the first parse).
        var stateFiles = 0
        for feed in configuration.feeds {
            var fetch = try store.loadFetchState(url: feed.url.absoluteString) ?? FetchState()
            fetch.nextFetch = nil
            try store.transaction { held throws(StoreError) in try held.saveFetchState(url: feed.url.absoluteString, fetch: fetch) }
            stateFiles += 1
        }
        let cost = measureProcess(Subprocess.path("feedd"), ["--config", configPath, "--once", "--log-level", "error"])
        print("feedd --once over all \(stateFiles) feeds: \(formatted(cost.wallSeconds, 2)) s, peak RSS \(formatted(Double(cost.peakRSSKiB) / 1024, 1)) MB (target ≤ 150)")
    }

    private func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    private func diskBytes(_ directory: URL) -> Int {
        let enumerator = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: [.fileSizeKey])
        var total = 0
        while let url = enumerator?.nextObject() as? URL {
            total += (try? url.resourceValues(forKeys: [.fileSizeKey]).fileSize) ?? 0
        }
        return total
    }

    /// Fails unless each binary is newer than every object file of the modules it links: a stale feedd or
    /// feedctl (this benchmark was rebuilt, they were not) would time other code than the store it builds.
    static func requireCurrentBinaries(_ names: [String]) throws {
        let directory = Subprocess.binaryDirectory
        func modified(_ path: String) -> Date? {
            (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date
        }
        for name in names {
            let path = Subprocess.path(name)
            let modules = [
                "FeedModel", "FeedCore", "FeedParser", "FeedFetcher", "FeedStore", "FeedConfiguration", "FeedIndex", "FeedCatalog",
                "FeedSync", "FeedAPIServer", "FeedDaemon", name,
            ]
            let newestObject = modules.flatMap { module -> [Date] in
                let folder = directory.appendingPathComponent(module + ".build").path
                let objects = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasSuffix(".o") }
                return objects.compactMap { modified(folder + "/" + $0) }
            }.max() ?? .distantPast
            guard let built = modified(path), built >= newestObject else { throw StaleBinary(name: name, path: path) }
        }
    }
}
