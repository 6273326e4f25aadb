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

/// The form of a feed address used to tell whether two entries are the same feed: http and https, `www.`,
/// a trailing slash and tracking parameters do not make a different feed.
public enum FeedAddress {
    public static func key(_ url: URL) -> String {
        if url.isFileURL { return "file:" + url.standardizedFileURL.path }
        return CanonicalURL.key(url.absoluteString) ?? url.absoluteString
    }

    /// The configured feeds by the keys of their addresses: as configured, and where they moved (read once
    /// from their state files).
    public struct Index: Sendable {
        private var feeds: [String: FeedConfig] = [:]

        public init(_ configuration: Configuration, store: FeedStore?) {
            for feed in configuration.feeds.reversed() {
                if let moved = (try? store?.loadFetchState(url: feed.url.absoluteString))??.movedTo, let url = URL(string: moved) {
                    feeds[FeedAddress.key(url)] = feed
                }
            }
            // The configured address wins over a move, and the first entry over a later one.
            for feed in configuration.feeds.reversed() { feeds[FeedAddress.key(feed.url)] = feed }
        }

        /// The configured feed that `url` is already.
        public func existing(_ url: URL) -> FeedConfig? { feeds[FeedAddress.key(url)] }
    }
}

extension FeedAddress {
    /// How `url` is written in the configuration: `file:/path` for files, the URL itself otherwise.
    public static func configText(_ url: URL) -> String {
        url.isFileURL ? "file:" + url.standardizedFileURL.path : url.absoluteString
    }
}
