import FeedCore
import FeedParser
import Foundation

/// What the rules look at of one item: its fields as text, the content as plain text (summary and
/// content, markup removed, as the search index holds it).
public struct RuleSubject: Sendable {
    public var title: RuleText
    public var url: RuleText
    public var content: RuleText
    public var authors: [RuleText]
    public var categories: [RuleText]
    public var enclosureTypes: [RuleText]
    /// Its publication date, else when feedd first saw it.
    public var date: Date
    public var published: Date?

    /// The fields of `fields` prepared for the patterns; the others left empty (no rule reads them).
    public init(
        title: String?, url: String?, content: @autoclosure () -> String, authors: [String], categories: [String],
        enclosureTypes: [String], published: Date?, firstSeen: Date, fields: Set<ItemRule.Field>
    ) {
        func prepared(_ field: ItemRule.Field, _ text: @autoclosure () -> String?) -> RuleText {
            fields.contains(field) ? RuleText(text() ?? "") : RuleText("")
        }
        func prepared(_ field: ItemRule.Field, _ values: [String]) -> [RuleText] {
            fields.contains(field) ? values.map(RuleText.init) : []
        }
        self.title = prepared(.title, title)
        self.url = prepared(.url, url)
        self.content = prepared(.content, content())
        self.authors = prepared(.author, authors)
        self.categories = prepared(.category, categories)
        self.enclosureTypes = prepared(.enclosureType, enclosureTypes)
        self.published = published
        date = ItemDates.sortDate(published: published, firstSeen: firstSeen)
    }

    /// A stored item, its content turned into text only when a rule reads it.
    public init(_ item: StoredItem, fields: Set<ItemRule.Field>) {
        self.init(
            title: item.title, url: item.link, content: HTMLPlainText.text(summary: item.summary, content: item.content),
            authors: item.authors, categories: item.categories, enclosureTypes: item.enclosures.compactMap(\.type),
            published: item.published, firstSeen: item.firstSeen, fields: fields)
    }

    /// Whether the field, or one of its values, matches (without gathering them into an array: this runs
    /// for every test of every rule on every item).
    func some(_ field: ItemRule.Field, matches pattern: RulePattern) -> Bool {
        switch field {
        case .title: pattern.matches(title)
        case .url: pattern.matches(url)
        case .content: pattern.matches(content)
        case .author: authors.contains { pattern.matches($0) }
        case .category: categories.contains { pattern.matches($0) }
        case .enclosureType: enclosureTypes.contains { pattern.matches($0) }
        }
    }
}
