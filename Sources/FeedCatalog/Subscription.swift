import FeedConfiguration
import FeedCore
import FeedFetcher
import FeedModel
import FeedParser
import FeedStore
import Foundation

/// `feedctl add`: finds the feed an address names (one a web page advertises, when it is a page), checks
/// that it parses, refuses one already subscribed under any spelling of its URL, and appends its entry after
/// the last feed of the configuration.
public enum Subscription {
    /// What was added.
    public struct Added: Sendable {
        public var url: URL
        /// The name given, else the feed's own title, else its URL.
        public var title: String
        /// Items the feed carries now.
        public var itemCount: Int
        /// The configuration as written with the feed in it.
        public var configuration: Configuration
    }

    /// `pick` chooses among the feeds a page advertises (called only when there is at least one): the index
    /// of the one to add, or it throws.
    public static func add(
        _ address: String, name: String?, interval: String?, tags: [String], path: String, configuration: Configuration,
        store: FeedStore?, pick: (_ page: URL, _ alternates: [String]) throws -> Int
    ) async throws -> Added {
        let known = FeedAddress.Index(configuration, store: store)
        func refuseDuplicate(_ url: URL) throws(CatalogError) {
            guard let existing = known.existing(url) else { return }
            throw CatalogError(
                message: "\(FeedAddress.configText(url)) is already in \(configuration.path) (line \(existing.line): \(FeedAddress.configText(existing.url)))")
        }
        var url = try FeedProbe.url(from: address)
        try refuseDuplicate(url)
        var outcome = try await FeedProbe.probe(url, fetch: configuration.fetch)
        if case .page(let page, let alternates) = outcome {
            guard !alternates.isEmpty else {
                throw CatalogError(message: "\(page.absoluteString): not a feed: looks like an HTML page, and it advertises no feed")
            }
            let index = try pick(page, alternates)
            guard alternates.indices.contains(index) else {
                throw CatalogError(message: "\(page.absoluteString) advertises \(alternates.count) feed(s), not \(index + 1)")
            }
            guard let chosen = URL(string: alternates[index]) else { throw CatalogError(message: "\(alternates[index]): not a URL") }
            url = chosen
            try refuseDuplicate(url)
            outcome = try await FeedProbe.probe(url, fetch: configuration.fetch)
        }
        guard case .feed(let feedURL, let feed) = outcome else {
            throw CatalogError(message: "\(url.absoluteString): not a feed: looks like an HTML page")
        }
        try refuseDuplicate(feedURL)
        let entry = ConfigEditor.NewFeed(url: FeedAddress.configText(feedURL), name: name, interval: interval, tags: tags)
        let written = try ConfigFile.append([entry], urls: [feedURL], path: path)
        return Added(
            url: feedURL, title: name ?? feed.title ?? FeedAddress.configText(feedURL), itemCount: feed.items.count, configuration: written)
    }
}
