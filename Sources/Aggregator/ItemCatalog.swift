import FeedModel
import FeedStore
import Foundation

/// An item as `feedctl list` shows it: the stored item with its feed's display name and read state.
public struct ListedItem: Sendable, Equatable {
    public var item: StoredItem
    public var feedName: String
    public var feedURL: String
    public var isRead: Bool

    public init(item: StoredItem, feedName: String, feedURL: String, isRead: Bool) {
        self.item = item
        self.feedName = feedName
        self.feedURL = feedURL
        self.isRead = isRead
    }
}

/// Reads the store as the CLI presents it: every item of the configured feeds, newest first.
public struct ItemCatalog {
    public let store: FeedStore
    public let configuration: Configuration

    public init(store: FeedStore, configuration: Configuration) {
        self.store = store
        self.configuration = configuration
    }

    /// Items of the configured feeds, newest first; only unread ones unless `includeRead`.
    public func items(includeRead: Bool) throws(StoreError) -> [ListedItem] {
        let readState = try store.loadReadState()
        var listed: [ListedItem] = []
        for feed in configuration.feeds {
            let key = feed.url.absoluteString
            guard let stored = try store.loadFeed(url: key) else { continue }
            let name = feed.name ?? stored.title ?? key
            for item in stored.items {
                let isRead = readState.read[item.id] != nil
                guard includeRead || !isRead else { continue }
                listed.append(ListedItem(item: item, feedName: name, feedURL: key, isRead: isRead))
            }
        }
        listed.sort { ($0.item.sortDate, $0.item.id) > ($1.item.sortDate, $1.item.id) }
        return listed
    }

    /// The configured feeds whose name, configured URL or stored title matches `names` (all when empty).
    public func feeds(matching names: [String]) throws -> [FeedConfig] {
        guard !names.isEmpty else { return configuration.feeds }
        return try names.map { name in
            let lower = name.lowercased()
            let matches = configuration.feeds.filter { feed in
                feed.name?.lowercased() == lower || feed.url.absoluteString == name
                    || (try? store.loadFeed(url: feed.url.absoluteString))??.title?.lowercased() == lower
            }
            guard let feed = matches.first else { throw CatalogError(message: "no feed named \(name) in \(configuration.path)") }
            guard matches.count == 1 else { throw CatalogError(message: "\(name) names \(matches.count) feeds; use its URL") }
            return feed
        }
    }

    /// One line of `feedctl feeds`: a configured feed with what the store knows of it.
    public struct FeedSummary: Sendable {
        public var config: FeedConfig
        public var title: String?
        public var fetch: FetchState
        public var items: Int
        public var unread: Int

        public var displayName: String { config.name ?? title ?? config.url.absoluteString }
    }

    /// Every configured feed, in config order, with its fetch state and item counts.
    public func feedSummaries() throws(StoreError) -> [FeedSummary] {
        let readState = try store.loadReadState()
        return try configuration.feeds.map { feed throws(StoreError) in
            let stored = try store.loadFeed(url: feed.url.absoluteString)
            let items = stored?.items ?? []
            return FeedSummary(
                config: feed, title: stored?.title, fetch: stored?.fetch ?? FetchState(), items: items.count,
                unread: items.filter { readState.read[$0.id] == nil }.count)
        }
    }

    /// Marks these item ids read (under the store lock); returns how many were not read before.
    @discardableResult
    public func markRead(_ ids: some Sequence<String>, now: Date = Date()) throws -> Int {
        try store.withWriteLock { () throws(StoreError) -> Int in
            var state = try store.loadReadState(quarantine: true)
            var count = 0
            for id in ids where state.read[id] == nil {
                state.read[id] = now
                count += 1
            }
            if count > 0 { try store.saveReadState(state) }
            return count
        }
    }

    /// Resolves what a person typed to item ids: a full id or a unique prefix of one.
    public func resolve(_ prefixes: [String]) throws -> [String] {
        let all = try items(includeRead: true).map(\.item.id)
        return try prefixes.map { prefix in
            let matches = Set(all.filter { $0.hasPrefix(prefix.lowercased()) })
            guard matches.count == 1, let id = matches.first else {
                throw CatalogError(message: matches.isEmpty ? "no item with id \(prefix)" : "id prefix \(prefix) is ambiguous")
            }
            return id
        }
    }
}

/// A request the catalog cannot satisfy, said in one line.
public struct CatalogError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }

    public init(message: String) {
        self.message = message
    }
}
