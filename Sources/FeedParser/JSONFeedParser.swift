import FeedModel
import Foundation

/// JSON Feed 1.0 and 1.1 (https://jsonfeed.org/version/1.1), into the same model as the XML formats.
enum JSONFeedParser {
    static func parse(_ data: Data, url: URL?) throws(FeedParseError) -> ParsedFeed {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data)
        } catch {
            throw .malformed(detail: "invalid JSON (\(error.localizedDescription))")
        }
        guard let root = object as? [String: Any] else { throw .notAFeed(detail: "JSON document is not an object") }
        guard let version = root["version"] as? String, version.hasPrefix("https://jsonfeed.org/version/")
            || version.hasPrefix("http://jsonfeed.org/version/")
        else {
            throw .notAFeed(detail: "JSON document without a JSON Feed \"version\"")
        }
        var feed = ParsedFeed(format: .jsonFeed)
        feed.title = (root["title"] as? String).map(PlainText.fromText)
        feed.link = absoluteLink(root["home_page_url"] as? String, base: url)
        feed.description = root["description"] as? String
        feed.language = root["language"] as? String
        let feedAuthors = authors(in: root)
        for case let entry as [String: Any] in root["items"] as? [Any] ?? [] {
            var item = ParsedItem()
            item.id = (entry["id"] as? String) ?? (entry["id"] as? NSNumber)?.stringValue
            item.title = (entry["title"] as? String).map(PlainText.fromText)
            item.link = absoluteLink(entry["url"] as? String, base: url) ?? absoluteLink(entry["external_url"] as? String, base: url)
            item.published = (entry["date_published"] as? String).flatMap(FeedDate.parse)
            item.updated = (entry["date_modified"] as? String).flatMap(FeedDate.parse)
            if item.published == nil { item.published = item.updated }
            let itemAuthors = authors(in: entry)
            item.authors = itemAuthors.isEmpty ? feedAuthors : itemAuthors
            item.categories = (entry["tags"] as? [Any])?.compactMap { ($0 as? String).map(PlainText.fromText) } ?? []
            // Plain text by the spec, as `content_text` is.
            item.summary = (entry["summary"] as? String).map(FeedDocumentBuilder.escapeHTML)
            // Relative links in the HTML resolve against the item's page, else the site's, else the feed's URL.
            let (itemLink, siteLink) = (item.link, feed.link)
            item.content = (entry["content_html"] as? String).map { html in
                RelativeLinks.resolvingLinks(inHTML: html) { itemLink.flatMap(URL.init(string:)) ?? siteLink.flatMap(URL.init(string:)) ?? url }
            }
                ?? (entry["content_text"] as? String).map(FeedDocumentBuilder.escapeHTML)
            for case let attachment as [String: Any] in entry["attachments"] as? [Any] ?? [] {
                guard let link = absoluteLink(attachment["url"] as? String, base: url) else { continue }
                item.enclosures.append(
                    Enclosure(
                        url: link, type: attachment["mime_type"] as? String,
                        length: (attachment["size_in_bytes"] as? NSNumber)?.int64Value))
            }
            feed.items.append(item)
        }
        return feed
    }

    /// 1.1 `authors` array, or 1.0 `author` object.
    private static func authors(in object: [String: Any]) -> [String] {
        if let list = object["authors"] as? [Any] {
            return list.compactMap { (($0 as? [String: Any])?["name"] as? String).map(PlainText.fromText) }
        }
        if let single = (object["author"] as? [String: Any])?["name"] as? String { return [PlainText.fromText(single)] }
        return []
    }

    private static func absoluteLink(_ link: String?, base: URL?) -> String? {
        guard let link, let url = URL(string: link, relativeTo: base)?.absoluteURL,
            let scheme = url.scheme?.lowercased(), ["http", "https", "mailto"].contains(scheme)
        else { return nil }
        return url.absoluteString
    }
}
