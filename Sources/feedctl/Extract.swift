import ArgumentParser
import FeedArticle
import FeedCatalog
import FeedConfiguration
import FeedFetcher
import FeedModel
import Foundation

extension Feedctl {
    struct Extract: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "extract",
            abstract: "Print the article a web page holds, as full_text would keep it.",
            discussion: """
                Each source is an http(s) URL or a saved page. The text is rendered as `feedctl show` renders
                content; --html prints the cleaned HTML, --json one object per source (title, byline, text,
                html, words). Exits 1 when a source gave no article (the reason on stderr), after the others.
                Examples:
                  feedctl extract https://www.example.org/2026/12/article/
                  feedctl extract saved-page.html --json | jq -r .text
                """)

        @Argument(help: "Web page URLs or HTML files.")
        var sources: [String]

        @Flag(name: .long, help: "Print the cleaned HTML of the article.")
        var html = false

        @Flag(name: .long, help: "Print one JSON object per source.")
        var json = false

        func validate() throws {
            if html && json { throw ValidationError("--html and --json go one at a time") }
            if sources.isEmpty { throw ValidationError("name a URL or a file") }
        }

        func run() async throws {
            // Its thread and libcurl only for sources that are URLs.
            let engine = sources.contains { $0.lowercased().hasPrefix("http://") || $0.lowercased().hasPrefix("https://") } ? FetchEngine() : nil
            var failed = false
            let width = TerminalLayout.width(environment: ProcessInfo.processInfo.environment)
            for (position, source) in sources.enumerated() {
                do {
                    let page = try await ArticleSource.load(source, engine: engine) { FetchRequest.page($0, userAgent: FeeddVersion.userAgent) }
                    let article = try page.extract().get()
                    if json {
                        OutputFormatting.writeArticleJSON(article, source: source, url: page.url) { writeStandardOutput($0) }
                    } else if html {
                        write(TerminalSafe.text(article.html) + "\n")
                    } else {
                        if sources.count > 1 && position > 0 { write("\n") }
                        write(ArticleRendering.render(article, width: width))
                    }
                } catch {
                    failed = true
                    FileHandle.standardError.write(Data("feedctl: \(source): \(error)\n".utf8))
                }
            }
            if failed { throw ExitCode(1) }
        }
    }
}
