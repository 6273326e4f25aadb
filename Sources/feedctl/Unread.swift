import FeedCatalog
import ArgumentParser
import Foundation

extension Feedctl {
    struct Unread: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "unread",
            abstract: "Mark items unread again.",
            discussion: "Example:\n  feedctl unread 3f2a9c     (an id, or the short id `feedctl list --all` shows)")

        @OptionGroup var options: StoreOptions

        @OptionGroup var items: ItemIDs

        func run() throws {
            do {
                let catalog = try options.catalog(scope: .withoutFeeds)
                let count = try catalog.markUnread(items.ids)
                write("\(count) item(s) marked unread\n")
                reportStoreWarnings(catalog)
            } catch {
                throw fail(error)
            }
        }
    }
}
