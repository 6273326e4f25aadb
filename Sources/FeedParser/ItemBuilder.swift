import FeedModel
import Foundation

/// Collects one item's fields as elements arrive, keeping for each field the value of the best rank.
struct ItemBuilder {
    private var item = ParsedItem()
    /// The rank of the value each single-valued field holds (`Int.max`: none yet).
    private var titleRank = Int.max, idRank = Int.max, summaryRank = Int.max, contentRank = Int.max
    private var publishedRank = Int.max, updatedRank = Int.max
    private(set) var linkRank = Int.max
    private var authorRank = Int.max
    /// Lists longer than this are checked for duplicates through a set instead of by a linear search.
    private static let linearSearchLimit = 16
    private var seenCategories: Set<String> = []
    private var seenEnclosures: Set<String> = []
    /// The `xml:base` in scope where the summary and the content kept were written, if any.
    private var summaryBase: URL?, contentBase: URL?

    mutating func offer(_ field: ItemField, rank: Int, _ value: String) {
        guard !value.isEmpty else { return }
        if field == .author {
            if rank < authorRank {
                authorRank = rank
                item.authors = [value]
            } else if rank == authorRank, !item.authors.contains(value) {
                item.authors.append(value)
            }
            return
        }
        switch field {
        case .title where rank < titleRank: (titleRank, item.title) = (rank, value)
        case .id where rank < idRank: (idRank, item.id) = (rank, value)
        default: break  // summaries and contents come through `offerBody`
        }
    }

    /// A summary or content (HTML) and the `xml:base` in scope where it was written: its relative links are
    /// resolved when the item is built, once its link is known.
    mutating func offerBody(_ field: ItemField, rank: Int, _ html: String, xmlBase: URL?) {
        guard !html.isEmpty else { return }
        switch field {
        case .summary where rank < summaryRank: (summaryRank, item.summary, summaryBase) = (rank, html, xmlBase)
        case .content where rank < contentRank: (contentRank, item.content, contentBase) = (rank, html, xmlBase)
        default: break
        }
    }

    mutating func offerDuration(_ text: String) {
        guard item.durationSeconds == nil else { return }
        item.durationSeconds = Self.seconds(fromDuration: text)
    }

    mutating func offerExplicit(_ text: String) {
        switch text.lowercased() {
        case "yes", "true", "explicit": item.explicit = true
        case "no", "false", "clean": item.explicit = false
        default: break
        }
    }

    mutating func offerThumbnail(_ url: String?) {
        if item.thumbnail == nil { item.thumbnail = url }
    }

    mutating func offerImage(_ url: String?) {
        if item.image == nil { item.image = url }
    }

    /// `itunes:duration`: `HH:MM:SS`, `MM:SS` or plain seconds.
    static func seconds(fromDuration text: String) -> Int? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard (1...3).contains(parts.count) else { return nil }
        var total = 0
        for part in parts {
            guard let value = Int(PlainText.trimmingASCIIWhitespace(String(part))), value >= 0 else { return nil }
            total = total * 60 + value
        }
        return total
    }

    mutating func offerDate(_ field: ItemField, rank: Int, _ text: String) {
        if field == .published {
            guard rank < publishedRank, let date = FeedDate.parse(text) else { return }
            (publishedRank, item.published) = (rank, date)
        } else {
            guard rank < updatedRank, let date = FeedDate.parse(text) else { return }
            (updatedRank, item.updated) = (rank, date)
        }
    }

    mutating func offerLink(_ link: String?, rank: Int) {
        guard let link, rank < linkRank else { return }
        linkRank = rank
        item.link = link
    }

    mutating func addCategory(_ category: String) {
        guard !category.isEmpty,
            Self.isNew(category, in: item.categories, seen: &seenCategories, limit: Self.linearSearchLimit)
        else { return }
        item.categories.append(category)
    }

    mutating func addEnclosure(_ url: String?, type: String?, length: String?) {
        guard let url, Self.isNew(url, in: item.enclosures.lazy.map(\.url), seen: &seenEnclosures, limit: Self.linearSearchLimit)
        else { return }
        let size = length.flatMap { Int64(PlainText.trimmingASCIIWhitespace($0)) }.flatMap { $0 > 0 ? $0 : nil }
        item.enclosures.append(Enclosure(url: url, type: type?.isEmpty == false ? type : nil, length: size))
    }

    /// Whether `value` is not among `values` yet; the caller appends it when it is. A linear search while the
    /// list is short; from `limit` values on, `seen` holds them all (a hostile item may carry thousands).
    private static func isNew(
        _ value: String, in values: some Collection<String>, seen: inout Set<String>, limit: Int
    ) -> Bool {
        let count = values.count
        if count < limit { return !values.contains(value) }
        if count == limit { seen = Set(values) }
        return seen.insert(value).inserted
    }

    /// The finished item. Atom's `updated` stands in for a missing publication date (rank 3 in `FieldTable`).
    /// Relative links in the summary and content resolve against the `xml:base` they were written under,
    /// else the item's link (the page they come from), else `fallbackBase`.
    consuming func build(fallbackBase: URL?) -> ParsedItem {
        if item.published == nil, let updated = item.updated { item.published = updated }
        let link = item.link
        let pageBase = { link.flatMap { URL(string: $0) } ?? fallbackBase }
        if let summary = item.summary {
            item.summary = RelativeLinks.resolvingLinks(inHTML: summary, base: { [summaryBase] in summaryBase ?? pageBase() })
        }
        if let content = item.content {
            item.content = RelativeLinks.resolvingLinks(inHTML: content, base: { [contentBase] in contentBase ?? pageBase() })
        }
        return item
    }
}
