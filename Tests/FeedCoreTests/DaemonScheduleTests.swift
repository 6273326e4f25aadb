import FeedCore
import Foundation
import Testing

/// The daemon loop's decisions, event by event, with `now` given: no process, no socket, no sleep.
struct DaemonScheduleTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    func feed(_ name: String, fingerprint: String = "v1") -> FeedTerms {
        FeedTerms(url: URL(string: "https://\(name).example/feed")!, fingerprint: fingerprint)
    }

    @Test func feedsNeverFetchedAreSpreadAndKnownOnesKeepTheirTime() {
        let (a, b, c, known) = (feed("a"), feed("b"), feed("c"), feed("known"))
        var schedule = DaemonSchedule(feeds: [a, b, c, known])
        var state = FetchState()
        state.nextFetch = now + 900
        schedule.adopt(schedule.feeds, states: [known.key: state], now: now, window: .seconds(30))
        #expect(schedule.nextFetch[known.key] == now + 900)
        let firsts = [a, b, c].compactMap { schedule.nextFetch[$0.key] }
        #expect(firsts.count == 3 && firsts.allSatisfy { $0 >= now && $0 < now + 30 })
        #expect(Set(firsts).count == 3, "spread, not all at once")
        // Thirty seconds on, the three are due and the known one is not.
        #expect(schedule.startDue(now: now + 30).map(\.key) == [a.key, b.key, c.key])
        #expect(schedule.inFlight == [a.key, b.key, c.key])
        #expect(schedule.startDue(now: now + 30).isEmpty, "in flight: not started twice")
    }

    @Test func outcomesScheduleFailuresAndGoneFeeds() {
        let (a, b) = (feed("a"), feed("b"))
        var schedule = DaemonSchedule(feeds: [a, b])
        schedule.adopt(schedule.feeds, states: [:], now: now, window: .zero)
        _ = schedule.startDue(now: now)
        schedule.finished(a.key, .failed(nextFetch: now + 600, gone: false))
        schedule.finished(b.key, .failed(nextFetch: now + 3600, gone: true))
        #expect(schedule.failing == [a.key, b.key] && schedule.disabled == [b.key] && schedule.inFlight.isEmpty)
        #expect(schedule.summary.nextFetch == now + 600, "a disabled feed is not upcoming")
        #expect(schedule.startDue(now: now + 7200).map(\.key) == [a.key], "b stays disabled")
        schedule.finished(a.key, .succeeded(nextFetch: now + 9000))
        #expect(schedule.failing == [b.key])
        // A person asks for everything: b too, disabled or not.
        #expect(schedule.request(nil) == 2)
        #expect(schedule.startDue(now: now + 7200).map(\.key) == [a.key, b.key])
        schedule.finished(a.key, .cancelled)
        #expect(schedule.nextFetch[a.key] == .distantPast, "a cancelled refresh changes nothing but in flight")
    }

    @Test func aReloadDropsRemovedFeedsAndBringsBackAnEditedGoneOne() {
        let (a, gone) = (feed("a"), feed("gone"))
        var disabledState = FetchState()
        disabledState.disabledFor = gone.fingerprint
        disabledState.nextFetch = now + 60
        var schedule = DaemonSchedule(feeds: [a, gone])
        schedule.adopt(schedule.feeds, states: [gone.key: disabledState], now: now, window: .zero)
        #expect(schedule.disabled == [gone.key])
        let edited = feed("gone", fingerprint: "v2")
        let added = feed("new")
        let change = schedule.reload([edited, added], states: [gone.key: disabledState], now: now, window: .seconds(5))
        #expect(change.added.map(\.key) == [added.key] && change.removed == [a.key])
        #expect(schedule.disabled.isEmpty, "its entry changed: it comes back")
        #expect(schedule.nextFetch[a.key] == nil)
        #expect(schedule.nextFetch[gone.key] == now + 60, "kept its schedule")
        // A refresh of a feed the reload removed ends: forgotten, not rescheduled.
        schedule.finished(a.key, .succeeded(nextFetch: now + 100))
        #expect(schedule.nextFetch[a.key] == nil)
    }

    @Test func noMoreThanTheLimitAreInFlight() {
        let feeds = (0..<10).map { feed("f\($0)") }
        var schedule = DaemonSchedule(feeds: feeds, inFlightLimit: 4)
        schedule.adopt(feeds, states: [:], now: now, window: .zero)
        #expect(schedule.startDue(now: now).count == 4)
        schedule.finished(feeds[0].key, .succeeded(nextFetch: now + 3600))
        #expect(schedule.startDue(now: now).map(\.key) == [feeds[4].key])
    }
}

/// Watchdog pings and the shutdown grace, on instants given by the test.
struct DaemonTimersTests {
    @Test func theWatchdogIsPingedEveryIntervalAndTheGraceEndsInAborting() {
        let start = ContinuousClock.now
        var timers = DaemonTimers(watchdogInterval: .milliseconds(300), shutdownGrace: .seconds(5), now: start)
        func at(_ offset: Duration) -> DaemonTimers<ContinuousClock.Instant>.Actions { timers.actions(now: start + offset) }
        #expect(timers.tick == .milliseconds(300))
        #expect(!at(.milliseconds(299)).pingWatchdog)
        #expect(at(.milliseconds(300)).pingWatchdog)
        #expect(!at(.milliseconds(400)).pingWatchdog, "counted from the last ping")
        #expect(at(.milliseconds(600)).pingWatchdog)

        let first = timers.stop(now: start + .seconds(1))
        let second = timers.stop(now: start + .seconds(3))
        #expect(first && !second, "a second SIGTERM does not extend the grace")
        let during = at(.seconds(5))
        #expect(during.stopping && !during.abortTransfers)
        #expect(at(.seconds(6)).abortTransfers)
    }

    @Test func withoutAWatchdogTheLoopWakesEverySecondAndNeverPings() {
        let start = ContinuousClock.now
        var timers = DaemonTimers(watchdogInterval: nil, shutdownGrace: .seconds(5), now: start)
        #expect(timers.tick == .seconds(1))
        let later = timers.actions(now: start + .seconds(60))
        #expect(later == DaemonTimers<ContinuousClock.Instant>.Actions())
    }
}
