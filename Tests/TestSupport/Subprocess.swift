import CSpawn
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A child process started with posix_spawn, holding no descriptor of the tests' beyond its standard three (a
/// test server's connection inherited by a long-lived daemon would never be closed or reset). Waiting for it happens on its own thread, so tests that run
/// the real binaries never block Swift's cooperative pool (two threads on a two-core machine).
public struct ChildProcess: Sendable {
    public let pid: pid_t

    /// How the child ended.
    public enum Termination: Sendable, Equatable {
        case exited(Int32)
        case signalled(Int32)
    }

    /// Starts `executable`; `stdout`/`stderr` are descriptors to hand the child (nil: /dev/null).
    public static func launch(
        _ executable: String, _ arguments: [String], environment: [String: String], stdout: Int32? = nil,
        stderr: Int32? = nil
    ) throws -> ChildProcess {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        if let stdout { posix_spawn_file_actions_adddup2(&actions, stdout, 1) } else {
            posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        }
        if let stderr { posix_spawn_file_actions_adddup2(&actions, stderr, 2) } else {
            posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        }
        posix_spawn_file_actions_addclosefrom_np(&actions, 3)
        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        // The test process may block signals on the thread that spawns; a child starts with none blocked.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var unblocked = sigset_t()
        sigemptyset(&unblocked)
        posix_spawnattr_setsigmask(&attributes, &unblocked)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK))
        var pid: pid_t = 0
        let status = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard status == 0 else { throw POSIXError(POSIXErrorCode(rawValue: status) ?? .EIO) }
        return ChildProcess(pid: pid)
    }

    public func send(_ signal: Int32) {
        kill(pid, signal)
    }

    /// Waits for the child to end, on a thread of its own.
    public func termination() async -> Termination {
        await withCheckedContinuation { continuation in
            Thread {
                var status: Int32 = 0
                while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
                let signal = status & 0x7F
                continuation.resume(returning: signal == 0 ? .exited((status >> 8) & 0xFF) : .signalled(signal))
            }.start()
        }
    }
}

/// Runs one of the package's executables (built next to the test runner) and captures what it printed.
public struct Subprocess: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String

    /// The folder holding the built `feedd` and `feedctl`: the test runner's own folder.
    public static var binaryDirectory: URL {
        URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
    }

    public static func path(_ name: String) -> String {
        binaryDirectory.appendingPathComponent(name).path
    }

    /// Runs any program (by absolute path) and captures what it printed.
    public static func runCommand(_ executable: String, _ arguments: [String], environment: [String: String?] = [:]) async throws
        -> Subprocess
    {
        try await run(path: executable, arguments, environment: environment)
    }

    /// Runs `name` with `arguments`; `environment` entries are added to (or, with nil, removed from) this process's.
    public static func run(_ name: String, _ arguments: [String], environment: [String: String?] = [:]) async throws
        -> Subprocess
    {
        try await run(path: path(name), arguments, environment: environment)
    }

    private static func run(path executable: String, _ arguments: [String], environment: [String: String?]) async throws
        -> Subprocess
    {
        var merged = ProcessInfo.processInfo.environment
        for (key, value) in environment { merged[key] = value }
        var outPipe: [Int32] = [0, 0]
        var errPipe: [Int32] = [0, 0]
        guard pipe(&outPipe) == 0, pipe(&errPipe) == 0 else { throw POSIXError(.EMFILE) }
        let child: ChildProcess
        do {
            child = try ChildProcess.launch(executable, arguments, environment: merged, stdout: outPipe[1], stderr: errPipe[1])
        } catch {
            [outPipe[0], outPipe[1], errPipe[0], errPipe[1]].forEach { close($0) }
            throw error
        }
        close(outPipe[1])
        close(errPipe[1])
        // Both pipes are drained at once, on their own threads, so neither can fill up and block the child.
        async let stdout = drain(outPipe[0])
        async let stderr = drain(errPipe[0])
        let termination = await child.termination()
        let status: Int32
        switch termination {
        case .exited(let code): status = code
        case .signalled(let signal): status = 128 + signal
        }
        return Subprocess(
            status: status, stdout: String(decoding: await stdout, as: UTF8.self),
            stderr: String(decoding: await stderr, as: UTF8.self))
    }

    /// Reads a descriptor to its end on a thread of its own, then closes it.
    private static func drain(_ descriptor: Int32) async -> Data {
        await withCheckedContinuation { continuation in
            Thread {
                var data = Data()
                var buffer = [UInt8](repeating: 0, count: 65536)
                while true {
                    let count = read(descriptor, &buffer, buffer.count)
                    if count < 0 && errno == EINTR { continue }
                    guard count > 0 else { break }
                    data.append(contentsOf: buffer[0..<count])
                }
                close(descriptor)
                continuation.resume(returning: data)
            }.start()
        }
    }
}

/// A fresh temporary directory, removed when the value is released.
public final class TemporaryDirectory: Sendable {
    public let url: URL

    public init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("feedd-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    /// Writes `text` to `name` inside the directory and returns its path.
    @discardableResult
    public func write(_ name: String, _ text: String) throws -> String {
        let file = url.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: file)
        return file.path
    }
}
