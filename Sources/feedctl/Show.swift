import FeedCatalog
import FeedConfiguration
import FeedDaemon
import FeedFetcher
import ArgumentParser
import FeedModel
import FeedStore
import Foundation

extension Feedctl {
    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show",
            abstract: "Show one item: its details, then its content as readable text with numbered links.",
            discussion: """
                With no id, the newest unread item. When its full article was extracted from its page
                (full_text in the config, or --full), the article is shown in place of the feed's text.
                Examples:
                  feedctl show 3f2a
                  feedctl show 3f2a --full
                  feedctl show 3f2a --html
                  feedctl show 3f2a --open
                  feedctl show --json
                """)

        @OptionGroup var options: StoreOptions

        @Argument(help: "An item id or short id (default: the newest unread item).")
        var id: String?

        @Flag(name: .long, help: "Print the content's HTML as the feed gave it.")
        var html = false

        @Flag(name: .long, help: "Print the item as a JSON object.")
        var json = false

        @Flag(name: .long, help: "Open the item's link with xdg-open.")
        var open = false

        @Flag(name: .long, help: "Fetch the item's page now, extract its full article and keep it.")
        var full = false

        func validate() throws {
            if [html, json, open].filter({ $0 }).count > 1 { throw ValidationError("--html, --json and --open go one at a time") }
            if full && open { throw ValidationError("--full and --open go one at a time") }
        }

        func run() async throws {
            var extracted: StoredArticle?
            do {
                let catalog = try options.catalog(preload: id == nil ? [.unreadItems, .searchIndex] : .searchIndex)
                let key = try id.map { try catalog.resolve([$0])[0].key } ?? newestUnread(catalog).key
                if full {
                    extracted = try await catalog.extractArticle(key: key, engine: FetchEngine(), environment: ProcessInfo.processInfo.environment)
                }
                try show(key: key, catalog: catalog, html: html, json: json, open: open)
                reportStoreWarnings(catalog)
            } catch {
                throw fail(error)
            }
            if let failure = extracted?.failure {
                FileHandle.standardError.write(Data("feedctl: no full article: \(failure)\n".utf8))
                throw ExitCode(1)
            }
        }
    }

    struct Next: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "next",
            abstract: "Show the newest unread item and mark it read; exit 1 when nothing is unread.",
            discussion: """
                A reading loop:
                  while feedctl next; do read -r -p "next? " _; done
                """)

        @OptionGroup var options: StoreOptions

        @Flag(name: .long, help: "Print the item as a JSON object.")
        var json = false

        func run() throws {
            do {
                let catalog = try options.catalog(preload: [.unreadItems, .searchIndex])
                let next = try newestUnread(catalog)
                try show(key: next.key, catalog: catalog, html: false, json: json, open: false)
                try catalog.markRead([next.id])
                reportStoreWarnings(catalog)
            } catch {
                throw fail(error)
            }
        }
    }
}

/// The newest unread item, or the one-line "nothing unread" failure.
private func newestUnread(_ catalog: ItemCatalog) throws -> IndexEntry {
    guard let newest = try catalog.unreadItems().first?.entry else { throw CatalogError(message: "no unread items") }
    return newest
}

private func show(key: String, catalog: ItemCatalog, html: Bool, json: Bool, open: Bool) throws {
    let (item, feeds) = try catalog.item(key: key)
    let article = catalog.store.article(id: item.id)
    if open {
        guard let link = item.link.flatMap(TerminalSafe.link) else {
            throw CatalogError(message: "item \(item.id) has no web link to open")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["xdg-open", link]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw CatalogError(message: "xdg-open failed for \(link)") }
    } else if json {
        let isRead = !(try catalog.store.unreadReferences().contains { $0.key == key })
        let isStarred = try catalog.store.starredItems().contains(key)
        let tags = try catalog.store.itemTags().of(key)
        OutputFormatting.writeItemJSON(item, feedNames: feeds, isRead: isRead, isStarred: isStarred, tags: tags, article: article) {
            writeStandardOutput($0)
        }
    } else if html {
        write(TerminalSafe.text(article?.html ?? item.content ?? item.summary ?? "") + "\n")
    } else {
        let width = TerminalLayout.width(environment: ProcessInfo.processInfo.environment)
        Pager.show(ItemPage.render(item, feedNames: feeds, tags: try catalog.store.itemTags().of(key), article: article, width: width))
    }
}
