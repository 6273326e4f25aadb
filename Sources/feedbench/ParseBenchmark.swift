import ArgumentParser
import FeedModel
import FeedParser
import Foundation

/// `feedbench parse`: feedd's parser against sfeed and Python feedparser on the same generated files, each
/// engine in its own process so its peak memory is its own.
struct ParseBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parse",
        abstract: "Parse a generated corpus with feedd, sfeed and feedparser; report MB/s, items/s, CPU, peak RSS.")

    @Option(help: "Folder for the generated corpus (reused when it already holds one).")
    var corpus = FileManager.default.temporaryDirectory.appendingPathComponent("feedbench-corpus").path

    @Option(help: "How many 5 KB–2 MB feeds beside the 50 MB one.")
    var feeds = 300

    @Flag(help: "Skip the peers (sfeed, python3 feedparser).")
    var noPeers = false

    @Flag(help: "Also run the hostile documents (time and peak memory of each).")
    var hostile = false

    @Option(help: "Runs of feedd and sfeed per set; the median is reported (feedparser runs once).")
    var runs = 3

    func run() throws {
        let directory = URL(fileURLWithPath: corpus)
        var generator = CorpusGenerator(seed: 2026)
        let big = directory.appendingPathComponent("big.xml")
        let small: [URL]
        if FileManager.default.fileExists(atPath: big.path),
            let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path).filter({ $0.hasPrefix("feed-") }),
            names.count == feeds
        {
            small = names.sorted().map { directory.appendingPathComponent($0) }
        } else {
            try? FileManager.default.removeItem(at: directory)
            print("generating corpus in \(directory.path) …")
            small = try generator.writeCorpus(in: directory, count: feeds).small
        }
        let sets: [(String, [URL])] = [("50 MB feed", [big]), ("\(feeds) feeds", small)]
        let me = CommandLine.arguments[0]
        let feedctl = URL(fileURLWithPath: me).deletingLastPathComponent().appendingPathComponent("feedctl").path

        print("engine       set            MB      items   wall s   cpu s   MB/s   items/s   peak RSS MB")
        for (label, files) in sets {
            let megabytes = Double(files.reduce(0) { $0 + ((try? $1.resourceValues(forKeys: [.fileSizeKey]).fileSize) ?? 0) }) / 1e6
            let report = FileManager.default.temporaryDirectory.appendingPathComponent("feedbench-report-\(getpid())")
            let ours = median((0..<max(1, runs)).map { _ in
                measureProcess(me, ["parse-files", "--report", report.path] + files.map(\.path))
            })
            let items = Int((try? String(contentsOf: report, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "") ?? 0
            row("feedd", label, megabytes, items, ours)
            // What a person runs: whole `feedctl parse --json` processes, one per file, output thrown away.
            let printing = median((0..<max(1, runs)).map { _ in
                measureProcess("/bin/sh", ["-c", "for file in \"$@\"; do \"$0\" parse \"$file\" --json > /dev/null || exit 1; done", feedctl] + files.map(\.path))
            })
            row("feedctl", label, megabytes, items, printing)
            guard !noPeers else { continue }
            // One sfeed process per file, as it reads one document from stdin; the shell's children are
            // measured together (per process, GNU time's centiseconds would round their CPU time away).
            let loop = "for file in \"$@\"; do sfeed < \"$file\" || exit 1; done"
            let sfeed = median((0..<max(1, runs)).map { _ in
                measureProcess("/bin/sh", ["-c", loop, "sh"] + files.map(\.path))
            })
            row("sfeed", label, megabytes, items, sfeed)
            let script = "import sys, feedparser\nfor path in sys.argv[1:]:\n    feedparser.parse(open(path, 'rb').read())"
            row("feedparser", label, megabytes, items, measureProcess("python3", ["-c", script] + files.map(\.path)))
        }
        // One feed of about 2 MB, as `feedctl parse URL --json` is used to debug one: wall time per process.
        if let largest = small.max(by: { size($0) < size($1) }) {
            let walls = (0..<9).map { _ in measureProcess(feedctl, ["parse", largest.path, "--json"]).wallSeconds }
            print("\nfeedctl parse --json, one \(formatted(Double(size(largest)) / 1e6)) MB feed: "
                + "\(formatted(walls.sorted()[walls.count / 2] * 1000, 1)) ms (median of 9, whole process)")
        }
        if hostile {
            print("\nhostile document        wall s   peak RSS MB   result")
            for name in HostileCase.Kind.allCases {
                let report = FileManager.default.temporaryDirectory.appendingPathComponent("feedbench-hostile-\(getpid())")
                let cost = measureProcess(me, ["hostile", name.rawValue, "--report", report.path])
                let outcome = (try? String(contentsOf: report, encoding: .utf8)) ?? "?"
                print(
                    name.rawValue.padding(toLength: 22, withPad: " ", startingAt: 0),
                    formatted(cost.wallSeconds, 3).leftPadded(7), formatted(Double(cost.peakRSSKiB) / 1024).leftPadded(12),
                    "  " + outcome)
            }
        }
    }

    private func size(_ file: URL) -> Int { (try? file.resourceValues(forKeys: [.fileSizeKey]).fileSize) ?? 0 }

    /// The run with the median wall time.
    private func median(_ costs: [RunCost]) -> RunCost {
        costs.sorted { $0.wallSeconds < $1.wallSeconds }[costs.count / 2]
    }

    private func row(_ engine: String, _ label: String, _ megabytes: Double, _ items: Int, _ cost: RunCost) {
        let status = cost.status == 0 ? "" : "  (exit \(cost.status))"
        print(
            engine.padding(toLength: 12, withPad: " ", startingAt: 0), label.padding(toLength: 12, withPad: " ", startingAt: 0),
            formatted(megabytes).leftPadded(7), String(items).leftPadded(9), formatted(cost.wallSeconds, 2).leftPadded(8),
            formatted(cost.cpuSeconds, 2).leftPadded(7), formatted(megabytes / max(cost.wallSeconds, 1e-9)).leftPadded(6),
            formatted(Double(items) / max(cost.wallSeconds, 1e-9), 0).leftPadded(9),
            formatted(Double(cost.peakRSSKiB) / 1024).leftPadded(13) + status)
    }
}

/// The worker: streams each file through the parser in 64 KB chunks, as curl would hand it over.
struct ParseFiles: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "parse-files", shouldDisplay: false)

    @Option var report: String
    @Argument var files: [String]

    func run() throws {
        var items = 0
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        for path in files {
            guard let handle = FileHandle(forReadingAtPath: path) else { continue }
            let parser = StreamingFeedParser(url: URL(string: "https://feeds.example.org/feed"))
            while true {
                let count = read(handle.fileDescriptor, &chunk, chunk.count)
                guard count > 0 else { break }
                chunk.withUnsafeBytes { parser.append(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
            }
            try? handle.close()
            items += (try? parser.finish())?.items.count ?? 0
        }
        try Data("\(items)\n".utf8).write(to: URL(fileURLWithPath: report))
    }
}

extension String {
    func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
