import FeedConfiguration
import FeedCore
import FeedStore
import Foundation

/// The filters of `feedctl list`: pure, applied to the listed items. (`--search` is the index's:
/// `ItemCatalog.keys(searching:)`.)
public struct ItemFilter: Sendable {
    /// Feed names or URLs (any of them).
    public var feeds: [String] = []
    /// Tags (any of them): a feed's from the configuration, or an item's from `tag` rules.
    public var tags: [String] = []
    /// Items published (or first seen) at or after this time.
    public var since: Date?
    /// Item categories (any of them), matched whole, ignoring case and accents.
    public var categories: [String] = []

    public init(feeds: [String] = [], tags: [String] = [], since: Date? = nil, categories: [String] = []) {
        self.feeds = feeds
        self.tags = tags
        self.since = since
        self.categories = categories
    }

    public var isEmpty: Bool { feeds.isEmpty && tags.isEmpty && since == nil && categories.isEmpty }

    /// `2d`, `3h30m` (that long ago) or `2026-11-01` (local midnight).
    public static func parseSince(_ text: String, now: Date, calendar: Calendar = .current) -> Date? {
        if let duration = DurationText.parse(text) { return now.addingTimeInterval(-Schedule.seconds(duration)) }
        let parts = text.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3 else { return nil }
        return calendar.date(from: DateComponents(year: parts[0], month: parts[1], day: parts[2]))
    }

    public func apply(_ items: [ListedItem], configuration: Configuration) -> [ListedItem] {
        if isEmpty { return items }
        let wantedFeeds = Set(feeds.map { $0.lowercased() })
        let wantedTags = Set(tags.map { $0.lowercased() })
        let tagged: Set<String> = Set(
            configuration.feeds.filter { feed in feed.tags.contains { wantedTags.contains($0.lowercased()) } }
                .map(\.url.absoluteString))
        let wantedCategories = Set(categories.map(Self.folded))
        return items.filter { item in
            if !wantedFeeds.isEmpty {
                let names = item.feedNames.map { $0.lowercased() } + item.entry.feeds.map { $0.lowercased() }
                guard names.contains(where: wantedFeeds.contains) else { return false }
            }
            if !wantedTags.isEmpty, !item.entry.feeds.contains(where: tagged.contains),
                !item.tags.contains(where: { wantedTags.contains($0.lowercased()) })
            {
                return false
            }
            if let since, item.entry.sortDate < since { return false }
            if !wantedCategories.isEmpty, !item.entry.categories.contains(where: { wantedCategories.contains(Self.folded($0)) }) {
                return false
            }
            return true
        }
    }

    /// Case and accents folded away: "Été" finds "ete".
    static func folded(_ text: String) -> String {
        text.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
    }
}
