import Foundation

/// How a feed's fetch state changes after one fetch: validators, failures counted, disabled on 410, the
/// server's waits, the posting rate, and the next fetch. Pure: the store applies it under its lock to the
/// state it has just read.
public enum FetchTransition {
    /// The state after `verdict`. For a document, `merged` is the feed once merged (items, title, link).
    public static func next(
        after previous: FetchState, verdict: FetchVerdict, merged: StoredFeed?, terms: FeedTerms, now: Date,
        schedule: SchedulePolicy, jitter: Double
    ) -> FetchState {
        var state = previous
        state.lastFetch = now
        var retryAfter: Date?
        switch verdict {
        case .failed(let failure):
            if failure.countsAsFailure { state.consecutiveFailures += 1 }
            if failure.gone { state.disabledFor = terms.fingerprint }
            // The server's own answer; a wait another feed's answer imposed is the host's, not recorded here.
            if failure.countsAsFailure, let until = failure.notBefore { state.retryAfter = until }
            state.lastResult = failure.gone ? "gone (HTTP 410): disabled until its config entry changes" : failure.message
            retryAfter = failure.notBefore
        case .unchanged(let facts):
            succeeded(&state, facts, now: now)
            state.lastResult = facts.isNotModified ? "not modified" : "unchanged (same body)"
        case .document(let facts, let document):
            succeeded(&state, facts, now: now)
            if let merged {
                state.itemCount = merged.items.count
                state.title = merged.title
                state.link = merged.link
                if terms.adaptive {
                    let adaptive = Schedule.adaptiveInterval(itemDates: merged.items.map(\.sortDate), now: now, policy: schedule)
                    state.adaptiveSeconds = Int(adaptive.components.seconds)
                }
            }
            state.bodyHash = facts.bodyHash
            state.hints = document.hints.isEmpty ? nil : document.hints
            state.lastResult = "ok"
        }
        state.nextFetch = Schedule.nextFetch(
            now: now, interval: interval(terms, state), failures: state.consecutiveFailures,
            advice: advice(state, retryAfter: retryAfter), policy: schedule, jitter: jitter)
        return state
    }

    private static func succeeded(_ state: inout FetchState, _ facts: ResponseFacts, now: Date) {
        state.freshUntil = HTTPDecisions.freshUntil(headers: facts.headers, now: now)
        if let etag = facts.etag { state.etag = etag }
        if let lastModified = facts.lastModified { state.lastModified = lastModified }
        if let moved = facts.permanentRedirect { state.movedTo = moved }
        state.consecutiveFailures = 0
        state.lastSuccess = now
        state.disabledFor = nil
        state.retryAfter = nil
    }

    /// The feed's interval: as configured, or for `interval: auto` the one its posting rate calls for.
    static func interval(_ terms: FeedTerms, _ state: FetchState) -> Duration {
        guard terms.adaptive, let seconds = state.adaptiveSeconds else { return terms.interval }
        return .seconds(seconds)
    }

    /// What the publisher asked, from the state and this response's `Retry-After`.
    public static func advice(_ state: FetchState, retryAfter: Date?) -> PollingAdvice {
        PollingAdvice(
            feedInterval: state.hints?.minimumInterval, freshUntil: state.freshUntil, retryAfter: retryAfter,
            skipHours: Set(state.hints?.skipHours ?? []), skipDays: state.hints?.skipWeekdays ?? [])
    }

    /// The state without validators or body digest: for a feed whose items they stand for are no longer
    /// stored (set aside, deleted), where a 304 or an unchanged body would leave the feed empty.
    public static func forgettingValidators(_ state: FetchState) -> FetchState {
        var state = state
        state.etag = nil
        state.lastModified = nil
        state.bodyHash = nil
        return state
    }
}
