import FeedCore
import FeedParser
import Foundation

/// What the rules look at of one item: its fields as text, the content as plain text (summary and
/// content, markup removed, as the search index holds it).
public struct RuleSubject: Sendable {
    public var title: String
    public var url: String
    public var content: String
    public var authors: [String]
    public var categories: [String]
    public var enclosureTypes: [String]
    /// Its publication date, else when feedd first saw it.
    public var date: Date
    public var published: Date?

    public init(
        title: String?, url: String?, content: String, authors: [String], categories: [String], enclosureTypes: [String],
        published: Date?, firstSeen: Date
    ) {
        self.title = title ?? ""
        self.url = url ?? ""
        self.content = content
        self.authors = authors
        self.categories = categories
        self.enclosureTypes = enclosureTypes
        self.published = published
        date = ItemDates.sortDate(published: published, firstSeen: firstSeen)
    }

    /// A stored item; its content turned into text only when `withContent`.
    public init(_ item: StoredItem, withContent: Bool) {
        self.init(
            title: item.title, url: item.link,
            content: withContent ? HTMLPlainText.text(summary: item.summary, content: item.content) : "",
            authors: item.authors, categories: item.categories, enclosureTypes: item.enclosures.compactMap(\.type),
            published: item.published, firstSeen: item.firstSeen)
    }

    func values(of field: ItemRule.Field) -> [String] {
        switch field {
        case .title: [title]
        case .url: [url]
        case .content: [content]
        case .author: authors
        case .category: categories
        case .enclosureType: enclosureTypes
        }
    }
}
