import FeedCatalog
import FeedDaemon
import FeedModel
import FeedStore
import Foundation

/// `feedctl tui`: the reader's loop. Draws the model, waits for a key (a second at most), hands it to the
/// model and carries out the effects against the store; between keys it reads the list again every few
/// seconds, so what the daemon stores appears without losing the cursor.
public final class ReaderSession {
    /// How many items "all" lists: the newest, read or not.
    public static let allLimit = 2000
    /// Seconds between reads of the list while no key comes.
    public static let refreshInterval: TimeInterval = 5

    private let catalog: ItemCatalog
    private let environment: [String: String]
    private var model = ReaderModel()

    public init(catalog: ItemCatalog, environment: [String: String]) {
        self.catalog = catalog
        self.environment = environment
    }

    public func run() throws(ReaderError) {
        let screen = try ReaderScreen(environment: environment)
        defer { screen.close() }
        reload(height: screen.bodyHeight)
        var lastRead = Date()
        while true {
            screen.draw(model, now: Date())
            guard let key = screen.key(waiting: 1000) else {
                if Date().timeIntervalSince(lastRead) >= Self.refreshInterval, model.view == .list || model.view == .item {
                    reload(height: screen.bodyHeight)
                    lastRead = Date()
                }
                continue
            }
            for effect in model.handle(key, height: screen.bodyHeight) {
                switch effect {
                case .quit: return
                case .suspend: screen.suspend()
                case .reload:
                    reload(height: screen.bodyHeight)
                    lastRead = Date()
                case .open(let key): open(key, width: screen.columns)
                case .setRead(let id, let read):
                    attempt { _ = read ? try catalog.markRead([id]) : try catalog.markUnread([id]) }
                case .setStarred(let id, let starred):
                    attempt { try catalog.setStarred([id], starred) }
                case .openLink(let link): openLink(link, screen)
                case .loadFeeds:
                    attempt {
                        model.showFeeds(
                            try catalog.feedSummaries().map { ReaderModel.FeedRow(name: $0.name, url: $0.config.url.absoluteString, unread: $0.unread) })
                    }
                case .requestFetch: requestFetch()
                }
            }
        }
    }

    /// The list for the model's filters, read from the store.
    private func reload(height: Int) {
        attempt {
            var items: [ListedItem]
            var found: Set<String>?
            if let search = model.search {
                let keys = try catalog.keys(searching: search)
                found = keys
                items = model.showAll ? try catalog.items(keys: keys) : try catalog.unreadItems().filter { keys.contains($0.entry.key) }
            } else {
                items = model.showAll ? try catalog.allItems(limit: Self.allLimit) : try catalog.unreadItems()
            }
            let feed = model.feed?.url
            if let feed { items = items.filter { $0.entry.feeds.contains(feed) } }
            model.replaceItems(Array(items.prefix(Self.allLimit)), height: height) { item in
                (feed.map { item.entry.feeds.contains($0) } ?? true) && (found?.contains(item.entry.key) ?? true)
            }
        }
    }

    /// Shows the item as `feedctl show` renders it, and marks it read.
    private func open(_ key: String, width: Int) {
        attempt {
            let (item, feeds) = try catalog.item(key: key)
            let wasRead = model.items.first { $0.entry.key == key }?.isRead ?? false
            let page = ItemPage.render(item, feedNames: feeds, width: width).split(separator: "\n", omittingEmptySubsequences: false)
            model.opened(page.map(String.init), key: key)
            if !wasRead { try catalog.markRead([item.id]) }
        }
    }

    private func openLink(_ link: String, _ screen: ReaderScreen) {
        guard let safe = TerminalSafe.link(link) else {
            model.message = "The link is not one to open: \(link)"
            return
        }
        var status: Int32 = -1
        screen.outside {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["xdg-open", safe]
            do {
                try process.run()
                process.waitUntilExit()
                status = process.terminationStatus
            } catch {
                status = -1
            }
        }
        model.message = status == 0 ? "Opened \(safe)" : "xdg-open failed for \(safe)"
    }

    private func requestFetch() {
        guard let status = DaemonStatus.running(in: catalog.store) else {
            model.message = "feedd is not running (feedctl fetch fetches without it)"
            return
        }
        attempt {
            let sent = try FetchRequestFile.send(FetchRequestFile(feeds: []), to: status, store: catalog.store)
            model.message = sent ? "Asked feedd (pid \(status.pid)) to fetch every feed" : "Cannot signal feedd (pid \(status.pid))"
        }
    }

    /// Runs a store operation; a failure becomes the status line, never the end of the session.
    private func attempt(_ body: () throws -> Void) {
        do {
            try body()
        } catch {
            model.message = "\(error)"
        }
        for warning in catalog.store.warnings.drain() { model.message = warning }
    }
}
