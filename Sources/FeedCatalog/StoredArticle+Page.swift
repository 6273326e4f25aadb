import FeedArticle
import FeedFetcher
import FeedStore
import Foundation

extension StoredArticle {
    /// What fetching an item's page gave, as kept beside the item: the article extraction found, or why
    /// there is none (an HTTP status other than 2xx, or extraction's reason). The daemon's `full_text` and
    /// `feedctl show --full` keep the same.
    public init(itemID: String, response: FetchResponse, fetched: Date = Date()) {
        let page = response.finalURL.absoluteString
        guard (200..<300).contains(response.status) else {
            self.init(id: itemID, page: page, fetched: fetched, failure: "HTTP \(response.status)")
            return
        }
        switch ArticleExtractor.extract(page: Array(response.body), contentType: response.contentType, url: response.finalURL) {
        case .success(let article):
            self.init(
                id: itemID, page: page, fetched: fetched, title: article.title, byline: article.byline, html: article.html,
                words: article.wordCount)
        case .failure(let failure):
            self.init(id: itemID, page: page, fetched: fetched, failure: failure.description)
        }
    }
}
