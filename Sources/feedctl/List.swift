import Aggregator
import ArgumentParser

extension Feedctl {
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show unread items, newest first.",
            discussion: """
                Examples:
                  feedctl list
                  feedctl list --all --json
                  feedctl list --mark-read
                """)

        @OptionGroup var options: StoreOptions

        @Flag(name: .long, help: "Include items already read.")
        var all = false

        @Flag(name: .long, help: "Print a JSON array of items.")
        var json = false

        @Flag(name: .long, help: "Mark the items printed as read.")
        var markRead = false

        @Option(name: .long, help: "Print at most this many items.")
        var limit: Int?

        func validate() throws {
            if let limit, limit < 1 { throw ValidationError("--limit takes a positive number") }
        }

        func run() throws {
            do {
                let catalog = try options.catalog()
                var items = all ? try catalog.allItems(limit: limit) : try catalog.unreadItems()
                if let limit { items = Array(items.prefix(limit)) }
                write(json ? OutputFormatting.itemsJSON(items) : OutputFormatting.itemsText(items))
                if markRead { try catalog.markRead(items.filter { !$0.isRead }.map(\.entry.id)) }
                reportStoreWarnings(catalog)
            } catch {
                throw fail(error)
            }
        }
    }
}
