import FeedModel
import Foundation

/// How items are recognised, within a feed and across feeds.
///
/// Within a feed an item is its guid/id; a guid that is a URL, or else the link, counts in its canonical
/// form (`CanonicalURL`), so an http→https move or a new tracking parameter does not make a new item. A feed
/// whose guids are often missing or repeated (over 5 % of a document's items) has them ignored, for good.
/// An item known by its link is the link alone when no other item of the document shares it, so a fixed
/// title or a fixed typo is an update; where links repeat (a feed whose items all link to its home page),
/// link and title. With no link either, a hash of title and content. Repeated identities in one document
/// are told apart by link, then content, then position, the first occurrence keeping the plain identity.
///
/// Across feeds, an item with its own link (or a URL-shaped guid) is one logical item wherever it appears:
/// its `logicalKey` is that URL, so two feeds carrying the same article share its id and its read mark.
/// Other items are scoped to their feed.
public enum ItemIdentity {
    /// Share of items with an empty or repeated guid above which a feed's guids are not trusted.
    public static let unreliableGuidShare = 0.05

    /// Whether a document's guids are too often missing or repeated to identify its items.
    public static func guidsAreUnreliable(_ items: [ParsedItem]) -> Bool {
        guard items.count >= 2 else { return false }
        var seen: Set<String> = []
        var bad = 0
        for item in items {
            let guid = item.id.map(trimmed) ?? ""
            if guid.isEmpty || !seen.insert(guid).inserted { bad += 1 }
        }
        return Double(bad) / Double(items.count) > unreliableGuidShare
    }

    /// Identities for the items of one document, in order; `ignoringGuids` for a feed whose guids are not
    /// trusted (`guidsAreUnreliable`).
    public static func identities(of items: [ParsedItem], byLinkAndTitle ignoringGuids: Bool) -> [String] {
        // Each link's canonical form, or the link as written when it has none (not http(s)).
        let links = items.map { item -> (key: String, isURL: Bool)? in
            guard let link = item.link, !link.isEmpty else { return nil }
            return CanonicalURL.key(link).map { ($0, true) } ?? (link, false)
        }
        var linkCounts: [String: Int] = Dictionary(minimumCapacity: items.count)
        for link in links { if let link { linkCounts[link.key, default: 0] += 1 } }
        var seen = Set<String>(minimumCapacity: items.count)
        return items.indices.map { position in
            let item = items[position]
            let base: String
            if !ignoringGuids, let guid = guidIdentity(item) {
                base = guid
            } else if let link = links[position] {
                base = linkCounts[link.key] != 1 ? linkAndTitle(link.key, item.title) : (link.isURL ? "url:" : "link:") + link.key
            } else {
                base = contentHash(item)
            }
            if seen.insert(base).inserted { return base }
            var identity = base
            if let link = links[position] { identity = base + "|" + link.key }
            // Still repeated: told apart by what it says, not by where it stands (positions shift when items
            // are added above), and by position only among identical twins.
            if seen.contains(identity) { identity = base + "|" + contentHash(item) }
            if seen.contains(identity) { identity = base + "|#\(position)" }
            seen.insert(identity)
            return identity
        }
    }

    /// The identity a guid gives, nil for none.
    static func guidIdentity(_ item: ParsedItem) -> String? {
        guard let id = item.id.map(trimmed), !id.isEmpty else { return nil }
        return CanonicalURL.key(id).map { "url:" + $0 } ?? "id:" + id
    }

    /// An item known by a link other items share, and its title.
    static func linkAndTitle(_ linkKey: String, _ title: String?) -> String {
        "lt:" + linkKey + "|" + (title ?? "")
    }

    /// The link key (`CanonicalURL.key`, or the link itself) in an identity made from a link alone or from
    /// a link and a title; nil for one made from a guid or the content, or told apart from a twin.
    static func linkKey(ofLinkIdentity identity: String) -> String? {
        if identity.hasPrefix("url:"), !identity.contains("|") { return String(identity.dropFirst(4)) }
        if identity.hasPrefix("link:"), !identity.contains("|") { return String(identity.dropFirst(5)) }
        if identity.hasPrefix("lt:"), let bar = identity.firstIndex(of: "|") {
            return String(identity[identity.index(identity.startIndex, offsetBy: 3)..<bar])
        }
        return nil
    }

    /// The text without white space at its ends. Most ids start and end with a visible ASCII character and
    /// are returned as they are; Foundation's trimming (which walks UTF-16) is left for the others.
    static func trimmed(_ text: String) -> String {
        guard let first = text.utf8.first, let last = text.utf8.last else { return text }
        func isPlain(_ byte: UInt8) -> Bool { byte > 0x20 && byte < 0x7F }
        return isPlain(first) && isPlain(last) ? text : text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func contentHash(_ item: ParsedItem) -> String {
        "hash:" + StableHash.hex((item.title ?? "") + "\u{1F}" + (item.content ?? item.summary ?? ""))
    }

    /// The key an item is known by across the store: its canonical link when no other item of its feed
    /// shares that link, else its URL-shaped guid, else its identity within its feed. Two feeds carrying one
    /// article (the blog and a planet that republishes it under its own guid) agree on the link.
    public static func logicalKey(identity: String, link: String?, uniqueLinks: Set<String>, feedURL: String) -> String {
        logicalKey(identity: identity, linkKey: link.flatMap(CanonicalURL.key), uniqueLinks: uniqueLinks, feedURL: feedURL)
    }

    /// `logicalKey` given the link's canonical form (`CanonicalURL.key`), for a caller that has it already.
    static func logicalKey(identity: String, linkKey: String?, uniqueLinks: Set<String>, feedURL: String) -> String {
        if let linkKey, uniqueLinks.contains(linkKey) { return "url:" + linkKey }
        if identity.hasPrefix("url:"), !identity.contains("|") { return identity }
        return "feed:" + StableHash.hex(feedURL) + "|" + identity
    }

    /// The canonical links that appear exactly once among `links`: only those can stand for one article.
    public static func uniqueLinkKeys(_ links: [String?]) -> Set<String> {
        uniqueKeys(links.map { $0.flatMap(CanonicalURL.key) })
    }

    /// The keys that appear exactly once among `linkKeys` (canonical links, nil for none).
    static func uniqueKeys(_ linkKeys: [String?]) -> Set<String> {
        var counts: [String: Int] = [:]
        for key in linkKeys { if let key { counts[key, default: 0] += 1 } }
        return Set(counts.filter { $0.value == 1 }.keys)
    }

    /// The id people type (`feedctl read ID`, or a prefix of it): 16 hex digits of the logical key, mixed
    /// so that items whose keys differ only at the end differ in their first digits. An id is always
    /// derived from the key, never trusted from a file: stores written when ids were plain FNV-1a read
    /// with today's ids, and read marks and stars (kept by key) are untouched by the change.
    public static func itemID(logicalKey: String) -> String {
        StableHash.mixedHex(logicalKey)
    }

    /// The identity a schema 1 or 2 store recorded, in today's form (`id:` URLs and `link:` became `url:`).
    public static func migrate(_ old: String) -> String {
        let (base, suffix): (Substring, Substring) = {
            guard let bar = old.firstIndex(of: "|") else { return (Substring(old), "") }
            return (old[..<bar], old[bar...])
        }()
        // The suffix that told repeated guids apart was the raw link; today it is the canonical one.
        var newSuffix = suffix
        if suffix.count > 1, let key = CanonicalURL.key(String(suffix.dropFirst())) { newSuffix = "|" + key }
        for prefix in ["id:", "link:"] where base.hasPrefix(prefix) {
            if let key = CanonicalURL.key(String(base.dropFirst(prefix.count))) { return "url:" + key + newSuffix }
        }
        return String(base) + newSuffix
    }
}
