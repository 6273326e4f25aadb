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

        func run() throws {
            do {
                let catalog = try options.catalog()
                let items = try catalog.items(includeRead: all)
                write(json ? OutputFormatting.itemsJSON(items) : OutputFormatting.itemsText(items))
                if markRead { try catalog.markRead(items.map(\.item.id)) }
                reportStoreWarnings(catalog)
            } catch {
                throw fail(error)
            }
        }
    }
}
