import FeedCatalog
import FeedConfiguration
import FeedDaemon
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Shows long output through `$PAGER` (default `less -R`), as git and man do: only when standard output is a
/// terminal and the text is taller than it. In a pipe, or when the pager cannot start (not installed), the
/// text is written as it is. Like git, `LESS=FRX` is set when `$LESS` is not, so `PAGER=less` keeps colours.
enum Pager {
    static func show(_ text: String, environment: [String: String] = ProcessInfo.processInfo.environment) {
        guard isatty(STDOUT_FILENO) == 1, let rows = TerminalLayout.height(environment: environment),
            text.utf8.lazy.filter({ $0 == 0x0A }).count >= rows
        else { return write(text) }
        let command = environment["PAGER"].map { $0.trimmingCharacters(in: .whitespaces) } ?? "less -R"
        guard !command.isEmpty, command != "cat", spawnAndFeed(command, text, environment) else { return write(text) }
    }

    /// Runs `command` through the shell with `text` on its standard input and waits for it. A person who
    /// quits the pager early closes the pipe: that is not an error. Ctrl-C belongs to the pager while it
    /// runs (feedctl ignores it, as git does), so the terminal is never left to a pager without its parent.
    /// Returns false when the pager could not run (the shell's 127: command not found).
    private static func spawnAndFeed(_ command: String, _ text: String, _ environment: [String: String]) -> Bool {
        var pipeEnds: [Int32] = [0, 0]
        guard pipe(&pipeEnds) == 0 else { return false }
        let (readEnd, writeEnd) = (pipeEnds[0], pipeEnds[1])
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, readEnd, STDIN_FILENO)
        posix_spawn_file_actions_addclose(&actions, writeEnd)
        posix_spawn_file_actions_addclose(&actions, readEnd)
        var childEnvironment = environment
        if childEnvironment["LESS"] == nil { childEnvironment["LESS"] = "FRX" }
        let arguments: [String] = ["/bin/sh", "-c", command]
        let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = childEnvironment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        let previous = (pipe: signal(SIGPIPE, SIG_IGN), interrupt: signal(SIGINT, SIG_IGN), quit: signal(SIGQUIT, SIG_IGN))
        defer {
            signal(SIGPIPE, previous.pipe)
            signal(SIGINT, previous.interrupt)
            signal(SIGQUIT, previous.quit)
        }
        // The pager itself starts with the default handlers.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for number in [SIGPIPE, SIGINT, SIGQUIT] { sigaddset(&defaults, number) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF))
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, "/bin/sh", &actions, &attributes, argv, envp) == 0
        close(readEnd)
        guard spawned else {
            close(writeEnd)
            return false
        }
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { Glibc.write(writeEnd, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                break  // EPIPE: the pager was quit
            }
            bytes = bytes.dropFirst(written)
        }
        close(writeEnd)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let exitedWith127 = status & 0x7F == 0 && (status >> 8) & 0xFF == 127
        return !exitedWith127
    }
}
