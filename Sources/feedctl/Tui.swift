import FeedCatalog
import FeedReader
import ArgumentParser
import Foundation

extension Feedctl {
    struct Tui: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "tui",
            abstract: "Read in a full-screen terminal reader: the unread list, items, feeds, search, stars.",
            discussion: """
                Keys: Enter open, j/k or arrows move, n/p next/previous item, r read, s star, o open the link,
                / search, f feeds, a all or unread only, R ask feedd to fetch, q back or quit, ? every key.
                Example:
                  feedctl tui
                """)

        @OptionGroup var options: StoreOptions

        func run() throws {
            do {
                try ReaderSession(catalog: try options.catalog(preload: [.unreadItems, .shortIDs]), environment: ProcessInfo.processInfo.environment).run()
            } catch {
                throw fail(error)
            }
        }
    }
}
