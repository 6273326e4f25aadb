import FeedModel
import Foundation

/// Which feeds a one-shot run (`feedd --once`, `feedctl fetch` with no daemon running) fetches, and why it
/// leaves the others alone: what an earlier run was told, and recorded, still holds. A feed that answered
/// 410 Gone stays disabled while its configuration entry is unchanged; a `Retry-After` still in force keeps
/// the feed, and every other feed on the same `host:port`, from being contacted. `force` fetches them all.
public enum OneShotPlan {
    /// Why a feed is not fetched.
    public enum Skip: Sendable, Equatable, CustomStringConvertible {
        /// The server answered 410 Gone, and the feed's entry has not changed since.
        case gone
        /// The feed's server asked (429 or 503 with `Retry-After`) not to come back before this time.
        case retryAfter(until: Date)
        /// Another feed's answer from the same `host:port` asked so.
        case hostRetryAfter(host: String, until: Date)

        public var description: String {
            switch self {
            case .gone:
                return "disabled: the server answered 410 Gone, and its config entry has not changed since"
            case .retryAfter(let until):
                return "the server asked to wait until \(UTCTimestamp.format(until)) (Retry-After)"
            case .hostRetryAfter(let host, let until):
                return "\(host) asked to wait until \(UTCTimestamp.format(until)) (Retry-After to another feed)"
            }
        }
    }

    /// For each feed, in order, the reason it is skipped (nil: it is fetched). `states` are the feeds'
    /// recorded fetch states by configured URL.
    public static func plan(_ feeds: [FeedTerms], states: [String: FetchState], now: Date, force: Bool) -> [Skip?] {
        guard !force else { return feeds.map { _ in nil } }
        let hostWaits = recordedHostWaits(feeds, states: states, now: now)
        return feeds.map { feed in
            let state = states[feed.key]
            if feed.isDisabled(by: state) { return .gone }
            if let until = state?.retryAfter, until > now { return .retryAfter(until: until) }
            let key = HTTPDecisions.hostKey(feed.currentURL(state))
            if let until = hostWaits[key] { return .hostRetryAfter(host: key, until: until) }
            return nil
        }
    }

    /// The `Retry-After` waits recorded with the feeds and still in force at `now`, by the `host:port` each
    /// feed is fetched from (the latest wait where several feeds share a host).
    public static func recordedHostWaits(_ feeds: [FeedTerms], states: [String: FetchState], now: Date) -> [String: Date] {
        var waits: [String: Date] = [:]
        for feed in feeds {
            let state = states[feed.key]
            guard let until = state?.retryAfter, until > now else { continue }
            let host = HTTPDecisions.hostKey(feed.currentURL(state))
            waits[host] = max(until, waits[host] ?? until)
        }
        return waits
    }
}
