import FeedCore
import FeedDaemon
import FeedCatalog
import FeedConfiguration
import FeedFetcher
import FeedStore
import Foundation
import Logging
import TestSupport
import Testing

/// What a person sees of the store: one article carried by two feeds, updates, retention, through the
/// refresh path and the catalog feedctl uses.
struct StoreSemanticsTests {
    static func rss(_ items: [(guid: String, title: String, link: String)]) -> String {
        "<rss version=\"2.0\"><channel><title>c</title>"
            + items.map { "<item><guid>\($0.guid)</guid><title>\($0.title)</title><link>\($0.link)</link></item>" }.joined()
            + "</channel></rss>"
    }

    struct World {
        let directory: TemporaryDirectory
        let config: Configuration
        let store: FeedStore
        let refresher: Refresher
        let catalog: ItemCatalog

        init(_ yaml: String) throws {
            directory = try TemporaryDirectory()
            config = try Configuration.parse(yaml, path: directory.url.appendingPathComponent("c.yaml").path)
            store = try FeedStore(directory: directory.url.appendingPathComponent("state"))
            refresher = Refresher(store: store, engine: FetchEngine(), logger: Logger(label: "test"))
            catalog = ItemCatalog(store: store, configuration: config)
        }

        func refreshAll() async {
            for feed in config.feeds { _ = await refresher.refresh(feed) }
        }
    }

    @Test func oneArticleInTwoFeedsIsListedOnceAndReadInBoth() async throws {
        let server = try TestHTTPServer { request in
            // The planet re-publishes the blog's article under its own guid, with tracking on the link.
            request.path == "/blog"
                ? .init(text: Self.rss([("https://blog.example/p/1", "Article", "https://blog.example/p/1"), ("b2", "Only in blog", "https://blog.example/p/2")]))
                : .init(text: Self.rss([("planet-77", "Article", "https://www.blog.example/p/1?utm_source=planet")]))
        }
        let world = try World("feeds:\n  - url: \(server.url("/blog"))\n    name: Blog\n  - url: \(server.url("/planet"))\n    name: Planet\n")
        await world.refreshAll()
        let unread = try world.catalog.unreadItems()
        // The planet's guid is not a URL, so its copy is its own item; the blog's guid and the planet's link agree.
        let article = try #require(unread.first { $0.entry.title == "Article" && $0.feedNames.count == 2 })
        #expect(article.feedNames == ["Blog", "Planet"] || article.feedNames == ["Planet", "Blog"])
        #expect(unread.filter { $0.entry.title == "Article" }.count == 1, "listed once")
        #expect(try world.catalog.markRead([article.entry.id]) == 1)
        #expect(try world.catalog.unreadItems().map(\.entry.title) == ["Only in blog"])
        // Neither feed lost it.
        for feed in world.config.feeds {
            #expect(try world.store.loadFeed(url: feed.url.absoluteString)?.items.contains { $0.title == "Article" } == true)
        }
        await world.refreshAll()
        #expect(try world.catalog.unreadItems().map(\.entry.title) == ["Only in blog"], "read stays read in both")
    }

    @Test func onUpdateUnreadBringsAChangedItemBackAndKeepMarksItChanged() async throws {
        let title = Locked("First title")
        let server = try TestHTTPServer { request in
            .init(text: Self.rss([("g1", title.value, "https://x.example\(request.path)/1")]))
        }
        let world = try World("""
            feeds:
              - url: \(server.url("/keep"))
              - url: \(server.url("/unread"))
                on_update: unread
            """)
        await world.refreshAll()
        try world.catalog.markAllRead()
        title.withLock { $0 = "Corrected title" }
        await world.refreshAll()
        let unread = try world.catalog.unreadItems()
        // Two feeds, two articles (their links differ). Only the `unread` feed's comes back.
        #expect(unread.count == 1)
        #expect(unread.first?.entry.title == "Corrected title")
        #expect(unread.first?.entry.changed == true)
        #expect(unread.first?.entry.feeds == [server.url("/unread").absoluteString])
        let all = try world.catalog.allItems(limit: nil)
        #expect(all.filter { $0.isRead }.map(\.entry.changed) == [true], "kept read, marked changed")
    }

    @Test func retentionFromTheConfigTrimsReadItemsButNeverUnreadOnes() async throws {
        let count = Locked(3)
        let server = try TestHTTPServer { _ in
            let items = (0..<count.value).map { ("g\($0)", "Item \($0)", "https://x.example/\($0)") }
            return .init(text: Self.rss(Array(items.suffix(2))))  // the feed only ever carries its newest two
        }
        let world = try World("retention:\n  max_items: 2\nfeeds:\n  - url: \(server.url("/f"))\n")
        for total in 3...6 {
            count.withLock { $0 = total }
            await world.refreshAll()
        }
        let key = server.url("/f").absoluteString
        #expect(try world.store.loadFeed(url: key)?.items.count == 5, "unread items are kept")
        try world.catalog.markAllRead()
        count.withLock { $0 = 7 }
        await world.refreshAll()
        let stored = try #require(try world.store.loadFeed(url: key))
        #expect(stored.items.map(\.title) == ["Item 6", "Item 5"])
        #expect(stored.tombstones.count == 4)
        #expect(try world.catalog.unreadItems().map(\.entry.title) == ["Item 6"])
    }
}
