import FeedConfiguration
import FeedCore
import FeedIndex
import FeedRules
import FeedStore
import Foundation

/// What the configured rules do to one stored item of one feed.
public struct RuleAction: Sendable {
    public var id: String
    public var key: String
    /// The feed's URL, as configured.
    public var feed: String
    public var feedName: String
    public var title: String?
    public var verdict: RuleVerdict
}

/// What `feedctl rules apply` did.
public struct RuleRunResult: Sendable, Equatable {
    public var blocked = 0
    public var markedRead = 0
    public var starred = 0
    public var tagged = 0
}

extension ItemCatalog {
    /// What the rules would change in the stored items of `feeds` (all configured feeds when empty) dated
    /// `since` or later, newest first: what is done already (read, tagged) is not said again. Starred items
    /// and those marked unread by hand are left out: a rule never touches them. Reads the search index and
    /// the read state only; changes nothing.
    public func ruleActions(feeds: [FeedConfig] = [], since: Date? = nil, now: Date = Date()) throws -> [RuleAction] {
        let chosen = feeds.isEmpty ? configuration.feeds : feeds
        var sets: [String: (name: String, rules: RuleSet)] = [:]
        for feed in chosen {
            let rules = configuration.ruleSet(for: feed)
            if !rules.isEmpty { sets[feed.url.absoluteString] = (displayName(feed), rules) }
        }
        guard !sets.isEmpty else { return [] }
        let starred = try store.starredItems()
        let keptUnread = try store.keptUnread()
        let unread = Set(try store.unreadReferences().map(\.key))
        let tags = try store.itemTags()
        var actions: [RuleAction] = []
        // An article several feeds carry is marked, starred and tagged once, with what every feed's rules
        // say; a block is each feed's own.
        var marked: [String: Int] = [:]
        let fields = sets.values.reduce(into: Set<ItemRule.Field>()) { $0.formUnion($1.rules.fields) }
        try index().forEachItem(since: since, withText: fields.contains(.content), withEnclosures: fields.contains(.enclosureType)) { item in
            guard let (name, rules) = sets[item.feed], !starred.contains(item.key), !keptUnread.contains(item.key) else { return }
            let subject = RuleSubject(
                title: item.title, url: item.link, content: item.text, authors: item.authors, categories: item.categories,
                enclosureTypes: item.enclosureTypes, published: item.published, firstSeen: item.firstSeen, fields: rules.fields)
            var verdict = rules.verdict(for: subject, now: now)
            if verdict.markRead && !unread.contains(item.key) { verdict.markRead = false }
            let known = tags.of(item.key)
            verdict.tags.removeAll { known.contains($0) }
            guard verdict.acts else { return }
            verdict = rules.trimmingLines(of: verdict)
            if !verdict.blocked, let earlier = marked[item.key] {
                actions[earlier].verdict.markRead = actions[earlier].verdict.markRead || verdict.markRead
                actions[earlier].verdict.star = actions[earlier].verdict.star || verdict.star
                for tag in verdict.tags where !actions[earlier].verdict.tags.contains(tag) { actions[earlier].verdict.tags.append(tag) }
                actions[earlier].verdict.lines += verdict.lines
                return
            }
            if !verdict.blocked { marked[item.key] = actions.count }
            actions.append(RuleAction(id: item.id, key: item.key, feed: item.feed, feedName: name, title: item.title, verdict: verdict))
        }
        return actions
    }

    /// Does what `actions` say: blocked items leave the store (each a tombstone), the others are marked read,
    /// starred and tagged.
    public func apply(_ actions: [RuleAction], now: Date = Date()) throws -> RuleRunResult {
        var result = RuleRunResult()
        var blocking: [String: Set<String>] = [:]
        var reading: Set<String> = []
        var starring: [String] = []  // ids: starring goes through `setStarred`, which tells the hooks
        var tagging: [String: [String]] = [:]
        for action in actions {
            if action.verdict.blocked {
                blocking[action.feed, default: []].insert(action.key)
                continue
            }
            if action.verdict.markRead { reading.insert(action.key) }
            if action.verdict.star { starring.append(action.id) }
            if !action.verdict.tags.isEmpty { tagging[action.key, default: []].append(contentsOf: action.verdict.tags) }
        }
        result.blocked = try store.removeBlocked(blocking, now: now)
        if !reading.isEmpty { result.markedRead = try store.markRead(now: now) { unread in unread.filter { reading.contains($0.key) } } }
        result.starred = starring.isEmpty ? 0 : try setStarred(starring, true, now: now)
        result.tagged = try store.addTags(tagging)
        return result
    }
}
