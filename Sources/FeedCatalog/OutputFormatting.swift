import FeedConfiguration
import FeedCore
import FeedModel
import FeedStore
import Foundation

/// Renders items and feeds for people and for scripts. Every string from a feed passes through
/// `TerminalSafe.text` (text output), `JSONValue` or a terminal-safe `JSONWriter` (which escape all control
/// characters) on its way out.
public enum OutputFormatting {
    /// `feedctl list --json`: an array of items.
    public static func itemsJSON(_ items: [ListedItem]) -> String {
        JSONValue.array(
            items.map { listed in
                let entry = listed.entry
                return .object([
                    ("id", .string(entry.id)),
                    ("feed", .string(listed.feedNames.joined(separator: ", "))),
                    ("feeds", .array(listed.feedNames.map(JSONValue.string))),
                    ("feed_urls", .array(entry.feeds.map(JSONValue.string))),
                    ("title", .string(entry.title)),
                    ("link", .string(entry.link)),
                    ("published", .timestamp(entry.published)),
                    ("updated", .timestamp(entry.updated)),
                    ("first_seen", .timestamp(entry.firstSeen)),
                    ("authors", .array(entry.authors.map(JSONValue.string))),
                    ("categories", .array(entry.categories.map(JSONValue.string))),
                    ("changed", .bool(entry.changed)),
                    ("read", .bool(listed.isRead)),
                ])
            }
        ).serialized() + "\n"
    }

    /// `feedctl list`: one line per item, `DATE  FEEDS  TITLE  LINK`, dates in UTC; an item whose title or
    /// content changed since it was stored is marked `(updated)`.
    public static func itemsText(_ items: [ListedItem]) -> String {
        var output = ""
        for listed in items {
            let entry = listed.entry
            let date = UTCTimestamp.format(entry.shownDate).prefix(16).replacingOccurrences(of: "T", with: " ")
            let feeds = TerminalSafe.text(listed.feedNames.joined(separator: ", "))
            var line = "\(date)  \(feeds)  \(TerminalSafe.text(entry.title ?? "(untitled)"))"
            if entry.changed { line += " (updated)" }
            if let link = entry.link.flatMap(TerminalSafe.link) { line += "  \(link)" }
            output += line + "\n"
        }
        return output
    }

    /// `feedctl feeds`: one line per feed: name, URL (and where it moved), last fetch, last result, items,
    /// unread, next check.
    public static func feedsText(_ feeds: [ItemCatalog.FeedSummary], now: Date) -> String {
        feeds.map { feed in
            var url = feed.config.url.absoluteString
            if let moved = feed.fetch.movedTo { url += " (moved to \(moved))" }
            let last = feed.fetch.lastFetch.map { RelativeTime.describe($0, now: now) } ?? "never"
            let next = feed.fetch.disabledFor != nil ? "disabled" : feed.fetch.nextFetch.map { RelativeTime.describe($0, now: now) } ?? "soon"
            let fields = [
                TerminalSafe.text(feed.name), TerminalSafe.text(url), "fetched \(last)",
                TerminalSafe.text(feed.fetch.lastResult ?? "not fetched yet"), "\(feed.items) items", "\(feed.unread) unread",
                "next \(next)",
            ]
            return fields.joined(separator: "  ") + "\n"
        }.joined()
    }

    /// `feedctl feeds --json`.
    public static func feedsJSON(_ feeds: [ItemCatalog.FeedSummary]) -> String {
        JSONValue.array(
            feeds.map { feed in
                .object([
                    ("name", .string(feed.name)),
                    ("url", .string(feed.config.url.absoluteString)),
                    ("moved_to", .string(feed.fetch.movedTo)),
                    ("last_fetch", .timestamp(feed.fetch.lastFetch)),
                    ("last_success", .timestamp(feed.fetch.lastSuccess)),
                    ("last_result", .string(feed.fetch.lastResult)),
                    ("consecutive_failures", .number(Double(feed.fetch.consecutiveFailures))),
                    ("disabled", .bool(feed.fetch.disabledFor != nil)),
                    ("next_fetch", .timestamp(feed.fetch.nextFetch)),
                    ("items", .number(Double(feed.items))),
                    ("unread", .number(Double(feed.unread))),
                ])
            }
        ).serialized() + "\n"
    }

    /// `feedctl parse --json`: the document as parsed, every key present, indented, handed to `sink` in
    /// pieces of about 64 KiB as the items are written (a 50 MB feed never has its whole JSON in memory).
    public static func writeParsedFeedJSON(_ feed: ParsedFeed, to sink: (UnsafeBufferPointer<UInt8>) -> Void) {
        var json = JSONWriter(indent: 2, terminalSafe: true)
        json.object { json in
            json.field("format", feed.format.rawValue)
            json.fieldOrNull("title", feed.title)
            json.fieldOrNull("link", feed.link)
            json.fieldOrNull("description", feed.description)
            json.fieldOrNull("language", feed.language)
            json.fieldOrNull("updated", feed.updated)
            json.fieldOrNull("image", feed.image)
            json.fieldOrNull("ttl", feed.hints.ttlMinutes)
            json.fieldOrNull("update_period", feed.hints.updatePeriod)
            json.fieldOrNull("update_frequency", feed.hints.updateFrequency)
            json.field("skip_hours", feed.hints.skipHours)
            json.field("skip_days", feed.hints.skipDays)
            json.key("items")
            json.array(feed.items) { json, item in
                writeParsedItem(item, to: &json)
                if json.count >= 1 << 16 { json.drain(sink) }
            }
            json.field("warnings", feed.warnings)
        }
        json.drain(sink)
        [UInt8(ascii: "\n")].withUnsafeBufferPointer(sink)
    }

    private static func writeParsedItem(_ item: ParsedItem, to json: inout JSONWriter) {
        json.object { json in
            json.fieldOrNull("id", item.id)
            json.fieldOrNull("title", item.title)
            json.fieldOrNull("link", item.link)
            json.fieldOrNull("published", item.published)
            json.fieldOrNull("updated", item.updated)
            json.field("authors", item.authors)
            json.field("categories", item.categories)
            json.fieldOrNull("summary", item.summary)
            json.fieldOrNull("content", item.content)
            json.key("enclosures")
            json.array(item.enclosures) { json, enclosure in
                json.object { json in
                    json.field("url", enclosure.url)
                    json.fieldOrNull("type", enclosure.type)
                    json.fieldOrNull("length", enclosure.length)
                }
            }
            json.fieldOrNull("thumbnail", item.thumbnail)
            json.fieldOrNull("image", item.image)
            json.fieldOrNull("duration", item.durationSeconds)
            json.fieldOrNull("explicit", item.explicit)
        }
    }
}
