import FeedCatalog
import FeedConfiguration
import FeedCore
import FeedFetcher
import FeedStore
import Foundation
import Logging

/// Fetches the web pages of new items for their full articles (`full_text`) and keeps what extraction
/// gives, or why it gave nothing, beside each item. Pages have their own fetch engine (`fetch.
/// page_concurrency` slots, one per host), so they never hold up a feed; `Retry-After` waits pass between
/// it and the feeds' engine both ways, so a host that asked for quiet gets it from both.
public actor ArticleFetcher {
    let store: FeedStore
    let engine: FetchEngine
    let feedEngine: FetchEngine
    let fetch: FetchConfig
    let environment: [String: String]
    let logger: Logger
    private var running: [UInt64: Task<Void, Never>] = [:]
    private var nextID: UInt64 = 0
    private var waiters: [CheckedContinuation<Void, Never>] = []

    public init(store: FeedStore, feedEngine: FetchEngine, fetch: FetchConfig, environment: [String: String], logger: Logger) {
        self.store = store
        self.feedEngine = feedEngine
        self.fetch = fetch
        self.environment = environment
        self.logger = logger
        engine = FetchEngine(settings: fetch.pageEngineSettings)
    }

    /// Starts fetching the pages `ArticleSelection` chooses among a feed's new items.
    public func enqueue(feed: FeedConfig, added: [StoredItem]) {
        let chosen = ArticleSelection.choose(added, policy: feed.fullText) { store.article(id: $0) != nil }
        for item in chosen {
            let id = nextID
            nextID += 1
            running[id] = Task { [self] in
                await self.fetchArticle(feed: feed, item: item)
                self.finished(id)
            }
        }
    }

    /// Returns once every page fetch started has ended.
    public func drain() async {
        if running.isEmpty { return }
        await withCheckedContinuation { waiters.append($0) }
    }

    /// Aborts the page fetches in flight (shutdown); what was kept stays.
    public func cancelAll() {
        for task in running.values { task.cancel() }
    }

    private func finished(_ id: UInt64) {
        running[id] = nil
        if running.isEmpty {
            for waiter in waiters { waiter.resume() }
            waiters.removeAll()
        }
    }

    /// One item: its page fetched, the article extracted and kept, or the failure kept. Never throws.
    nonisolated func fetchArticle(feed: FeedConfig, item: StoredItem) async {
        guard let link = item.link, let url = URL(string: link) else { return }
        let metadata: Logger.Metadata = ["feed_url": "\(feed.url.absoluteString)", "item": "\(item.id)", "page": "\(link)"]
        func keep(_ article: StoredArticle) {
            if let failure = article.failure {
                logger.notice("no full article", metadata: metadata.merging(["reason": "\(failure)"]) { $1 })
            } else {
                logger.info("full article kept", metadata: metadata.merging(["words": "\(article.words ?? 0)"]) { $1 })
            }
            do {
                try store.save(article)
            } catch {
                logger.error("cannot keep the article", metadata: metadata.merging(["error": "\(error)"]) { $1 })
            }
        }
        let response: FetchResponse
        do {
            let request = try feed.pageRequest(url, fetch: fetch, environment: environment)
            for (host, until) in feedEngine.hostWaits { engine.hold(host: host, until: until) }
            response = try await engine.fetch(request)
        } catch FetchError.cancelled {
            return
        } catch {
            shareWaits()
            return keep(StoredArticle(id: item.id, page: link, fetched: Date(), failure: "\(error)"))
        }
        shareWaits()
        keep(StoredArticle(itemID: item.id, response: response))
    }

    /// Waits a page's host asked for (`Retry-After`) hold for the feeds too.
    private nonisolated func shareWaits() {
        for (host, until) in engine.hostWaits where feedEngine.hostWaits[host] != until { feedEngine.hold(host: host, until: until) }
    }
}
