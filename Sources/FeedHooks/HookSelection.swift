import FeedConfiguration
import FeedCore
import FeedStore
import Foundation

/// Which items of an event a hook is told of.
public enum HookSelection {
    /// The entries of `event` that `hook` takes: of its kind, from feeds it covers (a feed no longer in the
    /// config only for a hook limited to none), with one of its tags if it names some, and for new items
    /// unread ones unless it asks for read ones too. Empty when the hook takes none.
    public static func entries(of event: HookEvent, for hook: HookConfig, feeds: [String: FeedConfig]) -> [HookEvent.Entry] {
        guard hook.events.contains(event.kind) else { return [] }
        let wantedTags = Set(hook.tags.map { $0.lowercased() })
        return event.entries.filter { entry in
            if let feed = feeds[entry.feed] {
                guard hook.covers(feed) else { return false }
            } else if !hook.feeds.isEmpty {
                return false
            }
            if !wantedTags.isEmpty && !entry.tags.contains(where: { wantedTags.contains($0.lowercased()) }) { return false }
            if event.kind == .newItems && entry.read && !hook.includeRead { return false }
            return true
        }
    }
}
