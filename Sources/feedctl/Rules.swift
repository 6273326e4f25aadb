import ArgumentParser
import FeedCatalog
import FeedModel
import Foundation

extension Feedctl {
    struct Rules: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rules",
            abstract: "Show what the config's rules do to stored items, or do it.",
            subcommands: [Test.self, Apply.self])

        /// The items to look at: of these feeds, since then.
        struct Scope: ParsableArguments {
            @Option(name: .long, help: "Only this feed's items (name or URL; repeat for more).")
            var feed: [String] = []

            @Option(name: .long, help: "Only items since then: 30d, 12h, or a date such as 2026-11-01.")
            var since: String?

            func validate() throws {
                if let since, ItemFilter.parseSince(since, now: Date()) == nil {
                    throw ValidationError("--since takes a duration (30d, 12h) or a date (2026-11-01), not \(since)")
                }
            }

            func actions(_ catalog: ItemCatalog, now: Date) throws -> [RuleAction] {
                try catalog.checkFeedNames(feed)
                let feeds = feed.isEmpty ? [] : try catalog.feeds(matching: feed)
                return try catalog.ruleActions(feeds: feeds, since: since.flatMap { ItemFilter.parseSince($0, now: now) }, now: now)
            }
        }

        struct Test: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "test",
                abstract: "List what each rule would do to the stored items, changing nothing.",
                discussion: """
                    One line per item a rule acts on: what it would do, the item's short id, feed and title, and
                    the config lines of the rules that decide it. Starred items and items marked unread by hand
                    are left alone. Examples:
                      feedctl rules test
                      feedctl rules test --feed "Le Blog" --since 30d
                    """)

            @OptionGroup var options: StoreOptions
            @OptionGroup var scope: Scope

            func run() throws {
                do {
                    let catalog = try options.catalog()
                    let actions = try scope.actions(catalog, now: Date())
                    write(try RuleReport.lines(actions, catalog: catalog) + RuleReport.summary(actions))
                    reportStoreWarnings(catalog)
                } catch {
                    throw fail(error)
                }
            }
        }

        struct Apply: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "apply",
                abstract: "Do to the stored items what the rules say: block, mark read, star, tag.",
                discussion: """
                    A blocked item leaves the store (a tombstone keeps it from coming back as new). Starred
                    items and items marked unread by hand are left alone. `rules test` shows the same first.
                    Example:
                      feedctl rules apply --since 30d
                    """)

            @OptionGroup var options: StoreOptions
            @OptionGroup var scope: Scope

            func run() throws {
                do {
                    let catalog = try options.catalog()
                    let now = Date()
                    let result = try catalog.apply(try scope.actions(catalog, now: now), now: now)
                    write(
                        "\(result.blocked) item(s) blocked, \(result.markedRead) marked read, \(result.starred) starred, "
                            + "\(result.tagged) tagged\n")
                    reportStoreWarnings(catalog)
                } catch {
                    throw fail(error)
                }
            }
        }
    }
}

/// The lines of `feedctl rules test`.
enum RuleReport {
    static func lines(_ actions: [RuleAction], catalog: ItemCatalog) throws -> String {
        guard !actions.isEmpty else { return "" }
        let lengths = try catalog.index().shortIDLengths(actions.map(\.id))
        let described = actions.map { action -> (what: String, id: String, rest: String) in
            let verdict = action.verdict
            var what: [String] = []
            if verdict.blocked { what.append(verdict.keptOut ? "kept out" : "block") }
            if verdict.markRead { what.append("read") }
            if verdict.star { what.append("star") }
            what += verdict.tags.map { "tag " + $0 }
            let lines = verdict.lines.map(String.init).joined(separator: ", ")
            let title = TerminalSafe.text(action.title ?? "(untitled)")
            return (what.joined(separator: ", "), String(action.id.prefix(lengths[action.id] ?? action.id.count)),
                    "\(TerminalSafe.text(action.feedName))  \(title)  (line\(verdict.lines.count == 1 ? "" : "s") \(lines))")
        }
        let whatWidth = described.map(\.what.count).max() ?? 0
        let idWidth = described.map(\.id.count).max() ?? 0
        return described.map { line in
            line.what.padding(toLength: whatWidth, withPad: " ", startingAt: 0) + "  "
                + line.id.padding(toLength: idWidth, withPad: " ", startingAt: 0) + "  " + line.rest + "\n"
        }.joined()
    }

    static func summary(_ actions: [RuleAction]) -> String {
        let blocked = actions.filter(\.verdict.blocked).count
        let read = actions.filter { !$0.verdict.blocked && $0.verdict.markRead }.count
        let starred = actions.filter { !$0.verdict.blocked && $0.verdict.star }.count
        let tagged = actions.filter { !$0.verdict.blocked && !$0.verdict.tags.isEmpty }.count
        return "\(actions.count) item(s) the rules act on: \(blocked) blocked, \(read) marked read, \(starred) starred, \(tagged) tagged\n"
    }
}
