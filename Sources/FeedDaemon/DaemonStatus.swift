import FeedConfiguration
import FeedCore
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

extension DaemonStatus {
    /// This process's status, from what its schedule knows.
    init(_ schedule: DaemonSchedule, started: Date, now: Date) {
        let summary = schedule.summary
        self.init(
            pid: getpid(), started: started, updated: now, version: FeeddVersion.current, feeds: summary.feeds,
            failing: summary.failing, disabled: summary.disabled, inFlight: summary.inFlight, nextFetch: summary.nextFetch)
    }
}

extension DaemonStatus {
    /// `feedctl status --json`: whether feedd runs on the store, and what it last published (null fields
    /// when it never ran there).
    /// `index` is the search index's item count and the feed files it has yet to index (nil: none yet).
    public static func json(_ status: DaemonStatus?, stateDirectory: String, index: (items: Int, behind: Int)?) -> String {
        JSONValue.object([
            ("state_dir", .string(stateDirectory)),
            ("running", .bool(status?.isRunning ?? false)),
            ("pid", status.map { .number(Double($0.pid)) } ?? .null),
            ("version", .string(status?.version)),
            ("started", .timestamp(status?.started)),
            ("updated", .timestamp(status?.updated)),
            ("feeds", status.map { .number(Double($0.feeds)) } ?? .null),
            ("failing", status.map { .number(Double($0.failing)) } ?? .null),
            ("disabled", status.map { .number(Double($0.disabled)) } ?? .null),
            ("in_flight", status.map { .number(Double($0.inFlight)) } ?? .null),
            ("next_fetch", .timestamp(status?.nextFetch)),
            (
                "index",
                index.map { .object([("items", .number(Double($0.items))), ("feed_files_behind", .number(Double($0.behind)))]) }
                    ?? .null
            ),
        ]).serialized() + "\n"
    }
}
