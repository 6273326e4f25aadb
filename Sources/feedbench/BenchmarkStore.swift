import FeedCore
import FeedModel
import FeedParser
import FeedStore
import Foundation

/// The store the benchmarks measure: `feeds` file feeds of `items` items each (about 2 KB of content, one
/// item a minute, the newest on 2026-11-30; one item in a hundred says "zéphyrin"), all read but the newest
/// `unread`, stored exactly as the daemon would store them, with its config `c.yaml` beside.
struct BenchmarkStore {
    let state: URL
    let store: FeedStore
    let configPath: String
    let yaml: String
    /// Every item's key, oldest first.
    let allKeys: [String]
    let firstDate: Double

    static let content = String(
        repeating: "<p>Un paragraphe de contenu, « avec » des accents et un <a href=\"https://example.org\">lien</a>.</p>", count: 18)

    static func build(feeds: Int, items: Int, unread: Int, in directory: URL) throws -> BenchmarkStore {
        let state = directory.appendingPathComponent("state")
        let store = try FeedStore(directory: state)
        let started = ContinuousClock.now
        var yaml = "state_dir: state\ndefaults:\n  interval: 1h\nfeeds:\n"
        // None dated in the future, which would be shown, and sorted, by when it was first seen instead.
        let firstDate = 1_796_000_000 - Double(feeds * items) * 60
        var allKeys: [String] = []
        for feed in 0..<feeds {
            let xml = directory.appendingPathComponent("feed-\(feed).xml")
            yaml += "  - url: \(xml.absoluteString)\n"
            let document = (0..<items).map { number in
                ParsedItem(
                    id: "https://site\(feed).example.org/\(number)", title: "Article \(number) du flux \(feed)",
                    link: "https://site\(feed).example.org/\(number)",
                    published: Date(timeIntervalSince1970: firstDate + Double(feed * items + number) * 60),
                    authors: ["Autrice \(feed % 7)"], categories: ["Catégorie \(number % 5)"], summary: "Résumé.",
                    content: (feed * items + number) % 100 == 7 ? content + "<p>Le mot zéphyrin est là.</p>" : content)
            }
            let now = Date(timeIntervalSince1970: 1_796_000_000)
            // Stored exactly as the daemon would store the file: written, then parsed.
            let text = rss(title: "Flux \(feed)", document)
            try Data(text.utf8).write(to: xml)
            let parsed = try StreamingFeedParser.parse(Data(text.utf8), url: xml)
            var stored = ItemMerge.merge(StoredFeed(url: xml.absoluteString), document: parsed.items, now: now) { _ in false }.feed
            stored.title = "Flux \(feed)"
            stored.fetch.title = stored.title  // as a refresh records it
            stored.fetch.itemCount = stored.items.count
            stored.fetch.nextFetch = Date().addingTimeInterval(3600)
            stored.fetch.bodyHash = HTTPDecisions.bodyHash(Data(text.utf8))
            try store.transaction { held throws(StoreError) in try held.saveFeed(stored) }
            allKeys.append(contentsOf: stored.items.map(\.key))
        }
        try store.transaction { held throws(StoreError) in
            var marks = held.readMarks()
            for key in allKeys.dropLast(unread) { try marks.markRead(key, at: Date()) }
            try marks.save()
        }
        try store.prepareIndexes()  // builds the unread files and recent.json
        let configPath = directory.appendingPathComponent("c.yaml").path
        try Data(yaml.utf8).write(to: URL(fileURLWithPath: configPath))
        let elapsed = ContinuousClock.now - started
        print("store: \(feeds) feeds × \(items) items = \(feeds * items) items, \(unread) unread; built in \(elapsed.components.seconds) s")
        return BenchmarkStore(state: state, store: store, configPath: configPath, yaml: yaml, allKeys: allKeys, firstDate: firstDate)
    }

    static func rss(title: String, _ items: [ParsedItem]) -> String {
        var text = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss version=\"2.0\" xmlns:content=\"http://purl.org/rss/1.0/modules/content/\" "
            + "xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><channel><title>\(title)</title>"
        for item in items {
            text += "<item><guid>\(item.id ?? "")</guid><title>\(item.title ?? "")</title><link>\(item.link ?? "")</link>"
                + "<pubDate>\(HTTPDecisions.httpDate(item.published ?? Date()))</pubDate>"
                + item.authors.map { "<dc:creator>\($0)</dc:creator>" }.joined()
                + item.categories.map { "<category>\($0)</category>" }.joined()
                + "<description>\(item.summary ?? "")</description>"
                + "<content:encoded><![CDATA[\(item.content ?? "")]]></content:encoded></item>"
        }
        return text + "</channel></rss>"
    }
}
