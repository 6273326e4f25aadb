import Foundation
import TestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// feedd running as a service would, its log in a file the test reads as it goes.
struct RunningDaemon {
    let process: ChildProcess
    let logPath: String

    init(config: String, directory: TemporaryDirectory, environment extra: [String: String] = [:]) throws {
        logPath = directory.url.appendingPathComponent("feedd.log").path
        let descriptor = open(logPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        defer { close(descriptor) }
        let environment = ProcessInfo.processInfo.environment.merging(extra) { _, given in given }
        process = try ChildProcess.launch(Subprocess.path("feedd"), ["--config", config], environment: environment, stderr: descriptor)
    }

    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    func count(_ text: String) -> Int { log.components(separatedBy: text).count - 1 }

    /// Polls until `condition` holds, for at most `seconds`; says whether it came.
    func wait(seconds: Double, until condition: () -> Bool) async throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        return condition()
    }

    func stop() async -> ChildProcess.Termination {
        process.send(SIGTERM)
        return await process.termination()
    }
}
