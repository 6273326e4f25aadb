import FeedCatalog
import FeedConfiguration
import FeedDaemon
import ArgumentParser
import Foundation

extension Feedctl {
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "Show unread items, newest first.",
            discussion: """
                Examples:
                  feedctl list
                  feedctl list --all --json
                  feedctl list --mark-read
                  feedctl list --feed "Le Carnet du Libriste" --since 2d -l
                  feedctl list --all --search "kube -helm" --format tsv
                  feedctl list --starred
                Each line starts with the item's short id, which show, read, unread and star take.
                """)

        @OptionGroup var options: StoreOptions

        @Flag(name: .long, help: "Include items already read.")
        var all = false

        @Flag(name: .long, help: "Only items already read.")
        var read = false

        @Flag(name: .long, help: "Only starred items, read or not.")
        var starred = false

        @Flag(name: [.short, .long], help: "Add each item's link.")
        var links = false

        @Option(name: .long, help: "Only these feeds (name or URL; repeat for more).")
        var feed: [String] = []

        @Option(name: .long, help: "Only feeds with this tag in the configuration (repeat for more).")
        var tag: [String] = []

        @Option(name: .long, help: "Only items since then: 2d, 12h, or a date such as 2026-11-01.")
        var since: String?

        @Option(name: .long, help: ArgumentHelp(
            "Only items with these words in their title, summary, content, authors or categories.",
            discussion: "Case and accents are ignored and words match by their beginning (kube finds Kubernetes); every word is required; \"a phrase\" matches whole; -word excludes."))
        var search: String?

        @Option(name: .long, help: "Only items in this category (repeat for more).")
        var category: [String] = []

        @Option(name: .long, help: "Print at most this many items.")
        var limit: Int?

        @Flag(name: .long, help: "Print a JSON array of items.")
        var json = false

        @Flag(name: .long, help: "With --json, add each item's content.")
        var content = false

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
            if json && format != "text" { throw ValidationError("--json and --format \(format) cannot be used together") }
            if content && !json { throw ValidationError("--content goes with --json") }
            if starred && read { throw ValidationError("--starred and --read cannot be used together") }
        }

        func run() throws {
            do {
                let everything = all || read || starred
                // What this listing reads, read while the config's feed list is.
                var preload: ItemCatalog.Preload = everything || search != nil ? [.readState, .searchIndex] : .unreadItems
                if json { preload.insert(.searchIndex) } else if format == "text" { preload.insert(.shortIDs) }
                let catalog = try options.catalog(preload: preload)
                try catalog.checkFeedNames(feed)
                let now = Date()
                let filter = ItemFilter(
                    feeds: feed, tags: tag, since: since.flatMap { ItemFilter.parseSince($0, now: now) }, categories: category)
                let found = try search.map { try catalog.keys(searching: $0) }
                let unfiltered: [ListedItem]
                if starred {
                    unfiltered = try catalog.starredItems()
                } else if let found, all || read {
                    unfiltered = try catalog.items(keys: found)
                } else if everything {
                    unfiltered = try catalog.allItems(limit: filter.isEmpty && !read ? limit : nil)
                } else {
                    unfiltered = try catalog.unreadItems()
                }
                var items = filter.apply(unfiltered, configuration: catalog.configuration)
                if let found { items = items.filter { found.contains($0.entry.key) } }
                if read { items = items.filter { $0.isRead } }
                if let limit { items = Array(items.prefix(limit)) }
                let printedUnread = markRead ? items.filter { !$0.isRead }.map { $0.entry.id } : []
                let environment = ProcessInfo.processInfo.environment
                if json {
                    let keys = items.map(\.entry.key)
                    let details = try catalog.index().details(keys: keys)
                    let contents = content ? try catalog.storedItems(keys: keys) : nil
                    OutputFormatting.writeItemsJSON(items, details: details, contents: contents) { writeStandardOutput($0) }
                } else if format == "tsv" {
                    write(OutputFormatting.itemsTSV(items))
                } else {
                    let layout = TerminalLayout(
                        width: TerminalLayout.width(environment: environment), links: links,
                        colour: TerminalLayout.wantsColour(environment: environment))
                    // The items are handed over, not copied: 100,000 of them at --all.
                    Pager.show(layout.render(try catalog.withShortIDs(consume items), now: now, includeRead: everything))
                }
                if markRead { try catalog.markRead(printedUnread) }
                reportStoreWarnings(catalog)
            } catch {
                throw fail(error)
            }
        }
    }
}
