import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// What one measured run cost.
struct RunCost {
    var wallSeconds: Double
    var cpuSeconds: Double
    var peakRSSKiB: Int
    var status: Int32
}

/// Runs a command (stdin from a file, stdout discarded) under GNU time (Debian package `time`), whose small
/// process is the measured one's parent: Linux charges a spawned child with its parent's peak RSS until exec,
/// so measuring from this larger process directly would overstate the peers' memory.
func measureProcess(_ executable: String, _ arguments: [String], stdinPath: String? = nil) -> RunCost {
    let report = FileManager.default.temporaryDirectory.appendingPathComponent("feedbench-time-\(getpid())").path
    let started = Date()
    var pid: pid_t = 0
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    if let stdinPath { posix_spawn_file_actions_addopen(&actions, 0, stdinPath, O_RDONLY, 0) }
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
    let command = ["/usr/bin/time", "-q", "-f", "%U %S %M %x", "-o", report, executable] + arguments
    let argv: [UnsafeMutablePointer<CChar>?] = command.map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    guard posix_spawn(&pid, "/usr/bin/time", &actions, nil, argv, environ) == 0 else {
        return RunCost(wallSeconds: 0, cpuSeconds: 0, peakRSSKiB: 0, status: -1)
    }
    var status: Int32 = 0
    waitpid(pid, &status, 0)
    let wall = Date().timeIntervalSince(started)
    let fields = ((try? String(contentsOfFile: report, encoding: .utf8)) ?? "").split(whereSeparator: \.isWhitespace)
    guard fields.count >= 4, let user = Double(fields[0]), let system = Double(fields[1]), let peak = Int(fields[2]),
        let exit = Int32(fields[3])
    else {
        return RunCost(wallSeconds: wall, cpuSeconds: 0, peakRSSKiB: 0, status: -1)
    }
    return RunCost(wallSeconds: wall, cpuSeconds: user + system, peakRSSKiB: peak, status: exit)
}

func formatted(_ value: Double, _ digits: Int = 1) -> String {
    String(format: "%.\(digits)f", value)
}
