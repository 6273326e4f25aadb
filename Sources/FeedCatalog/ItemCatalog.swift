import FeedConfiguration
import FeedCore
import FeedIndex
import FeedModel
import FeedStore
import Foundation

/// An item as `feedctl list` shows it: its index entry, the display names of the feeds that carry it (in
/// configuration order), whether it is read or starred, and its short id.
public struct ListedItem: Sendable, Equatable {
    public var entry: IndexEntry
    public var feedNames: [String]
    public var isRead: Bool
    public var isStarred: Bool
    /// The tags rules gave it (`tag` rules), in the order given.
    public var tags: [String]
    /// The shortest prefix of its id no other stored item shares (`ShortID`); the whole id until known.
    public var shortID: String

    public init(
        entry: IndexEntry, feedNames: [String], isRead: Bool, isStarred: Bool = false, tags: [String] = [], shortID: String? = nil
    ) {
        self.entry = entry
        self.feedNames = feedNames
        self.isRead = isRead
        self.isStarred = isStarred
        self.tags = tags
        self.shortID = shortID ?? entry.id
    }
}

/// Reads the store as the CLI presents it. Unread items come from the per-feed unread files, the newest
/// from `recent.json`: no item body is read to list them. Everything else (every item, an id prefix, a
/// search) comes from the search index (`ItemIndex`), brought up to date with the store when first used.
public struct ItemCatalog {
    public let store: FeedStore
    public let configuration: Configuration
    private let opened: OpenedIndex

    public init(store: FeedStore, configuration: Configuration) {
        self.init(store: store, configuration: configuration, sharingIndexWith: nil)
    }

    /// A catalog that uses the index `other` opened (or opens it for both).
    init(store: FeedStore, configuration: Configuration, sharingIndexWith other: ItemCatalog?) {
        self.store = store
        self.configuration = configuration
        opened = other?.opened ?? OpenedIndex()
    }

    /// The search index, opened and updated on first use; its warning (an index that had to be built in
    /// memory) joins the store's.
    public func index() throws(IndexError) -> ItemIndex {
        if let index = opened.index { return index }
        let (index, warning) = try ItemIndex.open(store: store)
        if let warning { store.warnings.add(warning) }
        opened.index = index
        return index
    }

    /// How far the search index is from the store (its items, and the feed files it has yet to index),
    /// without updating it; nil when there is none yet.
    public func indexFreshness() -> (items: Int, behind: Int)? { ItemIndex.freshness(store: store) }

    /// Display name of a configured feed: the config's name, else the feed's own title, else its URL.
    public func displayName(_ feed: FeedConfig) -> String { name(feed, known: [:]) }

    /// Display name of a configured feed: the config's name, else the feed's own title (from `known`, else
    /// its state file), else its URL.
    private func name(_ feed: FeedConfig, known: [String: String]) -> String {
        let key = feed.url.absoluteString
        return feed.name ?? known[key] ?? (try? store.loadFetchState(url: key))??.title ?? key
    }

    /// Entries as listed items: only those of feeds still configured, their feeds in configuration order.
    private func listed(
        _ entries: [IndexEntry], titles: [String: String] = [:], isRead: (IndexEntry) -> Bool
    ) throws(StoreError) -> [ListedItem] {
        var inUse: Set<String> = []
        for entry in entries { inUse.formUnion(entry.feeds) }
        var names: [String: String] = [:]
        var order: [String: Int] = [:]
        for (position, feed) in configuration.feeds.enumerated() {
            order[feed.url.absoluteString] = position
            if inUse.contains(feed.url.absoluteString) { names[feed.url.absoluteString] = name(feed, known: titles) }
        }
        let starred = try store.starredItems()
        let tags = try store.itemTags()
        var listed: [ListedItem] = []
        listed.reserveCapacity(entries.count)
        for var entry in entries {
            if entry.feeds.count != 1 || order[entry.feeds[0]] == nil {
                entry.feeds = entry.feeds.filter { order[$0] != nil }.sorted { order[$0, default: 0] < order[$1, default: 0] }
                guard !entry.feeds.isEmpty else { continue }  // only feeds still in the configuration
            }
            listed.append(
                ListedItem(
                    entry: entry, feedNames: entry.feeds.compactMap { names[$0] }, isRead: isRead(entry),
                    isStarred: starred.contains(entry.key), tags: tags.of(entry.key)))
        }
        return listed
    }

    /// Unread items of the configured feeds, newest first.
    public func unreadItems() throws(StoreError) -> [ListedItem] {
        let unread = try store.allUnread()
        return try listed(unread.items, titles: unread.titles) { _ in false }
    }

    /// Items read or not, newest first: from `recent.json` when `limit` fits in it, else from the index.
    public func allItems(limit: Int?) throws -> [ListedItem] {
        let unreadKeys = Set(try store.unreadReferences().map { $0.key })
        if let limit, limit <= ItemIndexFile.recentCapacity {
            let recent = try listed(try store.recentItems().items) { !unreadKeys.contains($0.key) }
            if recent.count >= limit { return Array(recent.prefix(limit)) }
        }
        return try listed(try index().entries(limit: limit)) { !unreadKeys.contains($0.key) }
    }

    /// The items with these keys, read or not, newest first (what a search over every item found).
    public func items(keys: Set<String>) throws -> [ListedItem] {
        let unreadKeys = Set(try store.unreadReferences().map { $0.key })
        return try listed(try index().entries(keys: keys)) { !unreadKeys.contains($0.key) }
    }

    /// The starred items, read or not, newest first.
    public func starredItems() throws -> [ListedItem] {
        let unreadKeys = Set(try store.unreadReferences().map { $0.key })
        return try listed(try index().entries(keys: try store.starredItems().starred.keys)) { !unreadKeys.contains($0.key) }
    }

    /// The keys of the items a `--search` text finds (see `SearchQuery`).
    public func keys(searching text: String) throws -> Set<String> {
        guard let query = SearchQuery(text) else { throw CatalogError(message: "--search \(text) has no word to look for") }
        return try index().keys(matching: query)
    }

    /// The items with each one's short id set.
    public func withShortIDs(_ items: consuming [ListedItem]) throws -> [ListedItem] {
        // Those found ahead (the unread items'), and the rest asked for now: at `list --all`, all of them.
        let known = opened.shortIDLengths
        let missing = known.isEmpty ? items.map(\.entry.id) : items.map(\.entry.id).filter { known[$0] == nil }
        var lengths = known
        if !missing.isEmpty {
            let asked = try index().shortIDLengths(missing)
            if known.isEmpty { lengths = asked } else { lengths.merge(asked) { _, asked in asked } }
        }
        for position in items.indices {
            let id = items[position].entry.id
            items[position].shortID = String(id.prefix(lengths[id] ?? id.count))
        }
        return items
    }

    /// Finds the short ids of these ids ahead, for `withShortIDs`.
    func learnShortIDs(_ ids: [String]) throws {
        opened.shortIDLengths.merge(try index().shortIDLengths(ids)) { _, found in found }
    }

    /// Marks items read by id (under the store lock); returns how many were unread.
    @discardableResult
    public func markRead(_ ids: some Sequence<String>, now: Date = Date()) throws -> Int {
        let wanted = Set(ids)
        return try store.markRead(now: now) { unread in unread.filter { wanted.contains($0.id) } }
    }

    /// `feedctl read ID…`: resolves the prefixes among every stored item, then marks those that are unread
    /// read, under the lock. Returns how many were unread.
    @discardableResult
    public func markRead(prefixes: [String], now: Date = Date()) throws -> Int {
        let keys = Set(try resolve(prefixes).map(\.key))
        return try store.markRead(now: now) { unread in unread.filter { keys.contains($0.key) } }
    }

    /// Marks items unread again by id or prefix: their read marks go and their entries return to the
    /// unread files of the feeds that carry them. Returns how many were read.
    @discardableResult
    public func markUnread(_ prefixes: [String]) throws -> Int {
        let keys = try resolve(prefixes).map(\.key)
        return try store.markUnread(try index().entries(keys: keys))
    }

    /// Stars or unstars items by id or prefix; returns how many changed. With hooks that want `starred`
    /// events, starring records one for the items newly starred.
    @discardableResult
    public func setStarred(_ prefixes: [String], _ starred: Bool, now: Date = Date()) throws -> Int {
        let keys = try resolve(prefixes).map(\.key)
        guard starred, configuration.hooks.contains(where: { $0.events.contains(.starred) }) else {
            return try store.setStarred(keys, starred, now: now)
        }
        let stars = try store.starredItems()
        let tags = try store.itemTags()
        let unreadKeys = Set(try store.unreadReferences().map { $0.key })
        // The event names the feed that carries the item: read without its feeds, the file is read again.
        let feeds = configuration.scope == .whole ? configuration.feeds : try Configuration.load(path: configuration.path).feeds
        var entries: [String: HookEvent.Entry] = [:]
        for key in keys where !stars.contains(key) {
            guard let (item, feed) = try storedItem(key: key, feeds: feeds) else { continue }
            entries[key] = HookEvent.Entry(
                feed: feed.url.absoluteString, feedTitle: try store.loadFetchState(url: feed.url.absoluteString)?.title, item: item,
                read: !unreadKeys.contains(key), starred: true, tags: tags.of(key))
        }
        return try store.star(keys, now: now, entries: entries)
    }

    /// The item with this key as the first of `feeds` holding it stores it, with that feed.
    func storedItem(key: String, feeds: [FeedConfig]) throws -> (StoredItem, FeedConfig)? {
        let files = Set(try index().files(holding: key))
        for feed in feeds where files.contains(FeedStore.key(forFeedURL: feed.url.absoluteString) + ".json") {
            if let item = try store.loadFeed(url: feed.url.absoluteString)?.items.first(where: { $0.key == key }) { return (item, feed) }
        }
        return nil
    }

    /// Marks every unread item read; returns how many.
    @discardableResult
    public func markAllRead(now: Date = Date()) throws -> Int {
        try markRead(try unreadItems().map(\.entry.id), now: now)
    }

    /// Resolves what a person typed to items: a full id or a prefix of one that no other stored item shares
    /// (read ones included, as `feedctl list` shortens them).
    public func resolve(_ prefixes: [String]) throws -> [(id: String, key: String)] {
        let index = try index()
        return try prefixes.map { prefix in
            let matches = try index.items(idPrefix: prefix)
            guard prefix.count >= 1, prefix.allSatisfy(\.isHexDigit), let first = matches.first else {
                throw CatalogError(message: "no item with id \(prefix)")
            }
            guard matches.count == 1 else {
                let some = matches.prefix(3).map(\.id).joined(separator: ", ")
                throw CatalogError(message: "id prefix \(prefix) is ambiguous: \(matches.count) items (\(some)\(matches.count > 3 ? ", …" : ""))")
            }
            return first
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
            guard let feed = matches.first else { throw unknownFeed(name) }
            guard matches.count == 1 else { throw CatalogError(message: "\(name) names \(matches.count) feeds; use its URL") }
            return feed
        }
    }

    /// Fails, naming the first of `names` that matches no configured feed (by name, stored title or URL)
    /// and up to three close names, as `--feed` needs.
    public func checkFeedNames(_ names: [String]) throws {
        for name in names {
            let lower = name.lowercased()
            let known = configuration.feeds.contains { feed in
                displayName(feed).lowercased() == lower || feed.name?.lowercased() == lower
                    || feed.url.absoluteString.lowercased() == lower
            }
            if !known { throw unknownFeed(name) }
        }
    }

    private func unknownFeed(_ name: String) -> CatalogError {
        let close = CloseNames.suggestions(for: name, among: configuration.feeds.map(displayName))
        let hint = close.isEmpty ? "" : "; close: " + close.joined(separator: ", ")
        return CatalogError(message: "no feed named \(name) in \(configuration.path)\(hint)")
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

/// Where an `ItemCatalog` keeps its index once opened: the catalog is a value, the index is opened once.
/// The index once opened, and the short-id lengths already found in it.
private final class OpenedIndex {
    var index: ItemIndex?
    var shortIDLengths: [String: Int] = [:]
}
