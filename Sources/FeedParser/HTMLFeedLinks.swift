import Foundation

/// Finds the feeds an HTML page advertises with `<link rel="alternate" type="application/rss+xml" href=…>`
/// (also Atom and JSON Feed types).
public enum HTMLFeedLinks {
    private static let feedTypes: Set<String> = [
        "application/rss+xml", "application/atom+xml", "application/feed+json", "application/json",
        "application/rdf+xml", "application/xml", "text/xml",
    ]

    private final class Collector: HTMLSAXDelegate {
        var links: [String] = []
        let base: URL?
        init(base: URL?) { self.base = base }

        func start(_ name: String, _ attributes: [String: String]) {
            guard name == "link" else { return }
            let rels = (attributes["rel"] ?? "").lowercased().split(separator: " ")
            let type = (attributes["type"] ?? "").lowercased().split(separator: ";").first.map(String.init) ?? ""
            guard rels.contains("alternate"), HTMLFeedLinks.feedTypes.contains(type), let href = attributes["href"],
                let url = URL(string: href, relativeTo: base)?.absoluteURL,
                ["http", "https"].contains(url.scheme?.lowercased() ?? ""),
                !links.contains(url.absoluteString)
            else { return }
            links.append(url.absoluteString)
        }

        func end(_ name: String) {}
        func text(_ text: String) {}
    }

    /// Absolute URLs of the advertised feeds, in page order, without duplicates.
    public static func find(in html: [UInt8], base: URL?) -> [String] {
        let collector = Collector(base: base)
        _ = HTMLSAX.walk(html, delegate: collector)
        return collector.links
    }
}
