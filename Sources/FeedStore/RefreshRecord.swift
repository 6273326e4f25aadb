import FeedCore
import Foundation

/// One refresh of one feed, for the store to record: what the fetch came to and what deciding its
/// consequences needs (the feed's terms, the time, the schedule and its jitter).
public struct RefreshRecord: Sendable {
    public var terms: FeedTerms
    public var verdict: FetchVerdict
    public var now: Date
    public var schedule: SchedulePolicy
    /// 0..<1, spreading the backoff of failing feeds.
    public var jitter: Double

    /// What the configured rules decide for each new item (`FeedRules.RuleSet`); nil when the feed has none.
    public var rules: (@Sendable (StoredItem, Date) -> RuleVerdict)?
    /// Whether hooks are configured: then the new items (and those a rule starred) are recorded as events
    /// (`HookEvent`) in the same step as the unread index that lists them.
    public var recordsEvents: Bool

    public init(
        terms: FeedTerms, verdict: FetchVerdict, now: Date, schedule: SchedulePolicy, jitter: Double,
        rules: (@Sendable (StoredItem, Date) -> RuleVerdict)? = nil, recordsEvents: Bool = false
    ) {
        self.recordsEvents = recordsEvents
        self.terms = terms
        self.verdict = verdict
        self.now = now
        self.schedule = schedule
        self.jitter = jitter
        self.rules = rules
    }
}

/// What recording one refresh did: the feed's fetch state now, and how many items were new or changed.
public struct RecordedRefresh: Sendable, Equatable {
    public var state: FetchState
    public var newItems: Int
    public var changedItems: Int
    /// New items the rules kept out of the store.
    public var blockedItems = 0
    /// The new items stored (for their full articles, `full_text`).
    public var added: [StoredItem] = []
}
