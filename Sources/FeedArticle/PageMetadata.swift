import FeedModel
import FeedParser
import Foundation

/// What a page says of itself in its head: the article's title and author, from Open Graph and other
/// `<meta>` tags, JSON-LD (`headline`, `author`) and `<title>` (its site-name part cut off).
struct PageMetadata {
    var title: String?
    var byline: String?
    /// The titles as the page gives them, most trusted first (Open Graph's, JSON-LD's, `<title>` whole): what
    /// the headline element is looked for by.
    var givenTitles: [String] = []

    init(tree: HTMLTree) {
        var meta: [String: String] = [:]
        for index in tree.elements(named: "meta") {
            guard let key = (tree.attribute("property", of: index) ?? tree.attribute("name", of: index))?.lowercased(),
                let content = tree.attribute("content", of: index)
            else { continue }
            let value = TextCleaning.collapsingWhitespace(content)
            if !value.isEmpty && meta[key] == nil { meta[key] = value }
        }
        let linkedData = tree.elements(named: "script").lazy.compactMap { Self.linkedData(tree.ownText($0)) }.first
        let documentTitle = tree.elements(named: "title").first.map { TextCleaning.collapsingWhitespace(tree.text(of: $0)) }
        title = meta["og:title"] ?? meta["twitter:title"] ?? linkedData?.headline ?? documentTitle.map {
            Self.withoutSiteName($0, siteName: meta["og:site_name"])
        }
        byline = meta["author"] ?? meta["article:author"].flatMap { $0.hasPrefix("http") ? nil : $0 } ?? linkedData?.author
            ?? meta["dc.creator"] ?? meta["citation_author"] ?? Self.bylineElement(tree)
        if title?.isEmpty == true { title = nil }
        givenTitles = [meta["og:title"], meta["twitter:title"], linkedData?.headline, documentTitle].compactMap { $0 }.filter { !$0.isEmpty }
    }

    /// "Headline – Site", "Site | Headline": the longest part, split at the separators titles use.
    static func withoutSiteName(_ title: String, siteName: String?) -> String {
        for separator in [" | ", " – ", " — ", " - ", " · ", " :: ", " » "] where title.contains(separator) {
            let parts = title.components(separatedBy: separator).map { $0.trimmingCharacters(in: .whitespaces) }
            if let siteName, let kept = parts.filter({ $0.caseInsensitiveCompare(siteName) != .orderedSame }).max(by: { $0.count < $1.count }) {
                return kept
            }
            return parts.max { $0.count < $1.count } ?? title
        }
        return title
    }

    /// `headline` and the first author's `name` of a JSON-LD object (or of the first in a list or `@graph`
    /// that has a headline).
    private static func linkedData(_ text: String) -> (headline: String?, author: String?)? {
        guard !text.isEmpty, text.utf8.count < 1 << 20, let data = text.data(using: .utf8),
            let value = try? JSONSerialization.jsonObject(with: data)
        else { return nil }
        var objects: [[String: Any]] = []
        if let object = value as? [String: Any] {
            objects = [object] + ((object["@graph"] as? [[String: Any]]) ?? [])
        } else if let list = value as? [[String: Any]] {
            objects = list
        }
        guard let article = objects.first(where: { $0["headline"] is String }) else { return nil }
        let author = article["author"]
        let name = ((author as? [String: Any])?["name"] as? String) ?? ((author as? [[String: Any]])?.first?["name"] as? String)
            ?? (author as? String)
        return ((article["headline"] as? String).map(TextCleaning.collapsingWhitespace), name.map(TextCleaning.collapsingWhitespace))
    }

    /// The text of a short `rel="author"` link or an element of class `byline`/`author`.
    private static func bylineElement(_ tree: HTMLTree) -> String? {
        for index in tree.nodes.indices where !tree.nodes[index].isText {
            let classes = tree.attribute("class", of: index)?.lowercased() ?? ""
            guard tree.attribute("rel", of: index) == "author" || classes.split(separator: " ").contains(where: { $0 == "byline" || $0 == "author" })
            else { continue }
            let text = TextCleaning.collapsingWhitespace(tree.text(of: index))
            if !text.isEmpty && text.count < 80 { return text }
        }
        return nil
    }
}
