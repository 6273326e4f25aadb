import FeedCore
import FeedStore
import Foundation

/// One event on its way to one hook (`STATE_DIR/outbox/ID.json`): written before the first attempt and
/// removed after the one that succeeds, so a crash or a restart neither drops it nor forgets it. Every
/// attempt sends the same id and the same bytes, so a receiver can drop a repeat.
public struct Delivery: Codable, Sendable, Equatable {
    public static let currentSchema = 1
    public var schema = Delivery.currentSchema
    /// Made of the event's id and the hook's name (or of the digest's), so handing the same event to the
    /// same hook twice (after a crash) makes the same delivery.
    public var id: String
    public var hook: String
    public var event: HookEventKind
    public var created: Date
    public var entries: [HookEvent.Entry]
    /// Feed key → the name the config gave it when the delivery was made.
    public var feedNames: [String: String]
    /// Whether it gathers several events (`batch`, `daily`).
    public var digest = false
    public var attempts = 0
    public var nextAttempt: Date
    public var lastAttempt: Date?
    public var lastError: String?
    /// Retried until `DeliveryPolicy.giveUpAfter` from this time (its creation, or the last
    /// `feedctl hooks retry`), then kept here, failed, until the next `retry`.
    public var retriedSince: Date?
    /// Retried until `DeliveryPolicy.giveUpAfter`, then kept here, failed, until `feedctl hooks retry`.
    public var failed = false

    public init(id: String, hook: String, event: HookEventKind, created: Date, entries: [HookEvent.Entry], feedNames: [String: String], digest: Bool = false) {
        self.id = id
        self.hook = hook
        self.event = event
        self.created = created
        self.entries = entries
        self.feedNames = feedNames
        self.digest = digest
        nextAttempt = created
    }

    enum CodingKeys: String, CodingKey {
        case schema, id, hook, event, created, entries, feedNames = "feed_names", digest, attempts
        case nextAttempt = "next_attempt", lastAttempt = "last_attempt", lastError = "last_error"
        case retriedSince = "retried_since", failed
    }

    /// The delivery of `event` to the hook named `hook`.
    public static func id(event: String, hook: String) -> String { StableHash.hex("delivery\n\(event)\n\(hook)") }

    /// The name a person knows the entry's feed by.
    public func feedName(of entry: HookEvent.Entry) -> String {
        feedNames[entry.feed] ?? entry.feedTitle ?? entry.feed
    }
}

/// Events gathered for a hook with `batch` or `daily`, until its digest is due (`STATE_DIR/outbox/gathering/`).
public struct Gathering: Codable, Sendable, Equatable {
    public var hook: String
    public var event: HookEventKind
    /// When its first item arrived: the digest is due a `batch` later, or at the next `daily` time.
    public var started: Date
    /// The events gathered, so one handed over again (after a crash) is not gathered twice.
    public var events: [String] = []
    public var entries: [HookEvent.Entry] = []
    public var feedNames: [String: String] = [:]

    public init(hook: String, event: HookEventKind, started: Date) {
        self.hook = hook
        self.event = event
        self.started = started
    }

    enum CodingKeys: String, CodingKey {
        case hook, event, started, events, entries, feedNames = "feed_names"
    }

    /// The digest these gathered events make: its id is of the hook, the event kind and the first event, so
    /// making it twice (after a crash) makes the same one.
    public func digest(now: Date) -> Delivery {
        let id = StableHash.hex("digest\n\(hook)\n\(event.rawValue)\n\(events.first ?? "")")
        return Delivery(id: id, hook: hook, event: event, created: now, entries: entries, feedNames: feedNames, digest: true)
    }
}
