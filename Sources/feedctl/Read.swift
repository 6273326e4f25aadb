import Aggregator
import ArgumentParser

extension Feedctl {
    struct Read: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Mark items read.",
            discussion: """
                Examples:
                  feedctl read 3f2a9c     (an id, or a unique prefix of one, as `feedctl list --json` shows)
                  feedctl read --all
                """)

        @OptionGroup var options: StoreOptions

        @Flag(name: .long, help: "Mark every item read.")
        var all = false

        @Argument(help: "Item ids or unique prefixes.")
        var ids: [String] = []

        func validate() throws {
            guard all != !ids.isEmpty else { throw ValidationError("give item ids or --all, not both and not neither") }
        }

        func run() throws {
            do {
                let catalog = try options.catalog()
                let count = all ? try catalog.markAllRead() : try catalog.markRead(prefixes: ids)
                write("\(count) item(s) marked read\n")
                reportStoreWarnings(catalog)
            } catch {
                throw fail(error)
            }
        }
    }
}
