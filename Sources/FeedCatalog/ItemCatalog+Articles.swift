import FeedConfiguration
import FeedFetcher
import FeedStore
import Foundation

extension ItemCatalog {
    /// `feedctl show --full`: fetches the item's page now, as the daemon would (the feed's user agent,
    /// headers, credentials for its own host), extracts the article and keeps the result, article or
    /// failure, beside the item.
    public func extractArticle(key: String, engine: FetchEngine, environment: [String: String]) async throws -> StoredArticle {
        let feeds = configuration.scope == .whole ? configuration.feeds : try Configuration.load(path: configuration.path).feeds
        guard let (item, feed) = try storedItem(key: key, feeds: feeds) else { throw CatalogError(message: "no stored item with key \(key)") }
        guard let link = item.link, let url = URL(string: link), ["http", "https"].contains(url.scheme?.lowercased() ?? "") else {
            throw CatalogError(message: "item \(item.id) has no web page to extract an article from")
        }
        let kept: StoredArticle
        do {
            let response = try await engine.fetch(try feed.pageRequest(url, fetch: configuration.fetch, environment: environment))
            kept = StoredArticle(itemID: item.id, response: response)
        } catch let error as FetchError {
            kept = StoredArticle(id: item.id, page: link, fetched: Date(), failure: error.description)
        }
        try store.save(kept)
        return kept
    }
}
