import Foundation

/// When to fetch a feed next: pure decisions over a given `now`, tested with a manual clock.
public enum Schedule {
    /// The next fetch after one that succeeded (`failures` 0) or failed `failures` times in a row.
    ///
    /// After a success: the feed's interval, raised to what the publisher asked (`ttl`, `sy:updatePeriod`,
    /// `max-age`/`Expires`). After failures: the interval doubled per failure beyond the first, stretched by
    /// up to 25 % of `jitter` (0..<1) so failing feeds spread out. Both are clamped to the policy; a
    /// `Retry-After` pushes the time further (up to the policy's maximum); skipped hours and days are stepped over.
    public static func nextFetch(
        now: Date, interval: Duration, failures: Int, advice: PollingAdvice = PollingAdvice(),
        policy: SchedulePolicy = SchedulePolicy(), jitter: Double = 0
    ) -> Date {
        let minimum = seconds(policy.minInterval)
        let maximum = seconds(policy.maxInterval)
        let base = min(max(seconds(interval), minimum), maximum)
        var delay: Double
        if failures <= 0 {
            delay = base
            if let feedInterval = advice.feedInterval { delay = max(delay, seconds(feedInterval)) }
            if let freshUntil = advice.freshUntil { delay = max(delay, freshUntil.timeIntervalSince(now)) }
        } else {
            let growth = pow(2.0, Double(min(failures - 1, 30)))
            delay = base * growth * (1 + 0.25 * min(max(jitter, 0), 1))
        }
        var next = now.addingTimeInterval(min(max(delay, minimum), maximum))
        if let retryAfter = advice.retryAfter, retryAfter > next {
            next = min(retryAfter, now.addingTimeInterval(maximum))
        }
        return skipping(next, hours: advice.skipHours, days: advice.skipDays)
    }

    /// The first time at or after `date` outside the skipped UTC hours and weekdays (unchanged if every
    /// hour of the week is skipped, which would otherwise never fetch again).
    public static func skipping(_ date: Date, hours: Set<Int>, days: Set<Int>) -> Date {
        guard !hours.isEmpty || !days.isEmpty, hours.count < 24, days.count < 7 else { return date }
        var candidate = date
        for _ in 0..<(7 * 24 + 1) {
            let (hour, weekday) = hourAndWeekday(candidate)
            if !hours.contains(hour) && !days.contains(weekday) { return candidate }
            // The start of the next UTC hour.
            let secondsIntoHour = candidate.timeIntervalSince1970.truncatingRemainder(dividingBy: 3600)
            candidate = candidate.addingTimeInterval(3600 - secondsIntoHour)
        }
        return date
    }

    /// `interval: auto`: a quarter of the feed's average gap between items over the last four weeks, kept
    /// between the policy's minimum and 8 hours (a feed that posts hourly is checked every 15 minutes, one that
    /// posts weekly a few times a day, a silent one three times a day).
    public static func adaptiveInterval(itemDates: [Date], now: Date, policy: SchedulePolicy = SchedulePolicy()) -> Duration {
        let window: TimeInterval = 28 * 86_400
        let recent = itemDates.filter { $0 <= now && now.timeIntervalSince($0) <= window }.count
        let ceiling = min(8 * 3600, seconds(policy.maxInterval))
        guard recent > 0 else { return .seconds(Int64(ceiling)) }
        let gap = window / Double(recent)
        let interval = min(max(gap / 4, seconds(policy.minInterval)), ceiling)
        return .seconds(Int64(interval.rounded()))
    }

    /// Where in the first-start window the feed at `index` of `count` is fetched: spread evenly, so a new
    /// daemon does not fire every request at once.
    public static func initialDelay(index: Int, count: Int, window: Duration) -> Duration {
        guard count > 1 else { return .zero }
        return .milliseconds(Int64(seconds(window) * 1000 * Double(index) / Double(count)))
    }

    /// Whether a feed is due: never scheduled, or its next fetch time has come.
    public static func isDue(nextFetch: Date?, now: Date) -> Bool {
        guard let nextFetch else { return true }
        return nextFetch <= now
    }

    public static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    private static func hourAndWeekday(_ date: Date) -> (hour: Int, weekday: Int) {
        let seconds = Int64(date.timeIntervalSince1970.rounded(.down))
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let hour = Int((seconds - days * 86_400) / 3600)
        // 1970-01-01 was a Thursday (weekday 5 with Sunday = 1).
        let weekday = Int(((days + 4) % 7 + 7) % 7) + 1
        return (hour, weekday)
    }
}
