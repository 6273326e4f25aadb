import FeedCore
import FeedModel
import Foundation

extension FeedStore {
    /// The store's newest items, read or not, without bodies (`recent.json`).
    public func recentItems() throws(StoreError) -> ItemIndexFile {
        try loadIndex(ItemIndexFile.recentName, held: nil)
    }

    /// The id, key and feeds of every unread item, one per logical item, in no particular order: what
    /// marking read and counting need, read at a fraction of the cost of whole entries.
    public func unreadReferences() throws(StoreError) -> [UnreadReference] {
        try unreadReferences(held: nil)
    }

    /// Marks read, under one hold of the lock, the unread items `choose` picks from all of them (given as
    /// they are under the lock); returns how many it picked. Their marks are written (and they are no
    /// longer kept unread by hand), then their entries leave every feed's unread record, in one append.
    @discardableResult
    public func markRead(now: Date, choosing choose: ([UnreadReference]) -> [UnreadReference]) throws(StoreError) -> Int {
        try transaction { held throws(StoreError) -> Int in
            let entries = choose(try held.unreadReferences())
            guard !entries.isEmpty else { return 0 }
            var marks = held.readMarks()
            var byFeed: [String: Set<String>] = [:]
            for entry in entries {
                try marks.markRead(entry.key, at: now)
                for feed in entry.feeds { byFeed[feed, default: []].insert(entry.key) }
            }
            try marks.save()
            try forgetKeptUnread(entries.map(\.key), held: held)
            try held.durableTogether { () throws(StoreError) in
                for (feed, keys) in byFeed {
                    var unread = try held.loadUnread(feedURL: feed)
                    unread.items.removeAll { keys.contains($0.key) }
                    try held.saveUnread(unread, feedURL: feed)
                }
            }
            return entries.count
        }
    }

    /// Marks these items unread again, as a person asks: their read marks go, their entries return to the
    /// unread record of the first feed that carries them, and they are recorded as kept unread by hand
    /// (`KeptUnread`: rules applied later leave them alone). Returns how many were read.
    @discardableResult
    public func markUnread(_ entries: [IndexEntry]) throws(StoreError) -> Int {
        try transaction { held throws(StoreError) -> Int in
            var marks = held.readMarks()
            var count = Set<String>()
            for entry in entries where try marks.isRead(entry.key) || count.contains(entry.key) {
                try marks.markUnread(entry.key)
                count.insert(entry.key)
            }
            // The marks first: a crash between the two leaves the item unread but unlisted until the next
            // rebuild, never listed while marked read.
            try marks.save()
            try recordKeptUnread(count, now: Date(), held: held)
            // Each feed's record read and written once, however many of its items come back.
            var byFeed: [String: [IndexEntry]] = [:]
            for entry in entries where count.contains(entry.key) { byFeed[entry.feeds[0], default: []].append(entry) }
            try held.durableTogether { () throws(StoreError) in
                for (feed, returning) in byFeed.sorted(by: { $0.key < $1.key }) {
                    var unread = try held.loadUnread(feedURL: feed)
                    let fresh = returning.filter { !unread.contains(key: $0.key) }
                    guard !fresh.isEmpty else { continue }
                    // A feed with nothing unread had no record: the new one names the feed as a refresh's does.
                    if unread.title == nil { unread.title = try held.loadFetchState(url: feed)?.title }
                    unread.upsert(contentsOf: fresh)
                    try held.saveUnread(unread, feedURL: feed)
                }
            }
            return count.count
        }
    }
}
