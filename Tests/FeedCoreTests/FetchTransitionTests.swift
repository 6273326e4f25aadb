import FeedCore
import FeedModel
import Foundation
import Testing

/// The fetch-state transition and the response decision, as tables over a fixed `now`: no store, no socket.
struct FetchTransitionTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    let terms = FeedTerms(url: URL(string: "https://a.example/feed")!, fingerprint: "entry-1", interval: .seconds(3600))
    let schedule = SchedulePolicy()

    func next(_ state: FetchState, _ verdict: FetchVerdict, merged: StoredFeed? = nil) -> FetchState {
        FetchTransition.next(after: state, verdict: verdict, merged: merged, terms: terms, now: now, schedule: schedule, jitter: 0)
    }

    @Test func responsesAreDecidedBeforeTheirBodyIsRead() {
        let cases: [(status: Int, notModified: Bool, headers: [String: String], previous: String?, expected: ResponseDecision)] = [
            (304, true, [:], "h", .notModified),
            (200, false, [:], "h", .sameBody),
            (200, false, [:], "other", .parse),
            (200, false, [:], nil, .parse),
            (404, false, [:], nil, .failed(FetchFailure(message: "HTTP 404"))),
            (410, false, [:], nil, .failed(FetchFailure(message: "HTTP 410", gone: true))),
            (429, false, ["retry-after": "120"], nil, .failed(FetchFailure(message: "HTTP 429", notBefore: now + 120))),
        ]
        for row in cases {
            let decision = ResponseDecision.decide(
                status: row.status, isNotModified: row.notModified, headers: row.headers, bodyHash: "h",
                previousBodyHash: row.previous, now: now)
            #expect(decision == row.expected, "HTTP \(row.status)")
        }
    }

    @Test func successKeepsValidatorsAndClearsFailures() {
        var failing = FetchState()
        failing.consecutiveFailures = 3
        failing.retryAfter = now - 10
        failing.disabledFor = "old"
        failing.etag = "\"old\""
        let facts = ResponseFacts(etag: "\"new\"", lastModified: "Mon, 01 Jan 2027 00:00:00 GMT", permanentRedirect: "https://b.example/feed")
        let state = next(failing, .unchanged(facts))
        #expect(state.etag == "\"new\"" && state.lastModified == "Mon, 01 Jan 2027 00:00:00 GMT")
        #expect(state.movedTo == "https://b.example/feed")
        #expect(state.consecutiveFailures == 0 && state.retryAfter == nil && state.disabledFor == nil)
        #expect(state.lastFetch == now && state.lastSuccess == now)
        #expect(state.lastResult == "unchanged (same body)")
        #expect(state.nextFetch == now + 3600)
        #expect(next(FetchState(), .unchanged(ResponseFacts(isNotModified: true))).lastResult == "not modified")
    }

    @Test func failuresBackOffAndOnlyTheFeedsOwnAnswerIsRecorded() {
        let first = next(FetchState(), .failed(FetchFailure(message: "HTTP 500")))
        #expect(first.consecutiveFailures == 1 && first.lastResult == "HTTP 500")
        let second = next(first, .failed(FetchFailure(message: "HTTP 500")))
        #expect(second.consecutiveFailures == 2)
        #expect(second.nextFetch! > first.nextFetch!, "doubled per failure beyond the first")

        let told = next(FetchState(), .failed(FetchFailure(message: "HTTP 503", notBefore: now + 7200)))
        #expect(told.retryAfter == now + 7200 && told.nextFetch! >= now + 7200)
        // Another feed's answer made the host wait: the wait is honoured but neither counted nor recorded.
        let waiting = next(FetchState(), .failed(FetchFailure(message: "host asked", notBefore: now + 7200, countsAsFailure: false)))
        #expect(waiting.consecutiveFailures == 0 && waiting.retryAfter == nil && waiting.nextFetch! >= now + 7200)

        let gone = next(FetchState(), .failed(FetchFailure(message: "HTTP 410", gone: true)))
        #expect(gone.disabledFor == terms.fingerprint && terms.isDisabled(by: gone))
        var edited = terms
        edited.fingerprint = "entry-2"
        #expect(!edited.isDisabled(by: gone), "an edited entry comes back")
    }

    @Test func aDocumentRecordsWhatTheMergeKept() {
        var merged = StoredFeed(url: terms.key, title: "Le blog", link: "https://a.example/")
        merged.items = (0..<3).map { index in
            StoredItem(
                identity: "id:\(index)", key: "k\(index)", item: ParsedItem(id: "\(index)", title: "t\(index)"),
                firstSeen: now - Double(index) * 86_400)
        }
        let document = ParsedFeed(format: .rss20, title: "Le blog")
        let state = next(FetchState(), .document(ResponseFacts(bodyHash: "v2:abc:10"), document), merged: merged)
        #expect(state.itemCount == 3 && state.title == "Le blog" && state.link == "https://a.example/")
        #expect(state.bodyHash == "v2:abc:10" && state.lastResult == "ok")
        #expect(state.adaptiveSeconds == nil, "only for interval: auto")
        var adaptive = terms
        adaptive.adaptive = true
        let auto = FetchTransition.next(
            after: FetchState(), verdict: .document(ResponseFacts(), document), merged: merged, terms: adaptive, now: now,
            schedule: schedule, jitter: 0)
        #expect(auto.adaptiveSeconds != nil)
    }

    @Test func forgottenItemsMeanAFetchWithoutValidators() {
        var state = FetchState()
        state.etag = "\"e\""
        state.lastModified = "x"
        state.bodyHash = "h"
        state.consecutiveFailures = 2
        let fresh = FetchTransition.forgettingValidators(state)
        #expect(fresh.etag == nil && fresh.lastModified == nil && fresh.bodyHash == nil && fresh.consecutiveFailures == 2)
    }
}
