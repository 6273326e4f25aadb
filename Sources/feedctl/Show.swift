import FeedCatalog
import FeedConfiguration
import FeedDaemon
import ArgumentParser
import FeedModel
import Foundation

extension Feedctl {
    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show one item: its details, then its content as readable text with numbered links.",
            discussion: """
                Examples:
                  feedctl show 3f2a9c
                  feedctl show 3f2a9c --html
                  feedctl show 3f2a9c --open
                """)

        @OptionGroup var options: StoreOptions

        @Argument(help: "An item id or a unique prefix of one.")
        var id: String

        @Flag(name: .long, help: "Print the content's HTML as the feed gave it.")
        var html = false

        @Flag(name: .long, help: "Open the item's link with xdg-open.")
        var open = false

        func run() throws {
            do {
                let catalog = try options.catalog()
                let (item, feeds) = try catalog.item(id)
                if open {
                    guard let link = item.link.flatMap(TerminalSafe.link) else {
                        throw CatalogError(message: "item \(id) has no web link to open")
                    }
                    let process = Process()
                    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
                    process.arguments = ["xdg-open", link]
                    try process.run()
                    process.waitUntilExit()
                    guard process.terminationStatus == 0 else { throw CatalogError(message: "xdg-open failed for \(link)") }
                    return
                }
                if html {
                    write(TerminalSafe.text(item.content ?? item.summary ?? "") + "\n")
                } else {
                    let width = TerminalLayout.width(environment: ProcessInfo.processInfo.environment)
                    Pager.show(ItemPage.render(item, feedNames: feeds, width: width))
                }
                reportStoreWarnings(catalog)
            } catch {
                throw fail(error)
            }
        }
    }
}
