import FeedCatalog
import FeedConfiguration
import FeedCore
import FeedStore
import Foundation

/// A configured feed as the sync API names it.
public struct ReaderFeed: Sendable, Equatable {
    public var number: ReaderStream.FeedNumber
    public var url: String
    /// The config's name, else the feed's own title, else its URL.
    public var title: String
    /// The site the feed belongs to, when it said.
    public var siteURL: String?
    /// Its tags in the config: the apps' folders.
    public var labels: [String]

    /// `feed/N`.
    public var streamID: String { ReaderStream.feed(number).id }

    /// A feed's number: the first 13 hex digits (52 bits) of its store key.
    public static func number(forURL url: String) -> ReaderStream.FeedNumber {
        ReaderStream.FeedNumber(FeedStore.key(forFeedURL: url).prefix(13), radix: 16) ?? 0
    }
}

/// An item in a stream: its entry and its read and starred state.
public struct ReaderEntry: Sendable {
    public var entry: IndexEntry
    public var isRead: Bool
    public var isStarred: Bool
}

/// An item with its content, for `stream/items/contents`.
public struct ReaderItem: Sendable {
    public var item: StoredItem
    /// The configured feeds carrying it, in config order (the first is its origin).
    public var feeds: [ReaderFeed]
    public var isRead: Bool
    public var isStarred: Bool
    /// Its full article's clean HTML, when one was extracted (`full_text`).
    public var articleHTML: String? = nil

    /// What apps show as its text: the full article, else the feed's content, else its summary.
    public var html: String { articleHTML ?? item.content ?? item.summary ?? "" }
}

/// What the sync API reads and marks, through the same catalog and store lock as `feedctl`, so the daemon,
/// feedctl and the apps never lose each other's writes. Every call reads the store afresh.
public struct SyncLibrary: Sendable {
    public let store: FeedStore
    public let configuration: Configuration
    /// Shared by every request's library: the feed files decoded lately.
    private let decodedFeeds: DecodedFeeds

    public init(store: FeedStore, configuration: Configuration, decodedFeeds: DecodedFeeds = DecodedFeeds()) {
        self.store = store
        self.configuration = configuration
        self.decodedFeeds = decodedFeeds
    }

    private var catalog: ItemCatalog { ItemCatalog(store: store, configuration: configuration) }

    /// The configured feeds, in config order.
    public func feeds() throws(StoreError) -> [ReaderFeed] {
        try configuration.feeds.map { feed throws(StoreError) in
            let url = feed.url.absoluteString
            let state = try store.loadFetchState(url: url)
            return ReaderFeed(
                number: ReaderFeed.number(forURL: url), url: url, title: feed.name ?? state?.title ?? url, siteURL: state?.link,
                labels: feed.tags)
        }
    }

    /// The feed URLs a stream covers; nil for every feed.
    public func feedURLs(of stream: ReaderStream, feeds: [ReaderFeed]) -> Set<String>? {
        switch stream {
        case .readingList, .starred, .read: return nil
        case .feed(let number): return Set(feeds.filter { $0.number == number }.map(\.url))
        case .label(let name): return Set(feeds.filter { $0.labels.contains(name) }.map(\.url))
        }
    }

    /// The unread items of the configured feeds, newest first (straight from the unread index: no feed
    /// names are looked up, as the API names feeds by number).
    public func unread() throws(StoreError) -> [ReaderEntry] {
        let starred = try store.starredItems()
        let configured = Set(configuration.feeds.map(\.url.absoluteString))
        return try store.allUnread().items.compactMap { entry in
            var entry = entry
            if entry.feeds.contains(where: { !configured.contains($0) }) { entry.feeds.removeAll { !configured.contains($0) } }
            return entry.feeds.isEmpty ? nil : ReaderEntry(entry: entry, isRead: false, isStarred: starred.contains(entry.key))
        }
    }

    /// Every item, read or not, newest first.
    public func all() throws -> [ReaderEntry] {
        try catalog.allItems(limit: nil).map { ReaderEntry(entry: $0.entry, isRead: $0.isRead, isStarred: $0.isStarred) }
    }

    /// The starred items, newest first.
    public func starred() throws -> [ReaderEntry] {
        try catalog.starredItems().map { ReaderEntry(entry: $0.entry, isRead: $0.isRead, isStarred: true) }
    }

    /// The items with these ids (feedd's hex form) that are stored, in the order asked.
    public func items(ids: [String]) throws -> [ReaderItem] {
        // Unread items (what apps ask for most) are found in the unread index, which names their feeds; the
        // others through the search index.
        let unreadEntries = try store.allUnread().items
        var keys: [String: String] = [:]
        var holders: [String: Set<String>] = [:]  // item key → the feed files holding it
        let wanted = Set(ids)
        for entry in unreadEntries where wanted.contains(entry.id) {
            keys[entry.id] = entry.key
            holders[entry.key] = Set(entry.feeds.map { FeedStore.key(forFeedURL: $0) + ".json" })
        }
        let missing = wanted.subtracting(keys.keys)
        if !missing.isEmpty {
            let index = try catalog.index()
            var found: Set<String> = []
            for id in missing {
                if let match = try index.items(idPrefix: id).first(where: { $0.id == id }) {
                    keys[id] = match.key
                    found.insert(match.key)
                }
            }
            for (file, held) in try index.files(holding: found) {
                for key in held { holders[key, default: []].insert(file) }
            }
        }
        // Each feed file holding some of them read once; an item is as the first configured feed has it.
        let feeds = try feeds().map { (feed: $0, file: FeedStore.key(forFeedURL: $0.url) + ".json") }
        var byFile: [String: Set<String>] = [:]
        for (key, files) in holders {
            for file in files { byFile[file, default: []].insert(key) }
        }
        var stored: [String: StoredItem] = [:]
        for (feed, file) in feeds {
            guard let held = byFile[file], !held.isSubset(of: Set(stored.keys)) else { continue }
            for item in try decodedFeeds.feed(url: feed.url, in: store)?.items ?? [] where held.contains(item.key) && stored[item.key] == nil {
                stored[item.key] = item
            }
        }
        let unreadKeys = Set(unreadEntries.map(\.key))
        let starred = try store.starredItems()
        return ids.compactMap { id in
            guard let key = keys[id], let item = stored[key] else { return nil }
            let files = holders[key] ?? []
            return ReaderItem(
                item: item, feeds: feeds.filter { files.contains($0.file) }.map(\.feed), isRead: !unreadKeys.contains(key),
                isStarred: starred.contains(key), articleHTML: store.article(id: item.id)?.html)
        }
    }


    /// Marks these items read; returns how many were unread.
    @discardableResult
    public func markRead(ids: [String]) throws -> Int { try catalog.markRead(ids) }

    /// Marks these items unread again; returns how many were read. Ids no stored item has are skipped.
    @discardableResult
    public func markUnread(ids: [String]) throws -> Int {
        let catalog = catalog
        return try catalog.markUnread(try known(ids, in: catalog))
    }

    /// Stars or unstars these items; returns how many changed.
    @discardableResult
    public func setStarred(ids: [String], _ starred: Bool) throws -> Int {
        let catalog = catalog
        return try catalog.setStarred(try known(ids, in: catalog), starred)
    }

    /// Marks read the unread items of these feeds (every feed for nil) that feedd first saw at or before
    /// `before` (all for nil); returns how many.
    @discardableResult
    public func markAllRead(feeds urls: Set<String>?, before: Date?) throws -> Int {
        let chosen = try unread().filter { unread in
            (urls.map { !$0.isDisjoint(with: unread.entry.feeds) } ?? true) && (before.map { unread.entry.firstSeen <= $0 } ?? true)
        }
        return try catalog.markRead(chosen.map(\.entry.id))
    }

    /// The ids some stored item has (so a stale id from an app is skipped, not an error for the rest).
    private func known(_ ids: [String], in catalog: ItemCatalog) throws -> [String] {
        let index = try catalog.index()
        return try ids.filter { id in try index.items(idPrefix: id).contains { $0.id == id } }
    }
}
