import FeedModel
import Foundation

/// One subscription of an OPML list.
public struct OPMLFeed: Equatable, Sendable {
    /// `xmlUrl`: the feed.
    public var url: String
    /// `text` (or `title`): the name a person gave it.
    public var title: String?
    /// `htmlUrl`: the site the feed belongs to.
    public var siteURL: String?
    /// From the folders (outlines without `xmlUrl`) it sits in and its `category` paths.
    public var tags: [String]

    public init(url: String, title: String? = nil, siteURL: String? = nil, tags: [String] = []) {
        self.url = url
        self.title = title
        self.siteURL = siteURL
        self.tags = tags
    }
}

/// OPML subscription lists, as feed readers exchange them (OPML 1.0 and 2.0).
///
/// Tags map to OPML both ways: a feed is written once, inside a folder named after its first tag, with all
/// its tags in the `category` attribute (`/tag1,/tag2`); reading, a feed gets the titles of the folders it
/// sits in and each `category` path without its leading `/` (`/Tech/Swift` → `Tech/Swift`), so lists from
/// other readers, which use folders, and lists from feedd round-trip without loss.
public enum OPML {
    /// Reads every outline with an `xmlUrl`, in document order. A feed listed twice (in two folders) is one
    /// feed with the tags of both. XML errors the parser recovered from (a truncated file, a bare `&`) come
    /// back as warnings: some feeds may be missing.
    public static func read(_ data: Data) throws(FeedParseError) -> (feeds: [OPMLFeed], warnings: [String]) {
        let (encoding, bomLength, _) = SourceEncoding.detect(prefix: Array(data.prefix(512)), httpCharset: nil)
        var decoder = TranscodingDecoder(encoding: encoding)
        var utf8: [UInt8] = []
        data.dropFirst(bomLength).withUnsafeBytes { raw in
            decoder.decode(raw.bindMemory(to: UInt8.self), final: true, into: &utf8)
        }
        let reader = OutlineReader()
        let parser = SAXParser(delegate: reader)
        utf8.withUnsafeBufferPointer { parser.parse($0, terminate: true) }
        if let error = parser.limitError { throw error }
        guard reader.sawRoot else {
            throw .notAFeed(detail: "not an OPML file: \(parser.errors.first ?? "the root element is not <opml>")")
        }
        var warnings = parser.errors.map { "XML: " + $0 }
        if parser.errorCount > parser.errors.count { warnings.append("\(parser.errorCount - parser.errors.count) more XML error(s)") }
        return (reader.feeds, warnings)
    }

    /// An OPML 2.0 document listing `feeds`.
    public static func write(_ feeds: [OPMLFeed], title: String, date: Date) -> String {
        var text = """
            <?xml version="1.0" encoding="UTF-8"?>
            <opml version="2.0">
              <head>
                <title>\(XMLText.escaped(title))</title>
                <dateCreated>\(rfc822(date))</dateCreated>
              </head>
              <body>

            """
        // A folder is written where its first feed comes, so a list keeps its order as far as folders allow.
        var folders: [String: [OPMLFeed]] = [:]
        for feed in feeds { if let folder = feed.tags.first { folders[folder, default: []].append(feed) } }
        for feed in feeds {
            guard let folder = feed.tags.first else {
                text += "    " + outline(feed) + "\n"
                continue
            }
            guard let members = folders.removeValue(forKey: folder) else { continue }
            text += "    <outline text=\"\(XMLText.escaped(folder))\" title=\"\(XMLText.escaped(folder))\">\n"
            for member in members { text += "      " + outline(member) + "\n" }
            text += "    </outline>\n"
        }
        return text + "  </body>\n</opml>\n"
    }

    private static func outline(_ feed: OPMLFeed) -> String {
        let title = feed.title ?? feed.url
        var attributes = "type=\"rss\" text=\"\(XMLText.escaped(title))\" title=\"\(XMLText.escaped(title))\" xmlUrl=\"\(XMLText.escaped(feed.url))\""
        if let site = feed.siteURL { attributes += " htmlUrl=\"\(XMLText.escaped(site))\"" }
        if !feed.tags.isEmpty {
            attributes += " category=\"\(XMLText.escaped(feed.tags.map { "/" + $0.replacingOccurrences(of: ",", with: " ") }.joined(separator: ",")))\""
        }
        return "<outline \(attributes)/>"
    }

    private static func rfc822(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return formatter.string(from: date)
    }
}

/// Collects the feed outlines of an OPML document with the folders around them.
private final class OutlineReader: SAXParserDelegate {
    private(set) var feeds: [OPMLFeed] = []
    private(set) var sawRoot = false
    private var positions: [String: Int] = [:]
    /// For each open outline: the folder name it adds (nil for a feed or an untitled outline).
    private var openOutlines: [String?] = []

    func startElement(_ name: ElementName, attributes: SAXAttributes) {
        if name.local == "opml" && openOutlines.isEmpty { sawRoot = true }
        guard sawRoot, name.local == "outline" else { return }
        let title = Self.clean(attributes.value("text") ?? attributes.value("title"))
        guard let url = Self.clean(attributes.value("xmlUrl") ?? attributes.value("xmlurl") ?? attributes.value("url")),
            attributes.value("type")?.lowercased() != "link"
        else {
            openOutlines.append(title)
            return
        }
        openOutlines.append(nil)
        var tags = openOutlines.compactMap { $0 }
        for category in (attributes.value("category") ?? "").split(separator: ",") {
            guard let tag = Self.clean(String(category.drop { $0 == "/" || $0 == " " })) else { continue }
            tags.append(tag)
        }
        let feed = OPMLFeed(
            url: url, title: title ?? Self.clean(attributes.value("title")),
            siteURL: Self.clean(attributes.value("htmlUrl")), tags: Self.unique(tags))
        if let position = positions[url] {
            feeds[position].tags = Self.unique(feeds[position].tags + feed.tags)
        } else {
            positions[url] = feeds.count
            feeds.append(feed)
        }
    }

    func endElement(_ name: ElementName) {
        if name.local == "outline", !openOutlines.isEmpty { openOutlines.removeLast() }
    }

    func characters(_ text: UnsafeBufferPointer<UInt8>, isValidated: Bool) {}

    private static func clean(_ value: String?) -> String? {
        guard let value else { return nil }
        let text = TextCleaning.collapsingWhitespace(value)
        return text.isEmpty ? nil : text
    }

    /// Each tag once. A category cannot carry a comma (it separates them) and is written with a space
    /// instead, so a folder `a,b` and a category `/a b` are the same tag.
    private static func unique(_ tags: [String]) -> [String] {
        var seen: Set<String> = []
        return tags.filter { seen.insert($0.replacingOccurrences(of: ",", with: " ")).inserted }
    }
}
