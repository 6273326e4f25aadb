import FeedModel
import Foundation

/// Merges a fresh parse of a feed into what is stored: pure, no I/O.
public enum ItemMerge {
    /// What a merge changed.
    public struct Outcome: Sendable {
        public var feed: StoredFeed
        public var added: [StoredItem] = []
        /// Items whose title, summary or content changed.
        public var updated: [StoredItem] = []
        /// Items retention deleted (each left a tombstone).
        public var removed: [StoredItem] = []
        /// New items the rules blocked: not stored, each left a tombstone instead.
        public var blocked: [StoredItem] = []
        /// What the rules decided for the added items they act on, by key.
        public var verdicts: [String: RuleVerdict] = [:]
        /// Whether anything stored differs.
        public var changed = false

        public var newCount: Int { added.count }
        public var updatedCount: Int { updated.count }
    }

    /// Adds new items, updates changed ones in place (keeping id, first-seen time and first publication
    /// date, so a publisher re-dating old items does not float them up), keeps every stored item the document
    /// no longer carries until retention says otherwise (never a `starred` one, by key), and returns items
    /// newest first. `rules` decides for each new item, once, when it is first seen: one it blocks leaves a
    /// tombstone, so it is never new again while the feed carries it.
    public static func merge<E: Error>(
        _ stored: StoredFeed, document: [ParsedItem], now: Date, retention: RetentionPolicy = RetentionPolicy(),
        starred: Set<String> = [], rules: ((StoredItem, Date) -> RuleVerdict)? = nil, isRead: (String) throws(E) -> Bool
    ) throws(E) -> Outcome {
        var feed = stored
        var outcome = Outcome(feed: stored)
        if !feed.identityByLinkAndTitle && ItemIdentity.guidsAreUnreliable(document) {
            feed.identityByLinkAndTitle = true
            // The stored items take their new identities too (same key, id and first-seen time), or every
            // one of them would come back as new.
            let renamed = ItemIdentity.identities(
                of: feed.items.map { ParsedItem(title: $0.title, link: $0.link, summary: $0.summary, content: $0.content) },
                byLinkAndTitle: true)
            for index in feed.items.indices { feed.items[index].identity = renamed[index] }
        }
        var byIdentity: [String: Int] = [:]
        for (index, item) in feed.items.enumerated() { byIdentity[item.identity] = index }
        var tombstoneIndex: [String: Int] = [:]
        for (index, tombstone) in feed.tombstones.enumerated() { tombstoneIndex[tombstone.identity] = index }
        // An item known by its link alone (`url:` identity) is the article its tombstone's key names, whatever
        // identity it was deleted under.
        var tombstoneOfArticle: [String: String] = [:]
        for tombstone in feed.tombstones where tombstone.key.hasPrefix("url:") { tombstoneOfArticle[tombstone.key] = tombstone.identity }
        var present: Set<String> = []
        // A link can stand for one article only if no other item of this feed, now or before, uses it
        // (a feed whose every item links to its home page).
        let linkKeys = document.indices.map { document[$0].link.flatMap(CanonicalURL.key) }
        var uniqueLinks = ItemIdentity.uniqueKeys(linkKeys)
        var keyOwners: [String: String] = [:]
        for item in feed.items { keyOwners[item.key] = item.identity }
        for tombstone in feed.tombstones { keyOwners[tombstone.key] = tombstone.identity }

        let identities = ItemIdentity.identities(of: document, byLinkAndTitle: feed.identityByLinkAndTitle)
        // Made at the first link-derived identity not found as it is (most merges never need it).
        var relinks: LinkIdentityMatcher?
        for position in document.indices {
            let item = document[position]
            let identity = identities[position]
            present.insert(identity)
            var index = byIdentity[identity]
            if index == nil, ItemIdentity.linkKey(ofLinkIdentity: identity) != nil {
                if relinks == nil { relinks = LinkIdentityMatcher(items: feed.items, claimed: Set(identities)) }
                index = relinks?.match(identity, title: item.title)
            }
            if let index {
                if feed.items[index].identity != identity {
                    byIdentity[feed.items[index].identity] = nil
                    byIdentity[identity] = index
                    keyOwners[feed.items[index].key] = identity
                }
                let existing = feed.items[index]
                var replacement = StoredItem(identity: identity, key: existing.key, item: item, firstSeen: existing.firstSeen)
                replacement.published = existing.published ?? item.published
                replacement.changed = existing.changed
                let contentChanged = replacement.title != existing.title || replacement.content != existing.content
                    || replacement.summary != existing.summary
                if contentChanged {
                    replacement.updated = item.updated ?? now
                    replacement.changed = true
                    outcome.updated.append(replacement)
                }
                feed.items[index] = replacement
            } else if let index = tombstoneIndex[identity] ?? tombstoneOfArticle[identity].flatMap({ tombstoneIndex[$0] }) {
                feed.tombstones[index].absentSince = nil  // still carried: still not new
            } else {
                let linkKey = linkKeys[position]
                var key = ItemIdentity.logicalKey(identity: identity, linkKey: linkKey, uniqueLinks: uniqueLinks, feedURL: feed.url)
                if let owner = keyOwners[key], owner != identity {
                    if let linkKey { uniqueLinks.remove(linkKey) }
                    key = ItemIdentity.logicalKey(identity: identity, linkKey: nil, uniqueLinks: [], feedURL: feed.url)
                }
                keyOwners[key] = identity
                let added = StoredItem(identity: identity, key: key, item: item, firstSeen: now)
                if let verdict = rules?(added, now), verdict.acts {
                    if verdict.blocked {
                        tombstoneIndex[identity] = feed.tombstones.count
                        feed.tombstones.append(Tombstone(identity: identity, key: key, deleted: now))
                        outcome.blocked.append(added)
                        continue
                    }
                    outcome.verdicts[key] = verdict
                }
                byIdentity[identity] = feed.items.count
                feed.items.append(added)
                outcome.added.append(added)
            }
        }

        // Tombstones of items the feed no longer carries are forgotten after `forgetAfter`.
        let forgetBefore = now.addingTimeInterval(-seconds(retention.forgetAfter))
        feed.tombstones = feed.tombstones.compactMap { tombstone in
            var tombstone = tombstone
            if present.contains(tombstone.identity) { return tombstone }
            tombstone.absentSince = tombstone.absentSince ?? now
            return tombstone.absentSince.map { $0 < forgetBefore } == true ? nil : tombstone
        }

        // Retention: oldest first-seen first; never an item the feed still carries or a starred one; unread
        // ones only if allowed.
        let oldestAllowed = now.addingTimeInterval(-seconds(retention.maxAge))
        var excess = feed.items.count - retention.maxItems
        var keep = [Bool](repeating: true, count: feed.items.count)
        for index in feed.items.indices.sorted(by: { feed.items[$0].firstSeen < feed.items[$1].firstSeen }) {
            let item = feed.items[index]
            guard excess > 0 || item.firstSeen < oldestAllowed else { continue }
            guard !present.contains(item.identity), !starred.contains(item.key) else { continue }
            if !retention.deleteUnread {
                guard try isRead(item.key) else { continue }
            }
            keep[index] = false
            excess -= 1
            outcome.removed.append(item)
            feed.tombstones.append(Tombstone(identity: item.identity, key: item.key, deleted: now, absentSince: now))
        }
        if !outcome.removed.isEmpty { feed.items = feed.items.indices.filter { keep[$0] }.map { feed.items[$0] } }
        feed.items.sort { StoredItem.newestFirst($0, $1) }

        outcome.changed = !outcome.added.isEmpty || !outcome.updated.isEmpty || !outcome.removed.isEmpty
            || feed.items != stored.items || feed.tombstones != stored.tombstones
            || feed.identityByLinkAndTitle != stored.identityByLinkAndTitle
        outcome.feed = feed
        return outcome
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds)
    }
}
