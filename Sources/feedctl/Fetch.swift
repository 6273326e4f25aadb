import FeedCatalog
import FeedConfiguration
import FeedDaemon
import FeedModel
import ArgumentParser
import FeedStore
import Foundation
import Logging

extension Feedctl {
    struct Fetch: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "fetch",
            abstract: "Fetch now: asks the running feedd, or fetches itself when no daemon runs.",
            discussion: """
                The request goes to the daemon through STATE_DIR/requests/ and SIGUSR1 (see README). With no
                daemon, feedctl fetches the feeds itself, as `feedd --once` does: feeds the last run was told to
                leave alone (a Retry-After still in force, 410 Gone) are skipped, and said so, unless --force.

                Examples:
                  feedctl fetch              (every feed)
                  feedctl fetch "Le Carnet du Libriste"
                """)

        @OptionGroup var options: StoreOptions

        @Argument(help: "Feed names or URLs (default: every feed).")
        var feeds: [String] = []

        @Flag(name: .long, help: "With no daemon running: also fetch feeds an earlier run was told to leave alone (Retry-After, 410 Gone).")
        var force = false

        func run() async throws {
            do {
                let catalog = try options.catalog()
                let selected = try catalog.feeds(matching: feeds)
                if let status = DaemonStatus.running(in: catalog.store) {
                    let request = FetchRequestFile(feeds: feeds.isEmpty ? [] : selected.map(\.url.absoluteString))
                    guard try FetchRequestFile.send(request, to: status, store: catalog.store) else {
                        throw CatalogError(message: "cannot signal feedd (pid \(status.pid)); run feedctl as the daemon's user or root")
                    }
                    write("asked feedd (pid \(status.pid)) to fetch \(feeds.isEmpty ? "every feed" : "\(selected.count) feed(s)")\n")
                    return
                }
                // No daemon: fetch here, under the same store lock the daemon uses.
                let environment = ProcessInfo.processInfo.environment
                var logger = Logger(label: "feedctl") { _ in FeeddLogHandler(level: .warning, environment: environment) }
                logger.logLevel = .warning
                let daemon = try Daemon(
                    configuration: catalog.configuration, stateDirectory: catalog.store.directory, logger: logger,
                    environment: environment)
                let run = await daemon.refreshOnce(selected, force: force)
                var names: [String: String] = [:]
                for feed in selected { names[feed.url.absoluteString] = catalog.displayName(feed) }
                write(run.report(names: names))
            } catch {
                throw fail(error)
            }
        }
    }

    struct Status: ParsableCommand {
        /// The search index's line: how many items it holds, and whether it is behind the store.
        static func describe(_ index: (items: Int, behind: Int)?) -> String {
            guard let index else { return "search index: not built yet (feedd builds it, or the first feedctl command that needs it)\n" }
            let behind = index.behind == 0 ? "up to date" : "\(index.behind) feed file(s) to index at the next use"
            return "search index: \(index.items) item(s), \(behind)\n"
        }

        static let configuration = CommandConfiguration(
            abstract: "Say whether feedd runs, since when, and how its feeds are doing.",
            discussion: """
                Example:
                  feedctl status --config /etc/feedd/config.yaml
                  feedctl status --json
                """)

        @OptionGroup var options: StoreOptions

        @Flag(name: .long, help: "Print the status as a JSON object.")
        var json = false

        func run() throws {
            do {
                let catalog = try options.catalog()
                let now = Date()
                let status = catalog.store.loadFile(DaemonStatus.self, named: DaemonStatus.fileName)
                let index = catalog.indexFreshness()
                if json {
                    write(DaemonStatus.json(status, stateDirectory: catalog.store.directory.path, index: index))
                    return
                }
                if let status, status.isRunning {
                    write("feedd \(status.version) running (pid \(status.pid)) since \(UTCTimestamp.format(status.started)): \(status.summary(now: now))\n")
                } else if let status {
                    write("feedd not running; last seen \(RelativeTime.describe(status.updated, now: now)): \(status.summary(now: now))\n")
                } else {
                    write("feedd has not run with \(TerminalSafe.escaped(catalog.store.directory.path))\n")
                }
                write(Self.describe(index))
            } catch {
                throw fail(error)
            }
        }
    }
}
