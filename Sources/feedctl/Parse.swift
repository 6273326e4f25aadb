import FeedCatalog
import FeedConfiguration
import FeedDaemon
import ArgumentParser
import Foundation

extension Feedctl {
    struct Parse: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "parse",
            abstract: "Fetch or read one feed and print it as parsed, for debugging.",
            discussion: """
                Examples:
                  feedctl parse https://www.example.org/feed/ --json
                  feedctl parse ./saved-feed.xml --json
                """)

        @Argument(help: "A file path or an http(s) URL.")
        var source: String

        @Flag(name: .long, help: "Print the result as JSON (the only format for now).")
        var json = false

        func run() async throws {
            do {
                let feed = try await SingleFeedParse.parse(source: source)
                OutputFormatting.writeParsedFeedJSON(feed) { writeStandardOutput($0) }
            } catch {
                throw fail(error)
            }
        }
    }
}
