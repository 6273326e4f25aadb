import FeedCatalog
import ArgumentParser
import Foundation

extension Feedctl {
    struct Star: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "star",
            abstract: "Star items: kept whatever retention says, listed by `feedctl list --starred`.",
            discussion: "Example:\n  feedctl star 3f2a 9c01")

        @OptionGroup var options: StoreOptions
        @OptionGroup var items: ItemIDs

        func run() throws {
            try setStarred(items.ids, true, options)
        }
    }

    struct Unstar: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "unstar",
            abstract: "Take the star off items.", discussion: "Example:\n  feedctl unstar 3f2a")

        @OptionGroup var options: StoreOptions
        @OptionGroup var items: ItemIDs

        func run() throws {
            try setStarred(items.ids, false, options)
        }
    }
}

private func setStarred(_ ids: [String], _ starred: Bool, _ options: StoreOptions) throws {
    do {
        let catalog = try options.catalog(scope: .withoutFeeds)
        let count = try catalog.setStarred(ids, starred)
        write("\(count) item(s) \(starred ? "starred" : "unstarred")\n")
        reportStoreWarnings(catalog)
    } catch {
        throw fail(error)
    }
}
