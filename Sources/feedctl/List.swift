import FeedCatalog
import FeedConfiguration
import FeedDaemon
import ArgumentParser
import Foundation

extension Feedctl {
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show unread items, newest first.",
            discussion: """
                Examples:
                  feedctl list
                  feedctl list --all --json
                  feedctl list --mark-read
                  feedctl list --feed "Le Carnet du Libriste" --since 2d -l
                  feedctl list --all --search été --format tsv
                """)

        @OptionGroup var options: StoreOptions

        @Flag(name: .long, help: "Include items already read.")
        var all = false

        @Flag(name: .long, help: "Only items already read.")
        var read = false

        @Flag(name: [.short, .long], help: "Add each item's link.")
        var links = false

        @Option(name: .long, help: "Only these feeds (name or URL; repeat for more).")
        var feed: [String] = []

        @Option(name: .long, help: "Only feeds with this tag in the configuration (repeat for more).")
        var tag: [String] = []

        @Option(name: .long, help: "Only items since then: 2d, 12h, or a date such as 2026-11-01.")
        var since: String?

        @Option(name: .long, help: "Only items whose title or summary contains this text (case and accents ignored).")
        var search: String?

        @Option(name: .long, help: "Print at most this many items.")
        var limit: Int?

        @Flag(name: .long, help: "Print a JSON array of items.")
        var json = false

        @Option(name: .long, help: "text (default) or tsv.")
        var format: String = "text"

        @Flag(name: .long, help: "Mark the items printed as read.")
        var markRead = false

        func validate() throws {
            if let limit, limit < 1 { throw ValidationError("--limit takes a positive number") }
            if let since, ItemFilter.parseSince(since, now: Date()) == nil {
                throw ValidationError("--since takes a duration (2d, 12h) or a date (2026-11-01), not \(since)")
            }
            guard ["text", "tsv"].contains(format) else { throw ValidationError("--format is text or tsv") }
        }

        func run() throws {
            do {
                let catalog = try options.catalog()
                let now = Date()
                let everything = all || read
                let filter = ItemFilter(
                    feeds: feed, tags: tag, since: since.flatMap { ItemFilter.parseSince($0, now: now) }, search: search)
                let unfiltered = everything ? try catalog.allItems(limit: filter.isEmpty && !read ? limit : nil) : try catalog.unreadItems()
                var items = filter.apply(unfiltered, configuration: catalog.configuration)
                if read { items = items.filter { $0.isRead } }
                if let limit { items = Array(items.prefix(limit)) }
                let environment = ProcessInfo.processInfo.environment
                if json {
                    write(OutputFormatting.itemsJSON(items))
                } else if format == "tsv" {
                    write(OutputFormatting.itemsTSV(items))
                } else {
                    let layout = TerminalLayout(
                        width: TerminalLayout.width(environment: environment), links: links,
                        colour: TerminalLayout.wantsColour(environment: environment))
                    Pager.show(layout.render(items, now: now, includeRead: everything))
                }
                if markRead { try catalog.markRead(items.filter { !$0.isRead }.map { $0.entry.id }) }
                reportStoreWarnings(catalog)
            } catch {
                throw fail(error)
            }
        }
    }
}
