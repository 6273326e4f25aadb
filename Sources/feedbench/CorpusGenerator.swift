import TestSupport
import Foundation

/// Writes a reproducible corpus of realistic feeds: one large RSS 2.0 archive and many small to mid-size RSS
/// and Atom feeds, with French and English text, entities, CDATA content and enclosures.
struct CorpusGenerator {
    private var random: SeededGenerator

    init(seed: UInt64) {
        random = SeededGenerator(seed: seed)
    }

    private static let words = [
        "auto-hébergement", "serveur", "logiciel", "libre", "données", "réseau", "sécurité", "mise à jour", "été",
        "déploiement", "forge", "sauvegarde", "chiffrement", "navigateur", "œuvre", "façade", "release", "kernel",
        "build", "pipeline", "cache", "latency", "throughput", "config", "daemon", "feed", "parser", "stream",
    ]

    private mutating func sentence(_ count: Int) -> String {
        (0..<count).map { _ in Self.words[Int(random.next() % UInt64(Self.words.count))] }.joined(separator: " ")
    }

    /// An RSS 2.0 item of about `contentBytes` bytes of HTML content.
    private mutating func rssItem(_ number: Int, contentBytes: Int) -> String {
        var paragraphs = ""
        while paragraphs.utf8.count < contentBytes {
            paragraphs += "<p>\(sentence(24)) « \(sentence(3)) » <a href=\"https://example.org/\(number)\">lien</a>.</p>\n"
        }
        let day = number % 28 + 1
        return """
            <item>
            <title>\(sentence(6)) n&#176;\(number) &#8217; \(sentence(2))</title>
            <link>https://blog.example.org/\(number)/</link>
            <dc:creator><![CDATA[Auteur \(number % 17)]]></dc:creator>
            <pubDate>Mon, \(day < 10 ? "0" : "")\(day) Nov 2026 10:\(number % 60 < 10 ? "0" : "")\(number % 60):00 +0100</pubDate>
            <category><![CDATA[\(sentence(1))]]></category><category><![CDATA[\(sentence(1))]]></category>
            <guid isPermaLink="false">https://blog.example.org/?p=\(number)</guid>
            <description><![CDATA[\(sentence(30)) [&#8230;]]]></description>
            <content:encoded><![CDATA[\(paragraphs)]]></content:encoded>
            <enclosure url="https://cdn.example.org/\(number).mp3" length="\(number * 1000)" type="audio/mpeg"/>
            </item>

            """
    }

    private mutating func atomEntry(_ number: Int, contentBytes: Int) -> String {
        var paragraphs = ""
        while paragraphs.utf8.count < contentBytes {
            paragraphs += "&lt;p&gt;\(sentence(20)) &amp;amp; \(sentence(4))&lt;/p&gt;\n"
        }
        return """
            <entry><id>tag:example.org,2026:\(number)</id><title type="text">\(sentence(5))</title>
            <updated>2026-11-\(number % 28 + 10)T08:\(number % 50 + 10):00Z</updated>
            <link rel="alternate" type="text/html" href="/releases/\(number)"/>
            <author><name>Dev \(number % 9)</name></author><content type="html">\(paragraphs)</content></entry>

            """
    }

    /// Writes an RSS feed of `items` items of about `contentBytes` each.
    mutating func writeRSS(to url: URL, items: Int, contentBytes: Int) throws {
        _ = FileManager.default.createFile(atPath: url.path, contents: nil)
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        try handle.write(contentsOf: Data("""
            <?xml version="1.0" encoding="UTF-8"?>
            <rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">
            <channel><title>Corpus &#8211; \(sentence(3))</title><link>https://blog.example.org/</link>
            <description>\(sentence(10))</description><language>fr-FR</language>

            """.utf8))
        for number in 0..<items { try handle.write(contentsOf: Data(rssItem(number, contentBytes: contentBytes).utf8)) }
        try handle.write(contentsOf: Data("</channel></rss>\n".utf8))
    }

    mutating func writeAtom(to url: URL, entries: Int, contentBytes: Int) throws {
        var text = """
            <?xml version="1.0" encoding="utf-8"?>
            <feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://code.example.org/"><title>Releases</title>
            <id>tag:example.org,2026:feed</id><updated>2026-11-20T00:00:00Z</updated><link href="/"/>

            """
        for number in 0..<entries { text += atomEntry(number, contentBytes: contentBytes) }
        text += "</feed>\n"
        try Data(text.utf8).write(to: url)
    }

    /// The standard corpus: `big.xml` (~50 MB, ~5,000 items) and `count` feeds from 5 KB to 2 MB.
    mutating func writeCorpus(in directory: URL, count: Int) throws -> (big: URL, small: [URL]) {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let big = directory.appendingPathComponent("big.xml")
        try writeRSS(to: big, items: 5000, contentBytes: 9500)
        var small: [URL] = []
        for index in 0..<count {
            // Sizes spread log-uniformly between 5 KB and 2 MB.
            let exponent = Double(random.next() % 1000) / 1000
            let target = Int(5_000 * pow(400, exponent))
            let url = directory.appendingPathComponent(String(format: "feed-%03d.%@", index, index % 3 == 0 ? "atom" : "xml"))
            if index % 3 == 0 {
                try writeAtom(to: url, entries: max(1, target / 1500), contentBytes: 1200)
            } else {
                try writeRSS(to: url, items: max(1, target / 2500), contentBytes: 1500)
            }
            small.append(url)
        }
        return (big, small)
    }
}
