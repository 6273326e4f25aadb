import FeedCatalog
import FeedConfiguration
import FeedDaemon
import ArgumentParser
import Foundation

extension Feedctl {
    struct Feeds: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "feeds",
            abstract: "Show each feed: where it lives, how its last fetch went, items, unread, next check.",
            discussion: """
                Examples:
                  feedctl feeds
                  feedctl feeds --json
                """)

        @OptionGroup var options: StoreOptions

        @Flag(name: .long, help: "Print a JSON array of feeds.")
        var json = false

        func run() throws {
            do {
                let catalog = try options.catalog()
                let feeds = try catalog.feedSummaries()
                if json {
                    write(OutputFormatting.feedsJSON(feeds))
                } else {
                    Pager.show(OutputFormatting.feedsText(feeds, now: Date()))
                }
                reportStoreWarnings(catalog)
            } catch {
                throw fail(error)
            }
        }
    }
}
