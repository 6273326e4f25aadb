import FeedConfiguration
import FeedCore
import FeedModel
import FeedStore
import Foundation

/// An item as `feedctl list` shows it: its index entry, the display names of the feeds that carry it, and
/// whether it is read.
public struct ListedItem: Sendable, Equatable {
    public var entry: IndexEntry
    public var feedNames: [String]
    public var isRead: Bool

    public init(entry: IndexEntry, feedNames: [String], isRead: Bool) {
        self.entry = entry
        self.feedNames = feedNames
        self.isRead = isRead
    }
}

/// Reads the store as the CLI presents it. Unread items come from the per-feed unread files, the newest
/// from `recent.json`: no item body is read to list them.
public struct ItemCatalog {
    public let store: FeedStore
    public let configuration: Configuration

    public init(store: FeedStore, configuration: Configuration) {
        self.store = store
        self.configuration = configuration
    }

    /// Display name of a configured feed: the config's name, else the feed's own title, else its URL.
    public func displayName(_ feed: FeedConfig) -> String { name(feed, known: [:]) }

    /// Display name of a configured feed: the config's name, else the feed's own title (from `known`, else
    /// its state file), else its URL.
    private func name(_ feed: FeedConfig, known: [String: String]) -> String {
        let key = feed.url.absoluteString
        return feed.name ?? known[key] ?? (try? store.loadFetchState(url: key))??.title ?? key
    }

    private func listed(_ entries: [IndexEntry], titles: [String: String] = [:], isRead: (IndexEntry) -> Bool) -> [ListedItem] {
        let inUse = Set(entries.flatMap(\.feeds))
        var names: [String: String] = [:]
        for feed in configuration.feeds where inUse.contains(feed.url.absoluteString) {
            names[feed.url.absoluteString] = name(feed, known: titles)
        }
        let configured = Set(configuration.feeds.map(\.url.absoluteString))
        return entries.compactMap { entry in
            let feeds = entry.feeds.filter { configured.contains($0) }
            guard !feeds.isEmpty else { return nil }  // only feeds still in the configuration
            return ListedItem(entry: entry, feedNames: feeds.compactMap { names[$0] }, isRead: isRead(entry))
        }
    }

    /// Unread items of the configured feeds, newest first.
    public func unreadItems() throws(StoreError) -> [ListedItem] {
        let unread = try store.allUnread()
        return listed(unread.items, titles: unread.titles) { _ in false }
    }

    /// Items read or not, newest first: from `recent.json` when `limit` fits in it, else from every feed.
    public func allItems(limit: Int?) throws(StoreError) -> [ListedItem] {
        let unreadKeys = Set(try store.unreadReferences().map { $0.key })
        if let limit, limit <= ItemIndexFile.recentCapacity {
            let recent = listed(try store.recentItems().items) { !unreadKeys.contains($0.key) }
            if recent.count >= limit { return Array(recent.prefix(limit)) }
        }
        var byKey: [String: IndexEntry] = [:]
        for feed in configuration.feeds {
            guard let stored = try store.loadFeed(url: feed.url.absoluteString) else { continue }
            for item in stored.items {
                var entry = byKey[item.key] ?? IndexEntry(item, feed: stored.url)
                if !entry.feeds.contains(stored.url) { entry.feeds.append(stored.url) }
                byKey[item.key] = entry
            }
        }
        let all = listed(byKey.values.sorted { IndexEntry.newestFirst($0, $1) }) { !unreadKeys.contains($0.key) }
        return limit.map { Array(all.prefix($0)) } ?? all
    }

    /// Marks items read by id (under the store lock); returns how many were unread.
    @discardableResult
    public func markRead(_ ids: some Sequence<String>, now: Date = Date()) throws -> Int {
        let wanted = Set(ids)
        return try store.markRead(now: now) { unread in unread.filter { wanted.contains($0.id) } }
    }

    /// `feedctl read ID…`: resolves the prefixes against the unread items and marks them read, reading
    /// the unread files once, under the lock. Prefixes no unread item has are resolved among all items (which
    /// then turn out to be read already). Returns how many were unread.
    @discardableResult
    public func markRead(prefixes: [String], now: Date = Date()) throws -> Int {
        var missing: [String] = []
        var ambiguous: String?
        let count = try store.markRead(now: now) { unread in
            var hits: [UnreadReference] = []
            for prefix in prefixes {
                let needle = prefix.lowercased()
                let matches = unread.filter { $0.id.hasPrefix(needle) }
                if matches.count > 1 {
                    ambiguous = prefix
                    return []
                }
                if let entry = matches.first { hits.append(entry) } else { missing.append(prefix) }
            }
            return hits
        }
        if let ambiguous { throw CatalogError(message: "id prefix \(ambiguous) is ambiguous") }
        // Not unread: make sure they exist at all, for a clear error.
        _ = try resolve(missing)
        return count
    }

    /// Marks items unread again by id: their read marks go and their entries return to the unread files
    /// of the feeds that carry them. Returns how many were read.
    @discardableResult
    public func markUnread(_ ids: [String]) throws -> Int {
        let wanted = Set(ids)
        var entries: [IndexEntry] = []
        for feed in configuration.feeds {
            guard let stored = try store.loadFeed(url: feed.url.absoluteString) else { continue }
            for item in stored.items where wanted.contains(item.id) { entries.append(IndexEntry(item, feed: stored.url)) }
        }
        return try store.markUnread(entries)
    }

    /// Marks every unread item read; returns how many.
    @discardableResult
    public func markAllRead(now: Date = Date()) throws -> Int {
        try markRead(try unreadItems().map(\.entry.id), now: now)
    }

    /// Resolves what a person typed to item ids: a full id or a unique prefix of one, among unread items
    /// first, then recent ones, then every stored item.
    public func resolve(_ prefixes: [String]) throws -> [String] {
        let sources: [() throws -> [String]] = [
            { try unreadItems().map(\.entry.id) },
            { try store.recentItems().items.map(\.id) },
            { try allItems(limit: nil).map(\.entry.id) },
        ]
        return try prefixes.map { prefix in
            let needle = prefix.lowercased()
            for source in sources {
                let matches = Set(try source().filter { $0.hasPrefix(needle) })
                if matches.count == 1, let id = matches.first { return id }
                if matches.count > 1 { throw CatalogError(message: "id prefix \(prefix) is ambiguous") }
            }
            throw CatalogError(message: "no item with id \(prefix)")
        }
    }

    /// The configured feeds whose name, configured URL or stored title matches `names` (all when empty).
    public func feeds(matching names: [String]) throws -> [FeedConfig] {
        guard !names.isEmpty else { return configuration.feeds }
        return try names.map { name in
            let lower = name.lowercased()
            let address = name.contains(":") || name.contains("/") ? (try? FeedProbe.url(from: name)).map(FeedAddress.key) : nil
            let matches = configuration.feeds.filter { feed in
                feed.name?.lowercased() == lower || feed.url.absoluteString == name || FeedAddress.key(feed.url) == address
                    || (try? store.loadFetchState(url: feed.url.absoluteString))??.title?.lowercased() == lower
            }
            guard let feed = matches.first else { throw CatalogError(message: "no feed named \(name) in \(configuration.path)") }
            guard matches.count == 1 else { throw CatalogError(message: "\(name) names \(matches.count) feeds; use its URL") }
            return feed
        }
    }

    /// One line of `feedctl feeds`: a configured feed with what the store knows of it.
    public struct FeedSummary: Sendable {
        public var config: FeedConfig
        /// The config's name, else the feed's own title, else its URL.
        public var name: String
        public var fetch: FetchState
        public var items: Int
        public var unread: Int
    }

    /// Every configured feed, in config order, with its fetch state and item counts (read from the state
    /// files and the unread files, not from the items).
    public func feedSummaries() throws(StoreError) -> [FeedSummary] {
        var unreadCounts: [String: Int] = [:]
        for entry in try store.unreadReferences() {
            for feed in entry.feeds { unreadCounts[feed, default: 0] += 1 }
        }
        return try configuration.feeds.map { feed throws(StoreError) in
            let key = feed.url.absoluteString
            let fetch = try store.loadFetchState(url: key) ?? FetchState()
            return FeedSummary(
                config: feed, name: feed.name ?? fetch.title ?? key, fetch: fetch, items: fetch.itemCount ?? 0,
                unread: unreadCounts[key] ?? 0)
        }
    }
}
