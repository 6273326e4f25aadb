import FeedModel
import FeedStore
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// What the running daemon publishes about itself in `STATE_DIR/status.json`, for `feedctl status`.
public struct DaemonStatus: Codable, Sendable, Equatable {
    public var pid: Int32
    public var started: Date
    public var updated: Date
    public var version: String
    public var feeds: Int
    public var failing: Int
    public var disabled: Int
    public var inFlight: Int
    public var nextFetch: Date?

    enum CodingKeys: String, CodingKey {
        case pid, started, updated, version, feeds, failing, disabled, inFlight = "in_flight", nextFetch = "next_fetch"
    }

    public static let fileName = "status.json"

    /// The one-line summary systemd shows (`STATUS=`) and `feedctl status` prints.
    public func summary(now: Date) -> String {
        var text = "\(feeds) feed\(feeds == 1 ? "" : "s"), \(failing) failing"
        if disabled > 0 { text += ", \(disabled) disabled" }
        if inFlight > 0 { text += ", \(inFlight) fetching" }
        if let nextFetch { text += ", next fetch " + RelativeTime.describe(nextFetch, now: now) }
        return text
    }

    /// What the feedd running on `store` published, or nil when none runs.
    public static func running(in store: FeedStore) -> DaemonStatus? {
        guard let status = store.loadFile(DaemonStatus.self, named: fileName), status.isRunning else { return nil }
        return status
    }

    /// Whether the process that wrote this still runs and is feedd (a pid can be reused after a crash).
    public var isRunning: Bool {
        guard kill(pid, 0) == 0 || errno == EPERM else { return false }
        let name = (try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines)
        return name == nil || name == "feedd"
    }
}

/// A request to the running daemon: fetch these feeds now (all when empty). `feedctl fetch` writes it under
/// `STATE_DIR/requests/` and sends the daemon SIGUSR1; the daemon reads and removes it.
public struct FetchRequestFile: Codable, Sendable, Equatable {
    public static let directory = "requests"

    /// Feed URLs as the configuration names them.
    public var feeds: [String]

    public init(feeds: [String]) {
        self.feeds = feeds
    }

    /// Writes a request and signals the daemon. Returns false when the signal could not be delivered.
    public static func send(_ request: FetchRequestFile, to status: DaemonStatus, store: FeedStore) throws -> Bool {
        try store.saveFile(request, named: "\(directory)/fetch-\(UUID().uuidString).json")
        return kill(status.pid, SIGUSR1) == 0
    }

    /// Reads and removes every pending request; returns the feeds asked for (nil entries mean all).
    public static func takeAll(from store: FeedStore) -> [FetchRequestFile] {
        let folder = store.directory.appendingPathComponent(directory)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        var requests: [FetchRequestFile] = []
        for name in names.sorted() where name.hasPrefix("fetch-") && name.hasSuffix(".json") {
            if let request = store.loadFile(FetchRequestFile.self, named: "\(directory)/\(name)") { requests.append(request) }
            unlink(folder.appendingPathComponent(name).path)
        }
        return requests
    }
}

/// Tells a running feedd to read its configuration again.
public enum DaemonReload {
    /// Sends SIGHUP to the feedd running on `store`; returns a line for the person.
    public static func request(store: FeedStore) -> String {
        guard let status = DaemonStatus.running(in: store) else {
            return "feedd is not running: it reads the change when it starts"
        }
        if kill(status.pid, SIGHUP) == 0 { return "feedd (pid \(status.pid)) is reloading its configuration" }
        return "cannot signal feedd (pid \(status.pid)): run `systemctl reload feedd` (or as root) to apply the change"
    }
}

/// Durations as people read them: "in 4m", "2h ago", "now".
public enum RelativeTime {
    public static func describe(_ date: Date, now: Date) -> String {
        let seconds = Int(date.timeIntervalSince(now).rounded())
        let magnitude = abs(seconds)
        let text: String
        switch magnitude {
        case 0..<5: return "now"
        case 5..<60: text = "\(magnitude)s"
        case 60..<3600: text = "\(magnitude / 60)m"
        case 3600..<86_400: text = "\(magnitude / 3600)h"
        default: text = "\(magnitude / 86_400)d"
        }
        return seconds > 0 ? "in \(text)" : "\(text) ago"
    }
}
