import FeedCore
import FeedStore
import Synchronization

/// The feed files the sync API decoded last, each kept while its file stays the version decoded (its
/// stamp): marks and stars write no feed file, so the items an app asks for after one are not decoded again
/// (a feed of 200 items is 400 KB of JSON). At most `capacity` are kept; the one used least recently goes.
public final class DecodedFeeds: Sendable {
    public static let capacity = 8

    private struct Entry {
        var stamp: FeedFileStamp
        var feed: StoredFeed
        var used: UInt64
    }

    private let state = Mutex<(clock: UInt64, entries: [String: Entry])>((0, [:]))

    public init() {}

    /// The feeds held now.
    var heldURLs: Set<String> { state.withLock { Set($0.entries.keys) } }

    /// The feed stored for `url`, from memory when its file is the version held there.
    func feed(url: String, in store: FeedStore) throws(StoreError) -> StoredFeed? {
        let before = store.feedFileStamp(forFeedURL: url)
        if let before, let held = state.withLock({ state -> StoredFeed? in
            guard let entry = state.entries[url], entry.stamp == before else { return nil }
            state.clock += 1
            state.entries[url]?.used = state.clock
            return entry.feed
        }) {
            return held
        }
        guard let feed = try store.loadFeed(url: url) else { return nil }
        // Kept only if the file did not change while it was read: then what was read is that version.
        guard let before, store.feedFileStamp(forFeedURL: url) == before else { return feed }
        state.withLock { state in
            state.clock += 1
            state.entries[url] = Entry(stamp: before, feed: feed, used: state.clock)
            if state.entries.count > Self.capacity, let oldest = state.entries.min(by: { $0.value.used < $1.value.used }) {
                state.entries[oldest.key] = nil
            }
        }
        return feed
    }
}
