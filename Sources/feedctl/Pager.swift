import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Shows long output through `$PAGER` (default `less -R`), as git and man do: only when standard output is a
/// terminal and the text is taller than it. In a pipe, or when the pager cannot start, the text is written
/// as it is.
enum Pager {
    static func show(_ text: String, environment: [String: String] = ProcessInfo.processInfo.environment) {
        guard isatty(STDOUT_FILENO) == 1, let rows = terminalRows(environment),
            text.utf8.lazy.filter({ $0 == 0x0A }).count >= rows
        else { return write(text) }
        let command = environment["PAGER"].map { $0.trimmingCharacters(in: .whitespaces) } ?? "less -R"
        guard !command.isEmpty, command != "cat", spawnAndFeed(command, text) else { return write(text) }
    }

    /// `$LINES` when set, else the terminal's height.
    private static func terminalRows(_ environment: [String: String]) -> Int? {
        if let lines = environment["LINES"].flatMap(Int.init), lines > 0 { return lines }
        var size = winsize()
        guard ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_row > 0 else { return nil }
        return Int(size.ws_row)
    }

    /// Runs `command` through the shell with `text` on its standard input and waits for it. A person who
    /// quits the pager early closes the pipe: that is not an error.
    private static func spawnAndFeed(_ command: String, _ text: String) -> Bool {
        var pipeEnds: [Int32] = [0, 0]
        guard pipe(&pipeEnds) == 0 else { return false }
        let (readEnd, writeEnd) = (pipeEnds[0], pipeEnds[1])
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, readEnd, STDIN_FILENO)
        posix_spawn_file_actions_addclose(&actions, writeEnd)
        posix_spawn_file_actions_addclose(&actions, readEnd)
        var pid: pid_t = 0
        let arguments = ["/bin/sh", "-c", command]
        let argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let spawned = posix_spawn(&pid, "/bin/sh", &actions, nil, argv, environ) == 0
        close(readEnd)
        guard spawned else {
            close(writeEnd)
            return false
        }
        signal(SIGPIPE, SIG_IGN)
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
        return true
    }
}
