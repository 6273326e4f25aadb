import Foundation

/// When to fetch a feed next: pure decisions over a given `now`.
public enum Schedule {
    /// The longest a failing feed waits between tries.
    public static let maxBackoff = Duration.seconds(24 * 3600)

    /// After a success: one interval from now. After `failures` consecutive failures: the interval doubled
    /// per failure beyond the first, capped at `maxBackoff`.
    public static func nextFetch(now: Date, interval: Duration, consecutiveFailures: Int) -> Date {
        let base = Double(interval.components.seconds)
        let factor = pow(2.0, Double(max(0, consecutiveFailures - 1)))
        let delay = min(base * factor, Double(maxBackoff.components.seconds))
        return now.addingTimeInterval(consecutiveFailures == 0 ? base : max(base, delay))
    }

    /// `nextFetch`, but never before `notBefore` (a server's `Retry-After`).
    public static func nextFetch(now: Date, interval: Duration, consecutiveFailures: Int, notBefore: Date?) -> Date {
        let planned = nextFetch(now: now, interval: interval, consecutiveFailures: consecutiveFailures)
        guard let notBefore else { return planned }
        return max(planned, notBefore)
    }

    /// Whether a feed is due: never fetched, or its next fetch time has come.
    public static func isDue(nextFetch: Date?, now: Date) -> Bool {
        guard let nextFetch else { return true }
        return nextFetch <= now
    }
}
