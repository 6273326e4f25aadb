import FeedCatalog
import ArgumentParser
import Foundation

extension Feedctl {
    struct Unread: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Mark items unread again.",
            discussion: "Example:\n  feedctl unread 3f2a9c     (an id, or the short id `feedctl list --all` shows)")

        @OptionGroup var options: StoreOptions

        @Argument(help: "Item ids or unique prefixes.")
        var ids: [String]

        func validate() throws {
            guard !ids.isEmpty else { throw ValidationError("give at least one item id") }
        }

        func run() throws {
            do {
                let catalog = try options.catalog()
                let count = try catalog.markUnread(ids)
                write("\(count) item(s) marked unread\n")
                reportStoreWarnings(catalog)
            } catch {
                throw fail(error)
            }
        }
    }
}
