import FeedCore
import Foundation

extension FeedStore {
    /// Removes stored items a rule blocks (`feedctl rules apply`), feed by feed (feed URL → keys), under the
    /// lock: each leaves a tombstone, as retention's do, so it never comes back as new while its feed carries
    /// it; it leaves the unread record and `recent.json` first. Starred items are not removed. Returns how
    /// many were.
    @discardableResult
    public func removeBlocked(_ keysByFeed: [String: Set<String>], now: Date) throws(StoreError) -> Int {
        try transaction { held throws(StoreError) -> Int in
            let starred = try held.starredItems()
            var recent = try held.loadIndex(ItemIndexFile.recentName)
            var recentKeys = Set(recent.items.map(\.key))
            var removed = 0
            var changedFeeds: [StoredFeed] = []
            for (url, keys) in keysByFeed.sorted(by: { $0.key < $1.key }) {
                guard var feed = try held.loadItems(url: url) else { continue }
                let gone = feed.items.filter { keys.contains($0.key) && !starred.contains($0.key) }
                guard !gone.isEmpty else { continue }
                let goneKeys = Set(gone.map(\.key))
                feed.items.removeAll { goneKeys.contains($0.key) }
                for item in gone { feed.tombstones.append(Tombstone(identity: item.identity, key: item.key, deleted: now)) }
                let changes = IndexChanges(removing: Array(goneKeys), feed: url)
                var unread = try held.loadUnread(feedURL: url)
                changes.apply(toUnread: &unread)
                try held.saveUnread(unread, feedURL: url)
                changes.apply(toRecent: &recent, keys: &recentKeys)
                changedFeeds.append(feed)
                removed += gone.count
            }
            guard removed > 0 else { return 0 }
            // The indexes first, then the feed files, as a commit writes them.
            try held.saveIndex(recent, named: ItemIndexFile.recentName)
            try held.durableTogether { () throws(StoreError) in
                for feed in changedFeeds { try held.saveItems(feed) }
            }
            return removed
        }
    }
}
