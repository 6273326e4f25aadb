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
    static let xhtml = "http://www.w3.org/1999/xhtml"
    static let syndication = "http://purl.org/rss/1.0/modules/syndication/"

    /// Namespaces whose `item` / `entry` / `channel` elements are RSS or Atom structure.
    static func isRSS(_ uri: String) -> Bool { uri == none || uri == rss10 || uri == rss090 }
    static func isAtom(_ uri: String) -> Bool { uri == atom10 || uri == atom03 }
}
