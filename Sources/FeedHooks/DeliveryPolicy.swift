import Foundation

/// When a failed delivery is tried again: exponential backoff from the hook's first retry delay, at most
/// `maxDelay` apart, until `giveUpAfter` from its creation; then it is kept as failed.
public enum DeliveryPolicy {
    public static let defaultFirstRetry = Duration.seconds(30)
    public static let maxDelay = Duration.seconds(4 * 3600)
    public static let giveUpAfter = Duration.seconds(24 * 3600)

    /// The next attempt after `attempts` failed ones (the last at `now`), or nil to give up. `retryAfter`: a
    /// time the receiver asked not to be called before (HTTP `Retry-After`), honoured within the 24 hours.
    public static func nextAttempt(
        afterFailures attempts: Int, created: Date, now: Date, firstRetry: Duration = defaultFirstRetry, retryAfter: Date? = nil
    ) -> Date? {
        let deadline = created.addingTimeInterval(seconds(giveUpAfter))
        guard now < deadline else { return nil }
        let doublings = min(max(attempts - 1, 0), 40)
        let delay = min(seconds(firstRetry) * pow(2, Double(doublings)), seconds(maxDelay))
        var next = now.addingTimeInterval(delay)
        if let retryAfter, retryAfter > next { next = retryAfter }
        // The last try is at the deadline itself.
        return min(next, deadline)
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
