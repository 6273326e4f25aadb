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
        default: self = .other
        }
    }

    /// Vocabularies whose `item` / `channel` elements are RSS structure.
    var isRSS: Bool { self == .none || self == .rss10 || self == .rss090 }
    /// Vocabularies whose `entry` / `feed` elements are Atom structure.
    var isAtom: Bool { self == .atom10 || self == .atom03 }
}
