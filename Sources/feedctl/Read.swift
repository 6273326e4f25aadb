import FeedCatalog
import FeedConfiguration
import FeedDaemon
import ArgumentParser
import Foundation

extension Feedctl {
    struct Read: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "read",
            abstract: "Mark items read.",
            discussion: """
                Examples:
                  feedctl read 3f2a     (an id, or the short id `feedctl list` shows)
                  feedctl read --all
                  feedctl read --feed "Le Carnet du Libriste" --before 2026-11-01
                """)

        @OptionGroup var options: StoreOptions

        @Flag(name: .long, help: "Mark every unread item read (or every one --feed and --before select).")
        var all = false

        @Option(name: .long, help: "Only items of this feed (name or URL; repeat for more).")
        var feed: [String] = []

        @Option(name: .long, help: "Only items older than this: a date (2026-11-01) or a duration ago (7d).")
        var before: String?

        @Argument(help: "Item ids or unique prefixes.")
        var ids: [String] = []

        func validate() throws {
            let selects = all || !feed.isEmpty || before != nil
            guard selects != !ids.isEmpty else {
                throw ValidationError("give item ids, or --all / --feed / --before, not both and not neither")
            }
            if let before, ItemFilter.parseSince(before, now: Date()) == nil {
                throw ValidationError("--before takes a date (2026-11-01) or a duration (7d), not \(before)")
            }
        }

        func run() throws {
            do {
                // By id, the feed list is not needed: at 5,000 feeds, reading it is most of the cost.
                let catalog = try options.catalog(scope: ids.isEmpty ? .whole : .withoutFeeds)
                let count: Int
                if ids.isEmpty {
                    let now = Date()
                    let cutoff = before.flatMap { ItemFilter.parseSince($0, now: now) }
                    let selected = ItemFilter(feeds: feed).apply(try catalog.unreadItems(), configuration: catalog.configuration)
                        .filter { item in cutoff.map { item.entry.sortDate < $0 } ?? true }
                    count = try catalog.markRead(selected.map { $0.entry.id })
                } else {
                    count = try catalog.markRead(prefixes: ids)
                }
                write("\(count) item(s) marked read\n")
                reportStoreWarnings(catalog)
            } catch {
                throw fail(error)
            }
        }
    }
}
