import ArgumentParser

/// Benchmarks for feedd, run in release mode: `swift run -c release feedbench parse`.
@main
struct Feedbench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "feedbench",
        abstract: "Measure feedd's speed and memory against peers on generated corpora.",
        subcommands: [ParseBenchmark.self, FetchBenchmark.self, StoreBenchmark.self, APIBenchmark.self, FastPathBenchmark.self, ExtractBenchmark.self, ParseFiles.self, HostileCase.self, BenchmarkServer.self])
}
