import Foundation

/// Slows failed logins down per client address: after n failures in a row an address waits 2^(n-1)
/// seconds (at most `longestWait`) before its next attempt is even checked. The table is bounded: past
/// `capacity` addresses the one that failed longest ago is forgotten, so a flood from many addresses costs
/// a fixed amount of memory. A decision, with the time given.
public struct LoginThrottle: Sendable {
    struct Record: Sendable {
        var failures: Int
        var last: Date
    }

    public static let capacity = 4096
    public static let longestWait: TimeInterval = 60
    /// A record this old is forgotten: the address starts afresh.
    public static let memory: TimeInterval = 15 * 60

    private var records: [String: Record] = [:]

    public init() {}

    /// How long `client` must still wait before a login attempt is checked; nil when it may try now.
    public func wait(for client: String, now: Date) -> TimeInterval? {
        guard let record = records[client], now.timeIntervalSince(record.last) < Self.memory else { return nil }
        let delay = min(Self.longestWait, pow(2, Double(record.failures - 1)))
        let left = record.last.addingTimeInterval(delay).timeIntervalSince(now)
        return left > 0 ? left : nil
    }

    public mutating func failed(_ client: String, now: Date) {
        var record = records[client] ?? Record(failures: 0, last: now)
        if now.timeIntervalSince(record.last) >= Self.memory { record.failures = 0 }
        record.failures += 1
        record.last = now
        records[client] = record
        if records.count > Self.capacity, let oldest = records.min(by: { $0.value.last < $1.value.last })?.key {
            records[oldest] = nil
        }
    }

    public mutating func succeeded(_ client: String) {
        records[client] = nil
    }

    /// Addresses remembered (for tests and the log).
    public var count: Int { records.count }
}
