import FeedModel
import Foundation

/// Collects one item's fields as elements arrive, keeping for each field the value of the best rank.
struct ItemBuilder {
    private var item = ParsedItem()
    private var ranks: [ItemField: Int] = [:]
    private(set) var linkRank = Int.max
    private var authorRank = Int.max
    private var seenCategories: Set<String> = []
    private var seenEnclosures: Set<String> = []

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
        guard rank < (ranks[field] ?? Int.max) else { return }
        ranks[field] = rank
        switch field {
        case .title: item.title = value
        case .id: item.id = value
        case .summary: item.summary = value
        case .content: item.content = value
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
        guard rank < (ranks[field] ?? Int.max), let date = FeedDate.parse(text) else { return }
        ranks[field] = rank
        if field == .published { item.published = date } else { item.updated = date }
    }

    mutating func offerLink(_ link: String?, rank: Int) {
        guard let link, rank < linkRank else { return }
        linkRank = rank
        item.link = link
    }

    mutating func addCategory(_ category: String) {
        guard !category.isEmpty, seenCategories.insert(category).inserted else { return }
        item.categories.append(category)
    }

    mutating func addEnclosure(_ url: String?, type: String?, length: String?) {
        guard let url, seenEnclosures.insert(url).inserted else { return }
        let size = length.flatMap { Int64(PlainText.trimmingASCIIWhitespace($0)) }.flatMap { $0 > 0 ? $0 : nil }
        item.enclosures.append(Enclosure(url: url, type: type?.isEmpty == false ? type : nil, length: size))
    }

    /// The finished item. Atom's `updated` stands in for a missing publication date (rank 3 in `FieldTable`).
    func build() -> ParsedItem {
        var result = item
        if result.published == nil, let updated = result.updated { result.published = updated }
        return result
    }
}
