import FeedConfiguration
import FeedCore
import FeedModel
import Foundation

/// What a one-shot run did: the outcomes of the feeds it fetched, in config order, and the feeds it
/// left alone, with why.
public struct OneShotResult: Sendable {
    public var outcomes: [RefreshOutcome]
    public var skipped: [(feed: FeedConfig, reason: OneShotPlan.Skip)]
    /// A stop (SIGINT, SIGTERM) ended it early.
    public var stopped: Bool

    /// `feedctl fetch` run without a daemon: a line with the counts, then one per feed that failed or was
    /// not fetched, with why. `names` gives feeds' display names by configured URL.
    public func report(names: [String: String]) -> String {
        var new = 0, updated = 0, unchanged = 0
        var failures: [(String, String)] = []
        for outcome in outcomes {
            switch outcome.result {
            case .updated(let added, let changed): (new, updated) = (new + added, updated + changed)
            case .notModified: unchanged += 1
            case .failed(let message), .storeFailed(let message): failures.append((outcome.feedURL, message))
            case .cancelled: failures.append((outcome.feedURL, "interrupted"))
            }
        }
        let total = outcomes.count + skipped.count
        let fetched = skipped.isEmpty ? "\(total)" : "\(outcomes.count) of \(total)"
        var text = "fetched \(fetched) feed(s): \(new) new item(s), \(updated) updated, \(unchanged) not modified, "
            + "\(failures.count) failed\n"
        func name(_ url: String) -> String { TerminalSafe.text(names[url] ?? url) }
        for (url, message) in failures { text += "failed   \(name(url)): \(TerminalSafe.text(message))\n" }
        for (feed, reason) in skipped {
            text += "skipped  \(name(feed.url.absoluteString)): \(reason); --force fetches it anyway\n"
        }
        return text
    }
}
