import FeedCatalog
import FeedConfiguration
import FeedDaemon
import ArgumentParser
import FeedParser
import FeedStore
import FeedModel
import Foundation

extension Feedctl {
    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add",
            abstract: "Subscribe to a feed: find it, check that it parses, append it to the configuration.",
            discussion: """
                When the address is a web page, the feeds it advertises (<link rel="alternate">) are used: the
                only one, or the one picked with --choose (a terminal asks). The entry is appended after the
                last feed of the configuration; nothing else in the file changes. A running feedd is told to
                reload.

                Examples:
                  feedctl add https://www.example.org/feed/
                  feedctl add example.org --name "Example" --interval 2h --tag blogs --tag fr
                  feedctl add https://www.example.org/ --choose 2
                """)

        @OptionGroup var options: StoreOptions

        @Argument(help: "The feed's URL, or a web page that advertises feeds.")
        var address: String

        @Option(name: .long, help: "A name for the feed (default: the feed's own title).")
        var name: String?

        @Option(name: .long, help: "How often to check it: 15m, 2h, 1d, or auto (default: defaults.interval).")
        var interval: String?

        @Option(name: .customLong("tag"), help: "A tag for `feedctl list --tag`; repeat for several.")
        var tags: [String] = []

        @Option(name: .long, help: "For a page that advertises several feeds: the number of the one to add, as listed.")
        var choose: Int?

        func validate() throws {
            if let interval, interval.lowercased() != "auto", DurationText.parse(interval) == nil {
                throw ValidationError("bad interval `\(interval)`: write it like 15m, 2h, 1d, or auto")
            }
            if let choose, choose < 1 { throw ValidationError("--choose counts from 1") }
            if tags.contains(where: { $0.trimmingCharacters(in: .whitespaces).isEmpty }) { throw ValidationError("empty --tag") }
        }

        func run() async throws {
            do {
                let (path, configuration, stateDirectory) = try options.resolved()
                let store = try? FeedStore(directory: stateDirectory)
                let added = try await Subscription.add(
                    address, name: name, interval: interval, tags: tags, path: path, configuration: configuration, store: store,
                    pick: pick)
                let url = TerminalSafe.text(FeedAddress.configText(added.url))
                write("added \(TerminalSafe.text(added.title)) <\(url)>: \(added.itemCount) item(s) now in the feed\n")
                if let store { write(DaemonReload.request(store: store) + "\n") }
            } catch {
                throw fail(error)
            }
        }

        /// The advertised feed to add: the only one, the one `--choose` names, or the one a person picks.
        private func pick(page: URL, from alternates: [String]) throws -> Int {
            let pageText = page.absoluteString
            let listing = alternates.enumerated().map { "  \($0.offset + 1)  \(TerminalSafe.text($0.element))\n" }.joined()
            var index = alternates.count == 1 ? 0 : nil
            if let choose {
                guard choose <= alternates.count else {
                    write(listing)
                    throw CatalogError(message: "\(pageText) advertises \(alternates.count) feed(s) (listed above), not \(choose)")
                }
                index = choose - 1
            } else if index == nil, isatty(STDIN_FILENO) == 1, isatty(STDERR_FILENO) == 1 {
                FileHandle.standardError.write(Data("\(pageText) advertises \(alternates.count) feeds:\n\(listing)Add which one? [1-\(alternates.count)] ".utf8))
                if let answer = readLine().flatMap({ Int($0.trimmingCharacters(in: .whitespaces)) }), (1...alternates.count).contains(answer) {
                    index = answer - 1
                } else {
                    throw CatalogError(message: "\(pageText): no feed chosen, nothing added")
                }
            }
            guard let index else {
                write(listing)
                throw CatalogError(
                    message: "\(pageText) is a web page that advertises \(alternates.count) feeds (listed above); add one with --choose N")
            }
            return index
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "remove",
            abstract: "Unsubscribe: remove a feed's entry from the configuration (its stored items stay unless --purge).",
            discussion: """
                Only the feed's own lines leave the file; comments and other entries stay as written. A running
                feedd is told to reload.

                Examples:
                  feedctl remove "outil releases"
                  feedctl remove https://www.example.org/feed/ --purge
                """)

        @OptionGroup var options: StoreOptions

        @Argument(help: "The feed's name (as `feedctl feeds` shows it) or its URL.")
        var feed: String

        @Flag(name: .long, help: "Also delete the feed's stored items and fetch state.")
        var purge = false

        func run() throws {
            do {
                let (path, configuration, stateDirectory) = try options.resolved()
                let store = try? FeedStore(directory: stateDirectory)
                let catalog = store.map { ItemCatalog(store: $0, configuration: configuration) }
                let target: FeedConfig
                if let catalog {
                    target = try catalog.feeds(matching: [feed])[0]
                } else if let url = try? FeedProbe.url(from: feed), let match = FeedAddress.Index(configuration, store: nil).existing(url) {
                    target = match
                } else {
                    throw CatalogError(message: "no feed named \(feed) in \(path)")
                }
                try ConfigFile.remove(target.url, path: path)
                write("removed \(TerminalSafe.text(FeedAddress.configText(target.url))) from \(path)\n")
                // The daemon stops fetching it first, then its files go.
                if let store { write(DaemonReload.request(store: store) + "\n") }
                if purge, let store {
                    let removed = try store.removeFeed(url: target.url.absoluteString)
                    write(removed ? "deleted its stored items\n" : "it had no stored items\n")
                }
            } catch {
                throw fail(error)
            }
        }
    }

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import",
            abstract: "Add the feeds of an OPML file (from another reader) to the configuration.",
            discussion: """
                Feeds already in the configuration are skipped. Folders and categories become tags, outline
                titles become names. A running feedd is told to reload.

                Example:
                  feedctl import subscriptions.opml
                """)

        @OptionGroup var options: StoreOptions

        @Argument(help: "The OPML file.")
        var file: String

        func run() throws {
            do {
                let (path, configuration, stateDirectory) = try options.resolved()
                guard let data = FileManager.default.contents(atPath: file) else {
                    throw CatalogError(message: "\(file): cannot read the file")
                }
                let feeds: [OPMLFeed]
                do {
                    let document = try OPML.read(data)
                    feeds = document.feeds
                    for warning in document.warnings {
                        FileHandle.standardError.write(Data("feedctl: \(TerminalSafe.escaped(file)): \(TerminalSafe.text(warning)); some feeds may be missing\n".utf8))
                    }
                } catch {
                    throw CatalogError(message: "\(file): \(error)")
                }
                let store = try? FeedStore(directory: stateDirectory)
                let plan = OPMLExchange.plan(feeds, configuration: configuration, store: store)
                if !plan.added.isEmpty { try ConfigFile.append(plan.added, urls: plan.addedURLs, path: path) }
                for entry in plan.added { write("added \(TerminalSafe.text(entry.name ?? entry.url)) <\(TerminalSafe.text(entry.url))>\n") }
                for (url, reason) in plan.skipped { write("skipped \(TerminalSafe.text(url)): \(reason)\n") }
                write("\(plan.added.count) feed(s) added, \(plan.skipped.count) skipped\n")
                if !plan.added.isEmpty, let store { write(DaemonReload.request(store: store) + "\n") }
            } catch {
                throw fail(error)
            }
        }
    }

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "export",
            abstract: "Write the configured feeds as OPML 2.0, for another reader or a backup.",
            discussion: """
                Tags become folders (the first tag) and categories (all of them).

                Examples:
                  feedctl export > feeds.opml
                  feedctl export -o feeds.opml
                """)

        @OptionGroup var options: StoreOptions

        @Option(name: .shortAndLong, help: "Write to this file (atomically) instead of standard output.")
        var output: String?

        func run() throws {
            do {
                let (_, configuration, stateDirectory) = try options.resolved()
                let store = try? FeedStore(directory: stateDirectory)
                let text = OPMLExchange.export(configuration, store: store, date: Date())
                if let output {
                    try AtomicFile.write(Data(text.utf8), to: URL(fileURLWithPath: output))
                } else {
                    write(text)
                }
            } catch {
                throw fail(error)
            }
        }
    }
}
