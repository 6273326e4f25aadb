import FeedConfiguration
import FeedCore
import FeedIndex
import FeedModel
import FeedParser
import FeedStore
import Foundation

/// `feedctl show`: one item as a page a person reads in a terminal.
public enum ItemPage {
    /// `tags`: what tag rules gave it.
    /// With an `article` kept for it, its extracted text is shown in place of the feed's (and the page
    /// says so); with a failure kept, the feed's text, and why there is no article.
    public static func render(
        _ item: StoredItem, feedNames: [String], tags: [String] = [], article: StoredArticle? = nil, width: Int?,
        calendar: Calendar = .current
    ) -> String {
        let safe = TerminalSafe.text
        var lines: [String] = [safe(item.title ?? "(untitled)"), ""]
        lines.append("Feed:       " + safe(feedNames.joined(separator: ", ")))
        if !item.authors.isEmpty { lines.append("Author:     " + safe(item.authors.joined(separator: ", "))) }
        let date = item.shownDate
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        lines.append(String(format: "Date:       %04d-%02d-%02d %02d:%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0, parts.hour ?? 0, parts.minute ?? 0)
            + (item.changed ? " (updated)" : ""))
        if let link = item.link.flatMap(TerminalSafe.link) { lines.append("Link:       " + link) }
        if !item.categories.isEmpty { lines.append("Categories: " + safe(item.categories.joined(separator: ", "))) }
        if !tags.isEmpty { lines.append("Tags:       " + safe(tags.joined(separator: ", "))) }
        for enclosure in item.enclosures {
            guard let url = TerminalSafe.link(enclosure.url) else { continue }
            var text = "Enclosure:  " + url
            if let type = enclosure.type { text += " (" + safe(type) + (enclosure.length.map { ", \($0) bytes" } ?? "") + ")" }
            lines.append(text)
        }
        if let article {
            let day = calendar.dateComponents([.year, .month, .day], from: article.fetched)
            let date = String(format: "%04d-%02d-%02d", day.year ?? 0, day.month ?? 0, day.day ?? 0)
            if article.html != nil {
                lines.append("Article:    full text extracted from the page on \(date)")
            } else if let failure = article.failure {
                lines.append("Article:    none (\(safe(failure)), \(date)); the feed's text follows")
            }
        }
        lines.append("")
        lines += contentLines(article?.html ?? item.content ?? item.summary ?? "", width: width)
        return lines.joined(separator: "\n").trimmingCharacters(in: .newlines) + "\n"
    }

    /// HTML content as wrapped lines of text: blocks separated by a blank line, quotes after "> ", then
    /// the numbered links.
    public static func contentLines(_ html: String, width: Int?) -> [String] {
        let safe = TerminalSafe.text
        var lines: [String] = []
        let (blocks, links) = HTMLText.render(html)
        for (position, block) in blocks.enumerated() {
            let quote = String(repeating: "> ", count: block.quoteDepth)
            let first = quote + block.marker
            let rest = quote + String(repeating: " ", count: TerminalLayout.displayWidth(block.marker))
            for (index, paragraphLine) in block.text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let text = safe(String(paragraphLine))
                let wrapped = block.preformatted ? [text] : wrap(text, width: width.map { $0 - TerminalLayout.displayWidth(first) })
                for (lineIndex, piece) in wrapped.enumerated() {
                    lines.append((index == 0 && lineIndex == 0 ? first : rest) + piece)
                }
            }
            // Items of one list stay together; other blocks are separated by a blank line.
            let nextIsListItem = position + 1 < blocks.count && !blocks[position + 1].marker.isEmpty
            if block.marker.isEmpty || !nextIsListItem { lines.append("") }
        }
        if !links.isEmpty {
            lines.append("Links:")
            for (index, link) in links.enumerated() { lines.append("[\(index + 1)] " + safe(link)) }
        }
        return lines
    }

    /// Greedy word wrap by display cells; a word longer than the line stands alone.
    static func wrap(_ text: String, width: Int?) -> [String] {
        guard let width, width > 10 else { return [text] }
        var lines: [String] = []
        var line = ""
        var used = 0
        for word in text.split(separator: " ") {
            let cells = TerminalLayout.displayWidth(String(word))
            if used > 0 && used + 1 + cells > width {
                lines.append(line)
                line = ""
                used = 0
            }
            if used > 0 {
                line += " "
                used += 1
            }
            line += word
            used += cells
        }
        if !line.isEmpty || lines.isEmpty { lines.append(line) }
        return lines
    }
}

extension ItemCatalog {
    /// The stored item with this id (or unique prefix), with the names of the feeds that carry it.
    public func item(_ prefix: String) throws -> (StoredItem, [String]) {
        let key = try resolve([prefix])[0].key
        return try item(key: key)
    }

    /// The item with this key as stored, read from the feed files the index says hold it, and the display
    /// names of its configured feeds, in configuration order.
    public func item(key: String) throws -> (StoredItem, [String]) {
        let files = Set(try index().files(holding: key))
        var found: StoredItem?
        var feedNames: [String] = []
        for feed in configuration.feeds where files.contains(FeedStore.key(forFeedURL: feed.url.absoluteString) + ".json") {
            guard let stored = try store.loadFeed(url: feed.url.absoluteString),
                let item = stored.items.first(where: { $0.key == key })
            else { continue }
            found = found ?? item
            feedNames.append(feed.name ?? stored.title ?? feed.url.absoluteString)
        }
        guard let found else { throw CatalogError(message: "no item with id \(ItemIdentity.itemID(logicalKey: key)) in the configured feeds") }
        return (found, feedNames)
    }

    /// The stored items with these keys (as the first feed file holding each has it), each feed file read
    /// once: for `feedctl list --json --content`.
    public func storedItems(keys: some Collection<String>) throws -> [String: StoredItem] {
        var items: [String: StoredItem] = [:]
        for (file, wanted) in try index().files(holding: keys).sorted(by: { $0.key < $1.key }) {
            guard let stored = try store.loadFeedFile(named: file)?.feed else { continue }
            for item in stored.items where wanted.contains(item.key) && items[item.key] == nil { items[item.key] = item }
        }
        return items
    }
}
