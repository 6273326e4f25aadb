import FeedCore
import FeedModel
import Foundation
import Testing

/// Scheduling decisions with a manual clock: no sleeping, no sockets.
struct ScheduleTests {
    /// Monday 2026-11-30 10:00:00 UTC.
    let now = Date(timeIntervalSince1970: 1_796_032_800)
    let policy = SchedulePolicy()

    func after(_ date: Date) -> TimeInterval { date.timeIntervalSince(now) }

    /// The jitter's generator (one system seed, then a shared counter mixed): numbers drawn from four tasks
    /// at once never repeat, and its doubles spread evenly over [0, 1).
    @Test func processRandomNumbersDoNotRepeatAcrossTasksAndSpreadEvenly() async {
        let draws = await withTaskGroup(of: [UInt64].self) { group in
            for _ in 0..<4 {
                group.addTask {
                    var random = ProcessRandom()
                    return (0..<10_000).map { _ in random.next() }
                }
            }
            return await group.reduce(into: []) { $0 += $1 }
        }
        #expect(Set(draws).count == 40_000)
        var random = ProcessRandom()
        var buckets = [Int](repeating: 0, count: 10)
        for _ in 0..<100_000 { buckets[Int(Double.random(in: 0..<1, using: &random) * 10)] += 1 }
        #expect(buckets.allSatisfy { (9_400...10_600).contains($0) }, "\(buckets)")
    }

    @Test func theIntervalIsClampedToThePolicy() {
        #expect(after(Schedule.nextFetch(now: now, interval: .seconds(60), failures: 0)) == 300)
        #expect(after(Schedule.nextFetch(now: now, interval: .seconds(2 * 86_400), failures: 0)) == 86_400)
        let strict = SchedulePolicy(minInterval: .seconds(900), maxInterval: .seconds(3600))
        #expect(after(Schedule.nextFetch(now: now, interval: .seconds(300), failures: 0, policy: strict)) == 900)
    }

    @Test(arguments: [
        // (what the publisher asked, expected delay in seconds) for a 30-minute feed
        (PollingAdvice(feedInterval: .seconds(7200)), 7200.0),  // ttl 120 / sy:updatePeriod
        (PollingAdvice(feedInterval: .seconds(600)), 1800.0),  // asking for less never speeds feedd up
        (PollingAdvice(freshUntil: Date(timeIntervalSince1970: 1_796_032_800 + 5400)), 5400.0),  // max-age / Expires
        (PollingAdvice(retryAfter: Date(timeIntervalSince1970: 1_796_032_800 + 36_000)), 36_000.0),
        (PollingAdvice(retryAfter: Date(timeIntervalSince1970: 1_796_032_800 + 10 * 86_400)), 86_400.0),  // capped
        (PollingAdvice(feedInterval: .seconds(30 * 86_400)), 86_400.0),
    ])
    func thePublishersAdviceRaisesTheInterval(_ advice: PollingAdvice, _ expected: Double) {
        #expect(after(Schedule.nextFetch(now: now, interval: .seconds(1800), failures: 0, advice: advice)) == expected)
    }

    @Test func skipHoursAndSkipDaysAreSteppedOver() {
        // 10:30 falls in skipped hours 10 and 11: the first allowed time is 12:00.
        let hours = PollingAdvice(skipHours: [10, 11])
        #expect(after(Schedule.nextFetch(now: now, interval: .seconds(1800), failures: 0, advice: hours)) == 7200)
        // Monday skipped: Tuesday 00:00.
        let days = PollingAdvice(skipDays: [2])
        #expect(after(Schedule.nextFetch(now: now, interval: .seconds(1800), failures: 0, advice: days)) == 14 * 3600)
        // Every hour skipped would mean never: the advice is ignored.
        let all = PollingAdvice(skipHours: Set(0..<24))
        #expect(after(Schedule.nextFetch(now: now, interval: .seconds(1800), failures: 0, advice: all)) == 1800)
    }

    @Test func failuresBackOffExponentiallyWithJitterAndResetOnSuccess() {
        let delays = (1...8).map { after(Schedule.nextFetch(now: now, interval: .seconds(900), failures: $0)) }
        #expect(delays == [900, 1800, 3600, 7200, 14_400, 28_800, 57_600, 86_400])
        let jittered = after(Schedule.nextFetch(now: now, interval: .seconds(900), failures: 3, jitter: 0.999))
        #expect(jittered > 3600 && jittered < 3600 * 1.25)
        #expect(after(Schedule.nextFetch(now: now, interval: .seconds(900), failures: 0)) == 900)
    }

    @Test func aRestartMidBackoffKeepsTheStoredTime() {
        // The daemon keeps each feed's next fetch in its state file and starts from it.
        let stored = Schedule.nextFetch(now: now, interval: .seconds(900), failures: 5)
        let restartedAt = now.addingTimeInterval(60)
        #expect(!Schedule.isDue(nextFetch: stored, now: restartedAt))
        #expect(Schedule.isDue(nextFetch: stored, now: stored))
        #expect(Schedule.isDue(nextFetch: nil, now: restartedAt))
    }

    @Test(arguments: [
        (3600.0, 900.0),  // hourly posts: every 15 minutes
        (86_400.0, 21_600.0),  // daily: every 6 hours
        (7 * 86_400.0, 28_800.0),  // weekly: a few times a day (8 h)
        (60.0, 300.0),  // very busy: not below the policy's minimum
    ])
    func adaptiveIntervalsFollowThePostingRate(_ gap: Double, _ expected: Double) {
        let dates = stride(from: 0.0, to: 28 * 86_400, by: gap).map { now.addingTimeInterval(-$0) }
        #expect(Schedule.seconds(Schedule.adaptiveInterval(itemDates: dates, now: now)) == expected)
    }

    @Test func aSilentFeedIsCheckedThreeTimesADay() {
        let old = [now.addingTimeInterval(-90 * 86_400)]
        #expect(Schedule.adaptiveInterval(itemDates: old, now: now) == .seconds(28_800))
    }

    @Test func firstStartSpreadsFetchesOverTheWindow() {
        let delays = (0..<4).map { Schedule.initialDelay(index: $0, count: 4, window: .seconds(60)) }
        #expect(delays == [.zero, .seconds(15), .seconds(30), .seconds(45)])
    }

    @Test func freshnessComesFromMaxAgeThenExpires() {
        #expect(HTTPDecisions.freshUntil(headers: ["cache-control": "public, max-age=600"], now: now) == now.addingTimeInterval(600))
        let expires = HTTPDecisions.httpDate(now.addingTimeInterval(3600))
        #expect(HTTPDecisions.freshUntil(headers: ["expires": expires], now: now) == now.addingTimeInterval(3600))
        #expect(HTTPDecisions.freshUntil(headers: ["cache-control": "no-cache"], now: now) == nil)
    }
}
