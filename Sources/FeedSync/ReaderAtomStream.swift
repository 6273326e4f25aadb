import FeedCore
import FeedModel
import Foundation

/// A stream as an Atom document, the form Google Reader served under `/reader/atom/` and newsboat's FeedHQ
/// mode reads: each entry's id is the item's long id (which newsboat sends back to mark it), and its read
/// and starred states are categories in Google Reader's scheme, whose labels newsboat looks at.
enum ReaderAtomStream {
    static let scheme = "http://www.google.com/reader/"

    static func document(streamID: String, title: String, siteURL: String?, items: [ReaderItem], now: Date) -> String {
        var text = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
        text += "<feed xmlns=\"http://www.w3.org/2005/Atom\">\n"
        text += "<id>tag:google.com,2005:reader/\(XMLText.escaped(streamID))</id>\n"
        text += "<title>\(XMLText.escaped(title))</title>\n"
        if let siteURL { text += "<link rel=\"alternate\" href=\"\(XMLText.escaped(siteURL))\"/>\n" }
        text += "<updated>\(date(now))</updated>\n"
        for reader in items {
            let item = reader.item
            text += "<entry>\n<id>\(ReaderItemID.long(item.id))</id>\n"
            text += "<title>\(XMLText.escaped(item.title ?? ""))</title>\n"
            if let link = item.link { text += "<link rel=\"alternate\" href=\"\(XMLText.escaped(link))\"/>\n" }
            for enclosure in item.enclosures {
                let type = enclosure.type.map { " type=\"\(XMLText.escaped($0))\"" } ?? ""
                let length = enclosure.length.map { " length=\"\($0)\"" } ?? ""
                text += "<link rel=\"enclosure\" href=\"\(XMLText.escaped(enclosure.url))\"\(type)\(length)/>\n"
            }
            text += "<published>\(date(item.shownDate))</published>\n"
            text += "<updated>\(date(item.updated ?? item.shownDate))</updated>\n"
            for author in item.authors { text += "<author><name>\(XMLText.escaped(author))</name></author>\n" }
            if reader.articleHTML != nil || item.content != nil || item.summary != nil {
                text += "<content type=\"html\">\(XMLText.escaped(reader.html))</content>\n"
            }
            // newsboat takes "read" as read and "fresh" as unread.
            text += category(reader.isRead ? ReaderState.read : "user/-/state/com.google/fresh", label: reader.isRead ? "read" : "fresh")
            if reader.isStarred { text += category(ReaderState.starred, label: "starred") }
            for category in item.categories { text += "<category term=\"\(XMLText.escaped(category))\"/>\n" }
            text += "</entry>\n"
        }
        return text + "</feed>\n"
    }

    private static func category(_ term: String, label: String) -> String {
        "<category scheme=\"\(scheme)\" term=\"\(term)\" label=\"\(label)\"/>\n"
    }

    private static func date(_ date: Date) -> String { date.formatted(.iso8601) }
}
