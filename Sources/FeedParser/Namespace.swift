/// Namespace URIs of the vocabularies feedd reads.
enum Namespace {
    static let none = ""
    static let rss10 = "http://purl.org/rss/1.0/"
    static let rss090 = "http://my.netscape.com/rdf/simple/0.9/"
    static let rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    static let atom10 = "http://www.w3.org/2005/Atom"
    static let atom03 = "http://purl.org/atom/ns#"
    static let content = "http://purl.org/rss/1.0/modules/content/"
    static let dublinCore = "http://purl.org/dc/elements/1.1/"
    static let dublinCoreTerms = "http://purl.org/dc/terms/"
    static let media = "http://search.yahoo.com/mrss/"
    static let itunes = "http://www.itunes.com/dtds/podcast-1.0.dtd"
    static let xml = "http://www.w3.org/XML/1998/namespace"
    static let syndication = "http://purl.org/rss/1.0/modules/syndication/"
    static let xhtml = "http://www.w3.org/1999/xhtml"
}

/// The vocabulary of an element, from its namespace URI: what the field tables switch on.
enum Vocabulary {
    case none, rss10, rss090, rdf, atom10, atom03, content, dublinCore, dublinCoreTerms, media, itunes, syndication
    case other

    init(uri: String) {
        switch uri {
        case Namespace.none: self = .none
        case Namespace.rss10: self = .rss10
        case Namespace.rss090: self = .rss090
        case Namespace.rdf: self = .rdf
        case Namespace.atom10: self = .atom10
        case Namespace.atom03: self = .atom03
        case Namespace.content: self = .content
        case Namespace.dublinCore: self = .dublinCore
        case Namespace.dublinCoreTerms: self = .dublinCoreTerms
        case Namespace.media: self = .media
        case Namespace.itunes: self = .itunes
        case Namespace.syndication: self = .syndication
        default: self = Vocabulary(variant: uri)
        }
    }

    /// The URIs publishers write for the same vocabularies: another letter case, `https`, no final slash,
    /// Media RSS's older hosts, the UserLand and Harvard URIs some RSS 2.0 feeds put on their root.
    private init(variant uri: String) {
        var normalised = uri.lowercased()
        if normalised.hasPrefix("https://") { normalised = "http://" + normalised.dropFirst(8) }
        while normalised.hasSuffix("/") { normalised.removeLast() }
        switch normalised {
        case "http://purl.org/rss/1.0": self = .rss10
        case "http://my.netscape.com/rdf/simple/0.9": self = .rss090
        case "http://www.w3.org/1999/02/22-rdf-syntax-ns#": self = .rdf
        case "http://www.w3.org/2005/atom": self = .atom10
        case "http://purl.org/atom/ns#": self = .atom03
        case "http://purl.org/rss/1.0/modules/content": self = .content
        case "http://purl.org/dc/elements/1.1": self = .dublinCore
        case "http://purl.org/dc/terms": self = .dublinCoreTerms
        case "http://search.yahoo.com/mrss", "http://video.search.yahoo.com/mrss", "http://tools.search.yahoo.com/mrss":
            self = .media
        case "http://www.itunes.com/dtds/podcast-1.0.dtd": self = .itunes
        case "http://purl.org/rss/1.0/modules/syndication": self = .syndication
        case "http://backend.userland.com/rss2", "http://backend.userland.com/rss", "http://blogs.law.harvard.edu/tech/rss":
            self = .none
        default: self = .other
        }
    }

    /// The namespace a well-known prefix stands for when a feed uses it without declaring it.
    static func undeclaredPrefix(_ prefix: String) -> String? {
        switch prefix {
        case "content": Namespace.content
        case "dc": Namespace.dublinCore
        case "dcterms": Namespace.dublinCoreTerms
        case "media": Namespace.media
        case "itunes": Namespace.itunes
        case "atom": Namespace.atom10
        case "sy": Namespace.syndication
        case "rdf": Namespace.rdf
        default: nil
        }
    }

    /// What the root element says of its own namespace when that is not a feed vocabulary's: `rss` in any
    /// namespace is RSS; `feed` in none or an unknown one is Atom (0.3 when its `version` says so). A root
    /// written with a prefix over unprefixed children also makes the unnamespaced elements its vocabulary's.
    /// Returns the vocabulary each namespace URI is to be read as.
    static func rootAliases(namespace: String, local: String, hasPrefix: Bool, version: String?) -> [String: Vocabulary] {
        let vocabulary = Vocabulary(uri: namespace)
        var aliases: [String: Vocabulary] = [:]
        switch local.lowercased() {
        case "rss" where vocabulary != .none:
            aliases[namespace] = Vocabulary.none
        case "feed":
            let atom: Vocabulary = vocabulary.isAtom ? vocabulary : (version?.hasPrefix("0.") == true ? .atom03 : .atom10)
            if !vocabulary.isAtom { aliases[namespace] = atom }
            if hasPrefix { aliases[Namespace.none] = atom }
        default:
            break
        }
        return aliases
    }

    /// Vocabularies whose `item` / `channel` elements are RSS structure.
    var isRSS: Bool { self == .none || self == .rss10 || self == .rss090 }
    /// Vocabularies whose `entry` / `feed` elements are Atom structure.
    var isAtom: Bool { self == .atom10 || self == .atom03 }
}

/// The names of the elements the field tables read, by their lower-case spelling: a feed that writes
/// `<pubdate>` or `<itunes:Summary>` means the same element.
enum ElementNames {
    static func canonical(_ local: String) -> String {
        if known.contains(local) { return local }
        return byLowercase[local.lowercased()] ?? local
    }

    private static let known: Set<String> = [
        "rss", "RDF", "channel", "item", "title", "link", "description", "guid", "pubDate", "lastBuildDate", "author",
        "category", "enclosure", "language", "ttl", "image", "url", "skipHours", "hour", "skipDays", "day", "feed",
        "entry", "id", "published", "updated", "issued", "modified", "summary", "content", "subtitle", "tagline", "logo",
        "icon", "name", "email", "encoded", "creator", "date", "subject", "identifier", "created", "thumbnail", "group",
        "duration", "explicit", "updatePeriod", "updateFrequency", "about",
    ]
    private static let byLowercase: [String: String] = Dictionary(
        known.map { ($0.lowercased(), $0) }, uniquingKeysWith: { first, _ in first })
}

