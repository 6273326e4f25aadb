import FeedConfiguration
import FeedModel
import Foundation
import Logging

/// feedd's log lines, on stderr, plain text (no colours). Under systemd (`$JOURNAL_STREAM` set) each line
/// starts with its syslog priority, `<6>`, which journald turns into the entry's priority, and carries no
/// timestamp of its own; elsewhere it starts with a UTC timestamp. Metadata follows as sorted `key=value`.
public struct FeeddLogHandler: LogHandler {
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    private let forJournal: Bool

    public init(level: Logger.Level, environment: [String: String]) {
        logLevel = level
        forJournal = !(environment["JOURNAL_STREAM"] ?? "").isEmpty
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let level = event.level
        var line = forJournal ? "<\(Self.priority(level))>" : UTCTimestamp.format(Date()) + " "
        line += "\(level) \(event.message)"
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        for (key, value) in merged.sorted(by: { $0.key < $1.key }) {
            line += " \(key)=" + Self.quoted("\(value)")
        }
        // One event, one line: a newline in a message (an error from a feed) must not forge another entry, and
        // a control character in a file name or URL must not reach the terminal of whoever reads the log.
        let safe = TerminalSafe.escaped(line)
        FileHandle.standardError.write(Data((safe + "\n").utf8))
    }

    /// A metadata value as written: bare when it is one word, else in double quotes.
    static func quoted(_ text: String) -> String {
        let needsQuotes = text.isEmpty || text.contains { $0 == " " || $0 == "\"" || $0 == "=" }
        guard needsQuotes else { return text }
        let escaped: String = text.replacingOccurrences(of: "\"", with: "\\\"")
        return "\"" + escaped + "\""
    }

    /// syslog priorities, as journald reads them.
    static func priority(_ level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: return 7
        case .info: return 6
        case .notice: return 5
        case .warning: return 4
        case .error: return 3
        case .critical: return 2
        }
    }
}
