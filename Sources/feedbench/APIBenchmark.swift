import ArgumentParser
import FeedSync
import Foundation
import TestSupport

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif
#if canImport(Glibc)
    import Glibc
#endif

/// `feedbench api`: feedd (this release build) serving the sync API on the 100,000-item store, measured as
/// apps use it: `stream/items/ids` of the unread reading list (1,000 ids) and `stream/items/contents` of 100
/// items, one request at a time (p50, p99), then requests per second with 64 connections (Debian's `wrk`,
/// when installed), and feedd's peak RSS.
struct APIBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "api", abstract: "Time the sync API's ids and contents, its throughput and feedd's memory on a 100k-item store.")

    @Option(help: "Feeds in the store.")
    var feeds = 500

    @Option(help: "Items per feed.")
    var items = 200

    @Option(help: "Unread items.")
    var unread = 1000

    @Option(help: "Requests of each kind timed one at a time.")
    var requests = 200

    @Option(help: "Seconds of the 64-connection run.")
    var seconds = 10

    @Option(help: "Build the store in this folder and keep it; an existing one is used as it is.")
    var keep: String?

    func run() async throws {
        try StoreBenchmark.requireCurrentBinaries(["feedd"])
        let scratch = try TemporaryDirectory()
        let directory = keep.map { URL(fileURLWithPath: $0, isDirectory: true) } ?? scratch.url
        let configPath = directory.appendingPathComponent("c.yaml").path
        if !FileManager.default.fileExists(atPath: configPath) {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            _ = try BenchmarkStore.build(feeds: feeds, items: items, unread: unread, in: directory)
        }
        let hash = try PasswordHash.make(user: "bench", password: "bench password")
        try Data(hash.fileText.utf8).write(to: directory.appendingPathComponent("bench.hash"))
        let port = try FreePort.take()
        let base = "http://127.0.0.1:\(port)"
        let yaml = try String(contentsOfFile: configPath, encoding: .utf8)
            + "api:\n  listen: 127.0.0.1:\(port)\n  users:\n    - name: bench\n      password_hash_file: bench.hash\n"
        let apiConfig = directory.appendingPathComponent("api.yaml").path
        try Data(yaml.utf8).write(to: URL(fileURLWithPath: apiConfig))
        let log = open(directory.appendingPathComponent("feedd.log").path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        let daemon = try ChildProcess.launch(
            Subprocess.path("feedd"), ["--config", apiConfig], environment: ProcessInfo.processInfo.environment, stderr: log)
        close(log)
        defer { daemon.send(SIGTERM) }

        let session = URLSession(configuration: .ephemeral)
        var token = ""
        for _ in 0..<100 where token.isEmpty {
            if let reply = try? await post(session, base + "/accounts/ClientLogin", "Email=bench&Passwd=bench+password", token: nil) {
                token = reply.split(separator: "\n").first { $0.hasPrefix("Auth=") }.map { String($0.dropFirst(5)) } ?? ""
            }
            if token.isEmpty { try await Task.sleep(for: .milliseconds(100)) }
        }
        guard !token.isEmpty else { throw ValidationError("feedd did not answer a login on \(base); see \(directory.path)/feedd.log") }
        let reading = "user/-/state/com.google/reading-list", read = "user/-/state/com.google/read"
        let idsURL = "\(base)/reader/api/0/stream/items/ids?s=\(reading)&xt=\(read)&n=1000"
        let firstPage = try await get(session, idsURL, token: token)
        let refs = try JSONDecoder().decode(Refs.self, from: firstPage).itemRefs.map(\.id)
        let contentsForm = refs.prefix(100).map { "i=\($0)" }.joined(separator: "&")
        print("store: \(refs.count) unread ids in the reading list; timing \(requests) requests of each kind")

        // A mark before each request leaves nothing to give again: the answer is computed from the store.
        let toggled = refs.last ?? ""
        var marks = 0
        func mark() async throws {
            marks += 1
            let action = marks % 2 == 1 ? "a" : "r"
            _ = try await post(session, "\(base)/reader/api/0/edit-tag", "i=\(toggled)&\(action)=user/-/state/com.google/starred", token: token)
        }
        func timed(afterAMark: Bool = false, _ request: () async throws -> Void) async throws -> (p50: Double, p99: Double) {
            var walls: [Double] = []
            for _ in 0..<requests {
                if afterAMark { try await mark() }
                let started = ContinuousClock.now
                try await request()
                let elapsed = ContinuousClock.now - started
                walls.append(Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15)
            }
            walls.sort()
            return (walls[walls.count / 2], walls[min(walls.count - 1, walls.count * 99 / 100)])
        }
        for afterAMark in [true, false] {
            let when = afterAMark ? "after a change" : "unchanged store"
            let ids = try await timed(afterAMark: afterAMark) { _ = try await get(session, idsURL, token: token) }
            print("stream/items/ids, unread reading list (1,000 ids), \(when)".padding(toLength: 72, withPad: " ", startingAt: 0)
                + "p50 \(formatted(ids.p50, 1)) ms, p99 \(formatted(ids.p99, 1)) ms (target p50 ≤ 20)")
            let contents = try await timed(afterAMark: afterAMark) {
                _ = try await post(session, "\(base)/reader/api/0/stream/items/contents", contentsForm, token: token)
            }
            print("stream/items/contents, 100 items, \(when)".padding(toLength: 72, withPad: " ", startingAt: 0)
                + "p50 \(formatted(contents.p50, 1)) ms, p99 \(formatted(contents.p99, 1)) ms (target p50 ≤ 30)")
        }

        if FileManager.default.isExecutableFile(atPath: "/usr/bin/wrk") {
            let run = try await Subprocess.runCommand(
                "/usr/bin/wrk", ["-t2", "-c64", "-d\(seconds)s", "--latency", "-H", "Authorization: GoogleLogin auth=\(token)", idsURL])
            let rate = run.stdout.split(separator: "\n").first { $0.hasPrefix("Requests/sec:") }.map { $0.split(separator: " ").last.map(String.init) ?? "" } ?? "?"
            let p99 = run.stdout.split(separator: "\n").first { $0.trimmingCharacters(in: .whitespaces).hasPrefix("99%") }
                .map { $0.split(separator: " ").last.map(String.init) ?? "" } ?? "?"
            let errors = run.stdout.split(separator: "\n").filter { $0.contains("Non-2xx") || $0.contains("Socket errors") }.joined(separator: "; ")
            print("wrk, 64 connections, \(seconds) s, stream/items/ids: \(rate) requests/s, p99 \(p99)\(errors.isEmpty ? "" : ", " + errors) (target ≥ 2,000/s)")
        } else {
            print("wrk is not installed (apt-get install wrk): no throughput figure")
        }
        let status = (try? String(contentsOfFile: "/proc/\(daemon.pid)/status", encoding: .utf8)) ?? ""
        let peak = status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") }.map { $0.split(whereSeparator: \.isWhitespace)[1] }
        print("feedd peak RSS with the API: \(peak.flatMap { Double($0) }.map { formatted($0 / 1024, 1) } ?? "?") MB (target ≤ 200)")
    }

    private struct Refs: Decodable {
        struct Ref: Decodable { let id: String }
        let itemRefs: [Ref]
    }

    private func get(_ session: URLSession, _ url: String, token: String) async throws -> Data {
        var request = URLRequest(url: URL(string: url)!)
        request.setValue("GoogleLogin auth=\(token)", forHTTPHeaderField: "Authorization")
        let (data, response) = try await session.data(for: request)
        guard (response as? HTTPURLResponse)?.statusCode == 200 else { throw ValidationError("\(url): \(String(decoding: data, as: UTF8.self))") }
        return data
    }

    private func post(_ session: URLSession, _ url: String, _ form: String, token: String?) async throws -> String {
        var request = URLRequest(url: URL(string: url)!)
        request.httpMethod = "POST"
        request.httpBody = Data(form.utf8)
        request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
        if let token { request.setValue("GoogleLogin auth=\(token)", forHTTPHeaderField: "Authorization") }
        let (data, response) = try await session.data(for: request)
        guard (response as? HTTPURLResponse)?.statusCode == 200 else { throw ValidationError("\(url): \(String(decoding: data, as: UTF8.self))") }
        return String(decoding: data, as: UTF8.self)
    }
}
