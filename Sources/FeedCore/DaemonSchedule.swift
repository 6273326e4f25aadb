import Foundation

/// What the daemon's loop knows about its feeds and decides from it: when each is due, which are in
/// flight, failing or disabled, what a reload or a fetch request changes. Pure: the loop passes `now`, the
/// stored fetch states and each refresh's outcome; it does the fetching.
public struct DaemonSchedule: Sendable {
    /// The configured feeds, in config order.
    public private(set) var feeds: [FeedTerms]
    public private(set) var nextFetch: [String: Date] = [:]
    public private(set) var failing: Set<String> = []
    public private(set) var disabled: Set<String> = []
    public private(set) var inFlight: Set<String> = []
    /// Refreshes at once: transfers queue in the fetch engine, which enforces its own limits; this bounds
    /// the memory of bodies waiting to be parsed.
    public let inFlightLimit: Int

    public init(feeds: [FeedTerms], inFlightLimit: Int = 64) {
        self.feeds = feeds
        self.inFlightLimit = inFlightLimit
    }

    /// Schedules feeds not known yet from their stored states; those never fetched are spread over
    /// `window` from `now`. Returns the `Retry-After` waits an earlier run recorded for them and still in
    /// force, by `host:port`.
    @discardableResult
    public mutating func adopt(_ adopted: [FeedTerms], states: [String: FetchState], now: Date, window: Duration) -> [String: Date] {
        var newcomers: [String] = []
        for feed in adopted {
            let state = states[feed.key]
            if let next = state?.nextFetch { nextFetch[feed.key] = next } else { newcomers.append(feed.key) }
            if (state?.consecutiveFailures ?? 0) > 0 { failing.insert(feed.key) }
            if feed.isDisabled(by: state) { disabled.insert(feed.key) }
        }
        for (index, key) in newcomers.enumerated() {
            let delay = Schedule.initialDelay(index: index, count: newcomers.count, window: window)
            nextFetch[key] = now.addingTimeInterval(Schedule.seconds(delay))
        }
        return OneShotPlan.recordedHostWaits(adopted, states: states, now: now)
    }

    /// The feeds to refresh now, in config order, taken as in flight: due, not in flight, not disabled,
    /// while fewer than `inFlightLimit` are.
    public mutating func startDue(now: Date) -> [FeedTerms] {
        var starting: [FeedTerms] = []
        for feed in feeds where inFlight.count < inFlightLimit {
            guard !inFlight.contains(feed.key), !disabled.contains(feed.key), Schedule.isDue(nextFetch: nextFetch[feed.key], now: now)
            else { continue }
            inFlight.insert(feed.key)
            starting.append(feed)
        }
        return starting
    }

    /// How a refresh ended, as far as scheduling goes.
    public enum Ending: Sendable, Equatable {
        case succeeded(nextFetch: Date)
        case failed(nextFetch: Date, gone: Bool)
        /// Shutdown interrupted it: nothing changes.
        case cancelled
    }

    /// A refresh ended. A feed a reload removed meanwhile is forgotten.
    public mutating func finished(_ key: String, _ ending: Ending) {
        inFlight.remove(key)
        guard feeds.contains(where: { $0.key == key }) else { return }
        switch ending {
        case .cancelled:
            return
        case .succeeded(let next):
            failing.remove(key)
            nextFetch[key] = next
        case .failed(let next, let gone):
            failing.insert(key)
            nextFetch[key] = next
            if gone { disabled.insert(key) }
        }
    }

    /// A person asked for these feeds (all when `keys` is nil): due now, a disabled one included. Returns
    /// how many are known.
    @discardableResult
    public mutating func request(_ keys: [String]?) -> Int {
        let wanted = keys ?? feeds.map(\.key)
        var count = 0
        for key in wanted where nextFetch[key] != nil {
            nextFetch[key] = .distantPast
            disabled.remove(key)
            count += 1
        }
        return count
    }

    /// A reloaded configuration: removed feeds are dropped, added ones scheduled within `window`, the
    /// others keep their schedule; a feed disabled by 410 comes back when its entry changed (its
    /// fingerprint no longer matches its state). Returns the feeds added and the keys removed.
    public mutating func reload(
        _ fresh: [FeedTerms], states: [String: FetchState], now: Date, window: Duration
    ) -> (added: [FeedTerms], removed: [String]) {
        let old = Set(feeds.map(\.key))
        let new = Set(fresh.map(\.key))
        let added = fresh.filter { !old.contains($0.key) }
        let removed = old.subtracting(new).sorted()
        for key in removed {
            nextFetch.removeValue(forKey: key)
            failing.remove(key)
            disabled.remove(key)
        }
        for feed in fresh where disabled.contains(feed.key) && !feed.isDisabled(by: states[feed.key]) {
            disabled.remove(feed.key)
        }
        feeds = fresh
        adopt(added, states: states, now: now, window: window)
        return (added, removed)
    }

    /// What the daemon reports: feeds configured, failing, disabled, in flight, and the next fetch due.
    public var summary: (feeds: Int, failing: Int, disabled: Int, inFlight: Int, nextFetch: Date?) {
        let keys = Set(feeds.map(\.key))
        let upcoming = nextFetch.filter { keys.contains($0.key) && !disabled.contains($0.key) }.values.min()
        return (keys.count, failing.intersection(keys).count, disabled.intersection(keys).count, inFlight.count, upcoming)
    }
}
