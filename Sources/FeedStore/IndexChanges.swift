import FeedCore
import FeedModel

/// What one feed's merge changes in the indexes: its unread record and the store's newest items
/// (`recent.json`), worked out before either is written (see `FeedStore.commit`).
struct IndexChanges {
    var feed: String
    /// New items, and whether each is unread (not read already).
    var added: [(entry: IndexEntry, unread: Bool)] = []
    var updated: [IndexEntry] = []
    /// Whether a changed item is unread again (config `on_update: unread`), else it stays as it was.
    var updatedBecomeUnread: Bool
    /// Keys of the items retention deleted.
    var removedKeys: [String] = []

    /// The read marks are consulted (and an item whose change makes it unread again loses its mark) before
    /// either list changes, so a failure leaves both lists as they were (marks cleared before it stay
    /// cleared, as the item is unread again either way once its feed is fetched next).
    init(_ merge: ItemMerge.Outcome, feed: String, onUpdate: UpdatePolicy, marks: inout ReadMarks) throws(StoreError) {
        self.feed = feed
        updatedBecomeUnread = onUpdate == .unread
        for item in merge.added {
            // Read already: the same article reached through another feed, or an item that came back.
            added.append((IndexEntry(item, feed: feed), unread: try !marks.isRead(item.key)))
        }
        for item in merge.updated {
            if updatedBecomeUnread { try marks.markUnread(item.key) }
            updated.append(IndexEntry(item, feed: feed))
        }
        if !merge.removed.isEmpty {
            let stillCarried = Set(merge.feed.items.map { $0.key })
            removedKeys = merge.removed.map { $0.key }.filter { !stillCarried.contains($0) }
        }
    }

    /// Items taken out of a feed's file (a rule applied to stored items blocked them): they leave both lists.
    init(removing keys: [String], feed: String) {
        self.feed = feed
        updatedBecomeUnread = false
        removedKeys = keys
    }

    func apply(toUnread unread: inout ItemIndexFile) {
        var newlyUnread: [IndexEntry] = []
        newlyUnread.reserveCapacity(added.count)
        for (entry, isUnread) in added where isUnread { newlyUnread.append(entry) }
        unread.upsert(contentsOf: newlyUnread)
        for entry in updated where updatedBecomeUnread || unread.contains(key: entry.key) { unread.upsert(entry) }
        for key in removedKeys { unread.remove(key: key, feed: feed) }
    }

    /// `keys`: every key `recent` holds, and maybe more; kept so.
    func apply(toRecent recent: inout ItemIndexFile, keys: inout Set<String>) {
        for (entry, _) in added {
            if keys.insert(entry.key).inserted { recent.insertNew(entry) } else { recent.upsert(entry) }
        }
        for entry in updated where keys.contains(entry.key) && recent.contains(key: entry.key) { recent.upsert(entry) }
        for key in removedKeys { recent.remove(key: key, feed: feed) }
        if recent.items.count > ItemIndexFile.recentCapacity {
            recent.items.removeLast(recent.items.count - ItemIndexFile.recentCapacity)
        }
    }
}
