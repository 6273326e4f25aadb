import FeedCore
import Foundation
import Testing

/// A one-shot run leaves alone what an earlier run was told: 410 Gone while the entry is unchanged, a
/// `Retry-After` still in force, and every feed on a host that asked to wait.
struct OneShotPlanTests {
    @Test func aOneShotRunLeavesAloneWhatAnEarlierRunWasTold() throws {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        func feed(_ url: String) -> FeedTerms { FeedTerms(url: URL(string: url)!, fingerprint: "entry:" + url) }
        let gone = feed("https://a.example/gone")
        let busy = feed("https://b.example/busy")
        let sibling = feed("https://b.example/other")
        let elsewhere = feed("https://b.example:8443/feed")
        let moved = feed("https://c.example/old")
        let plain = feed("https://d.example/feed")
        var states: [String: FetchState] = [:]
        states[gone.key] = { var state = FetchState(); state.disabledFor = gone.fingerprint; return state }()
        states[busy.key] = { var state = FetchState(); state.retryAfter = now + 600; return state }()
        states[moved.key] = { var state = FetchState(); state.movedTo = "https://b.example/new"; return state }()
        let feeds = [gone, busy, sibling, elsewhere, moved, plain]
        let expected: [OneShotPlan.Skip?] = [
            .gone, .retryAfter(until: now + 600), .hostRetryAfter(host: "b.example:443", until: now + 600), nil,
            .hostRetryAfter(host: "b.example:443", until: now + 600), nil,
        ]
        #expect(OneShotPlan.plan(feeds, states: states, now: now, force: false) == expected)
        // Once the wait is over, or with a changed entry, or forced, the feeds are fetched.
        let later: [OneShotPlan.Skip?] = [.gone, nil, nil, nil, nil, nil]
        #expect(OneShotPlan.plan(feeds, states: states, now: now + 601, force: false) == later)
        var edited = gone
        edited.fingerprint = "edited"
        #expect(OneShotPlan.plan([edited], states: states, now: now, force: false) == [nil])
        #expect(OneShotPlan.plan(feeds, states: states, now: now, force: true).allSatisfy { $0 == nil })
    }
}
