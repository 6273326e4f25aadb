import FeedArticle
import FeedConfiguration
import FeedCore
import FeedIndex
import FeedModel
import FeedStore
import Foundation

/// Renders items and feeds for people and for scripts. Every string from a feed passes through
/// `TerminalSafe.text` (text output), `JSONValue` or a terminal-safe `JSONWriter` (which escape all control
/// characters) on its way out.
public enum OutputFormatting {
    /// `feedctl list --json`: an array of items, with their summaries and enclosures from `details` and,
    /// when `contents` is given (`--content`), their content; handed to `sink` as it is written (the
    /// store's byte writer, terminal-safe: 100,000 items in a third of the time a JSON tree took).
    public static func writeItemsJSON(
        _ items: [ListedItem], details: [String: ItemDetails] = [:], contents: [String: StoredItem]? = nil,
        to sink: (UnsafeBufferPointer<UInt8>) -> Void
    ) {
        var json = JSONWriter(indent: 2, terminalSafe: true)
        json.array(items) { json, listed in
            let entry = listed.entry
            json.object { json in
                json.field("id", entry.id)
                json.field("feed", listed.feedNames.joined(separator: ", "))
                json.field("feeds", listed.feedNames)
                json.field("feed_urls", entry.feeds)
                json.fieldOrNull("title", entry.title)
                json.fieldOrNull("link", entry.link)
                json.fieldOrNull("published", entry.published)
                json.fieldOrNull("updated", entry.updated)
                json.field("first_seen", entry.firstSeen)
                json.field("authors", entry.authors)
                json.field("categories", entry.categories)
                json.field("changed", entry.changed)
                json.field("read", listed.isRead)
                json.field("starred", listed.isStarred)
                json.field("tags", listed.tags)
                json.fieldOrNull("summary", details[entry.key]?.summary)
                json.key("enclosures")
                writeEnclosures(details[entry.key]?.enclosures ?? [], to: &json)
                if let contents { json.fieldOrNull("content", contents[entry.key]?.content) }
            }
            if json.count >= 1 << 16 { json.drain(sink) }
        }
        json.drain(sink)
        [UInt8(ascii: "\n")].withUnsafeBufferPointer(sink)
    }

    /// Enclosures as every JSON feedd writes for people and programs has them: `url`, `type`, `length`.
    public static func writeEnclosures(_ enclosures: [Enclosure], to json: inout JSONWriter) {
        json.array(enclosures) { json, enclosure in
            json.object { json in
                json.field("url", enclosure.url)
                json.fieldOrNull("type", enclosure.type)
                json.fieldOrNull("length", enclosure.length)
            }
        }
    }

    /// `feedctl show --json`: one item, whole: the keys of `list --json` (the feeds by name) and its content.
    public static func writeItemJSON(
        _ item: StoredItem, feedNames: [String], isRead: Bool, isStarred: Bool, tags: [String], article: StoredArticle? = nil,
        to sink: (UnsafeBufferPointer<UInt8>) -> Void
    ) {
        var json = JSONWriter(indent: 2, terminalSafe: true)
        json.object { json in
            json.field("id", item.id)
            json.field("feeds", feedNames)
            json.fieldOrNull("title", item.title)
            json.fieldOrNull("link", item.link)
            json.fieldOrNull("published", item.published)
            json.fieldOrNull("updated", item.updated)
            json.field("first_seen", item.firstSeen)
            json.field("authors", item.authors)
            json.field("categories", item.categories)
            json.field("changed", item.changed)
            json.field("read", isRead)
            json.field("starred", isStarred)
            json.field("tags", tags)
            json.fieldOrNull("summary", item.summary)
            json.fieldOrNull("content", item.content)
            json.key("enclosures")
            writeEnclosures(item.enclosures, to: &json)
            json.key("article")
            if let article {
                json.object { json in
                    json.field("page", article.page)
                    json.field("fetched", article.fetched)
                    json.fieldOrNull("title", article.title)
                    json.fieldOrNull("byline", article.byline)
                    json.fieldOrNull("words", article.words)
                    json.fieldOrNull("html", article.html)
                    json.fieldOrNull("failure", article.failure)
                }
            } else {
                json.null()
            }
        }
        json.drain(sink)
        [UInt8(ascii: "\n")].withUnsafeBufferPointer(sink)
    }

    /// `feedctl extract --json`: one line, the article of one source.
    public static func writeArticleJSON(_ article: Article, source: String, url: URL?, to sink: (UnsafeBufferPointer<UInt8>) -> Void) {
        var json = JSONWriter(terminalSafe: true)
        json.object { json in
            json.field("source", source)
            json.fieldOrNull("url", url?.absoluteString)
            json.fieldOrNull("title", article.title)
            json.fieldOrNull("byline", article.byline)
            json.field("words", article.wordCount)
            // Each long string in one step and handed on: the buffer holds one of them, not both.
            json.reserveCapacity(article.text.utf8.count + article.text.utf8.count / 16 + 64)
            json.field("text", article.text)
            json.drain(sink)
            json.reserveCapacity(article.html.utf8.count + article.html.utf8.count / 16 + 64)
            json.field("html", article.html)
        }
        json.drain(sink)
        [UInt8(ascii: "\n")].withUnsafeBufferPointer(sink)
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
            writeEnclosures(item.enclosures, to: &json)
            json.fieldOrNull("thumbnail", item.thumbnail)
            json.fieldOrNull("image", item.image)
            json.fieldOrNull("duration", item.durationSeconds)
            json.fieldOrNull("explicit", item.explicit)
        }
    }
}
