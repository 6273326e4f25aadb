import Foundation
import CSpawn
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Runs a program for a hook: started without a shell (`posix_spawn`) in a process group of its own, with
/// only the environment it is given, its input on stdin; its output (stdout and stderr together, the first
/// `outputLimit` bytes) kept for messages. Past the time limit, or when the calling task is cancelled, the
/// whole group gets SIGTERM, then SIGKILL two seconds later. It inherits no descriptor beyond its standard
/// three (not the store's files, not a socket of feedd's). Each run waits on a thread of its own, never on
/// Swift's shared pool.
public enum ChildProcess {
    /// How a run ended.
    public struct Outcome: Sendable, Equatable {
        /// The exit status, when it exited.
        public var status: Int32?
        /// The signal that ended it, when one did.
        public var signal: Int32?
        public var timedOut: Bool
        /// The start of what it wrote.
        public var output: String

        public var succeeded: Bool { status == 0 && !timedOut }
    }

    public enum Failure: Error, Equatable, Sendable, CustomStringConvertible {
        case notFound(String)
        case cannotStart(String, reason: String)

        public var description: String {
            switch self {
            case .notFound(let program): return "program `\(program)` not found"
            case .cannotStart(let program, let reason): return "cannot start `\(program)`: \(reason)"
            }
        }
    }

    /// Set when the calling task is cancelled; read by the thread that waits on the child.
    final class StopFlag: Sendable {
        let raised = Atomic<Bool>(false)
    }

    public static let outputLimit = 4096
    /// A program that exits before reading all its input must not end feedd with SIGPIPE: the write fails
    /// with EPIPE instead.
    private static let ignoreBrokenPipes: Void = { signal(SIGPIPE, SIG_IGN) }()
    static let killGrace = Duration.seconds(2)
    /// Signals feedd handles itself (and may ignore): a child starts with each at its default.
    private static let defaultedSignals = [SIGTERM, SIGINT, SIGHUP, SIGUSR1, SIGUSR2, SIGPIPE, SIGCHLD, SIGQUIT]

    public static func run(
        _ argv: [String], environment: [String: String], input: Data, timeout: Duration
    ) async throws(Failure) -> Outcome {
        ignoreBrokenPipes
        guard let program = argv.first else { throw .notFound("") }
        guard let path = resolve(program, path: environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin") else {
            throw .notFound(program)
        }
        let stop = StopFlag()
        let result: Result<Outcome, Failure> = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let thread = Thread {
                    continuation.resume(returning: runBlocking(path: path, argv: argv, environment: environment, input: input, timeout: timeout, stop: stop))
                }
                thread.name = "feedd-hook"
                thread.start()
            }
        } onCancel: {
            stop.raised.store(true, ordering: .releasing)
        }
        return try result.get()
    }

    /// The program's path: as given when it names a folder, else the first match in `path`.
    static func resolve(_ program: String, path: String) -> String? {
        if program.contains("/") { return access(program, X_OK) == 0 ? program : nil }
        for folder in path.split(separator: ":") where !folder.isEmpty {
            let candidate = "\(folder)/\(program)"
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }

    private static func runBlocking(
        path: String, argv: [String], environment: [String: String], input: Data, timeout: Duration, stop: StopFlag
    ) -> Result<Outcome, Failure> {
        var inputPipe: [Int32] = [-1, -1]
        var outputPipe: [Int32] = [-1, -1]
        guard pipe(&inputPipe) == 0 else { return .failure(.cannotStart(path, reason: String(cString: strerror(errno)))) }
        guard pipe(&outputPipe) == 0 else {
            close(inputPipe[0])
            close(inputPipe[1])
            return .failure(.cannotStart(path, reason: String(cString: strerror(errno))))
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, inputPipe[0], 0)
        posix_spawn_file_actions_adddup2(&actions, outputPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, outputPipe[1], 2)
        // Also keeps another run's pipe ends out of this child, which would otherwise hold them open.
        posix_spawn_file_actions_addclosefrom_np(&actions, 3)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in defaultedSignals { sigaddset(&defaults, signal) }
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        let arguments = argv.map { strdup($0) } + [nil]
        let variables = environment.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in arguments { free(pointer) }
            for pointer in variables { free(pointer) }
        }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, path, &actions, &attributes, arguments, variables)
        close(inputPipe[0])
        close(outputPipe[1])
        guard spawned == 0 else {
            close(inputPipe[1])
            close(outputPipe[0])
            return .failure(.cannotStart(path, reason: String(cString: strerror(spawned))))
        }
        defer { close(outputPipe[0]) }
        _ = fcntl(inputPipe[1], F_SETFL, fcntl(inputPipe[1], F_GETFL) | O_NONBLOCK)
        _ = fcntl(outputPipe[0], F_SETFL, fcntl(outputPipe[0], F_GETFL) | O_NONBLOCK)

        var writer: Int32 = inputPipe[1]
        var written = 0
        var output: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        let deadline = ContinuousClock.now + timeout
        var termSentAt: ContinuousClock.Instant?
        var timedOut = false
        var waitStatus: Int32 = 0
        let bytes = [UInt8](input)
        if bytes.isEmpty {
            close(writer)
            writer = -1
        }
        while true {
            var descriptors = [pollfd(fd: outputPipe[0], events: Int16(POLLIN), revents: 0)]
            if writer >= 0 { descriptors.append(pollfd(fd: writer, events: Int16(POLLOUT), revents: 0)) }
            _ = poll(&descriptors, nfds_t(descriptors.count), 50)
            // What it wrote: kept up to the limit, the rest read and dropped so it never blocks on a full pipe.
            while true {
                let count = read(outputPipe[0], &buffer, buffer.count)
                guard count > 0 else { break }
                if output.count < outputLimit { output.append(contentsOf: buffer[0..<min(count, outputLimit - output.count)]) }
            }
            if writer >= 0, descriptors.count > 1, descriptors[1].revents != 0 {
                let count = bytes.withUnsafeBytes { raw -> Int in
                    guard let base = raw.baseAddress else { return 0 }
                    return write(writer, base + written, raw.count - written)
                }
                if count > 0 { written += count }
                // Done, or the program closed its stdin (EPIPE, ignored by feedd): it reads no more.
                if written >= bytes.count || (count < 0 && errno != EAGAIN && errno != EINTR) {
                    close(writer)
                    writer = -1
                }
            }
            let reaped = waitpid(pid, &waitStatus, WNOHANG)
            if reaped == pid { break }
            let now = ContinuousClock.now
            if let sent = termSentAt {
                if now - sent >= killGrace { kill(-pid, SIGKILL) }
            } else if now >= deadline || stop.raised.load(ordering: .acquiring) {
                timedOut = now >= deadline
                kill(-pid, SIGTERM)
                termSentAt = now
            }
        }
        if writer >= 0 { close(writer) }
        // Whatever it left behind in its group goes with it.
        kill(-pid, SIGKILL)
        let exited = waitStatus & 0x7F == 0
        return .success(
            Outcome(
                status: exited ? (waitStatus >> 8) & 0xFF : nil, signal: exited ? nil : waitStatus & 0x7F, timedOut: timedOut,
                output: String(decoding: output, as: UTF8.self)))
    }
}
