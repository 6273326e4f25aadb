import FeedConfiguration
import FeedCore
import FeedFetcher
import FeedModel
import FeedParser
import FeedStore
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// OPML subscription lists in and out of the configuration.
public enum OPMLExchange {
    /// The configured feeds as OPML 2.0, named as `feedctl feeds` names them, with their tags.
    public static func export(_ configuration: Configuration, store: FeedStore?, date: Date) -> String {
        let feeds = configuration.feeds.map { feed in
            let state = (try? store?.loadFetchState(url: feed.url.absoluteString)) ?? nil
            return OPMLFeed(
                url: FeedAddress.configText(feed.url), title: feed.name ?? state?.title, siteURL: state?.link, tags: feed.tags)
        }
        return OPML.write(feeds, title: "feedd subscriptions", date: date)
    }

    /// What importing a list would do: the feeds to append, and those skipped with the reason.
    public struct Plan: Sendable {
        public var added: [ConfigEditor.NewFeed] = []
        /// The URLs the added entries read back as, in order.
        public var addedURLs: [URL] = []
        public var skipped: [(url: String, reason: String)] = []
    }

    public static func plan(_ feeds: [OPMLFeed], configuration: Configuration, store: FeedStore?) -> Plan {
        var plan = Plan()
        let index = FeedAddress.Index(configuration, store: store)
        var seen: Set<String> = []
        for feed in feeds {
            let lower = feed.url.lowercased()
            let isWeb = lower.hasPrefix("http://") || lower.hasPrefix("https://")
            guard isWeb || lower.hasPrefix("file:/"), let url = try? FeedProbe.url(from: feed.url), isWeb || url.isFileURL else {
                plan.skipped.append((feed.url, "not an http(s) or file: URL"))
                continue
            }
            if let existing = index.existing(url) {
                plan.skipped.append((feed.url, "already in the configuration (line \(existing.line))"))
                continue
            }
            guard seen.insert(FeedAddress.key(url)).inserted else {
                plan.skipped.append((feed.url, "listed twice"))
                continue
            }
            plan.added.append(ConfigEditor.NewFeed(url: FeedAddress.configText(url), name: feed.title, tags: feed.tags))
            plan.addedURLs.append(url)
        }
        return plan
    }
}
