import ArgumentParser
@_spi(Benchmarks) import FeedParser
@_spi(Benchmarks) import FeedRules
@_spi(Benchmarks) import FeedStore
import FeedCore
import FeedModel
import Foundation
import TestSupport

/// `feedbench fastpaths`: each hand-written fast path against what it replaces, in one process, on inputs
/// shaped like feeds' (generated links, RFC 822 dates, a 200-item feed file, fetch states, an unread index).
/// A fast path earns its place at 2x or more (docs/PERFORMANCE.md).
struct FastPathBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fastpaths", abstract: "Time each hand-written fast path beside the Foundation or standard library code it replaces.")

    @Option(help: "Rounds per measurement; the best round is reported.")
    var rounds = 5

    func run() throws {
        var generator = SeededGenerator(seed: 2026)
        let links = (0..<2000).map { Self.link($0, &generator) }
        let weekdays = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"], months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let dates = (0..<2000).map { (index: Int) -> String in
            let day = 1 + index % 28, year = 2000 + index % 27
            let clock = String(format: "%02d:%02d:%02d", index % 24, index % 60, (index * 7) % 60)
            return "\(weekdays[index % 7]), \(day < 10 ? "0" : "")\(day) \(months[index % 12]) \(year) \(clock) +0100"
        }
        let feed = Self.storedFeed(&generator)
        let states = (0..<500).map { Self.state($0) }
        let stateRecords = states.map { StoreFastPaths.encodeState(url: $0.url, fetch: $0.fetch) }
        // A read shard of a million-item store: 4,000 marks.
        let shard = StoreFastPaths.encodeShard(
            Dictionary(uniqueKeysWithValues: (0..<4000).map { ("url:" + Self.link($0, &generator).dropFirst(8), Date(timeIntervalSince1970: 1.8e9 + Double($0))) }))
        // Rule patterns that are words, on items' text (2 KB of French, one in ten saying one of the words).
        let patterns = ["(?i)sponsored|promo", "^dependabot", "(?i)\\bkubernetes\\b", "(?i)security advisory", "(?i)zéphyrin"]
            .compactMap(RulePattern.init)
        let texts = (0..<200).map { index in
            RuleText(String(repeating: "Un paragraphe, « avec » des accents et un lien. ", count: 40) + (index % 10 == 0 ? " Kubernetes" : ""))
        }

        print("fast path vs what it replaces".padding(toLength: 62, withPad: " ", startingAt: 0), "fast".leftPadded(10),
              "replaced".leftPadded(12), "speed-up".leftPadded(8))
        compare("CanonicalURL.key (byte reader first)", "URLComponents", count: links.count,
                { links.reduce(0) { $0 + (StoreFastPaths.canonicalKey($1)?.utf8.count ?? 0) } },
                { links.reduce(0) { $0 + (StoreFastPaths.canonicalKeyByFoundation($1)?.utf8.count ?? 0) } })
        compare("plain absolute link as is", "Foundation URL", count: links.count,
                { links.reduce(0) { $0 + (ParserFastPaths.plainLink($1)?.utf8.count ?? 0) } },
                { links.reduce(0) { $0 + (ParserFastPaths.plainLinkByFoundation($1)?.utf8.count ?? 0) } })
        compare("RFC 822 date tokenizer", "DateFormatter", count: dates.count,
                { dates.reduce(0) { $0 + (ParserFastPaths.rfc822($1) == nil ? 0 : 1) } },
                { dates.reduce(0) { $0 + (ParserFastPaths.rfc822ByFoundation($1) == nil ? 0 : 1) } })
        compare("items file by JSONWriter", "JSONEncoder", count: 1,
                { StoreFastPaths.encode(feed).count },
                { (try? StoreFastPaths.encodeByFoundation(feed))?.count ?? 0 })
        compare("fetch state by StoreJSONReader", "JSONDecoder", count: stateRecords.count,
                { stateRecords.reduce(0) { $0 + (StoreFastPaths.decodeState($1)?.consecutiveFailures ?? 0) + 1 } },
                { stateRecords.reduce(0) { $0 + ((try? StoreFastPaths.decodeStateByFoundation($1))?.consecutiveFailures ?? 0) + 1 } })
        compare("read shard (4,000 marks) by StoreJSONReader", "JSONDecoder", count: 1,
                { StoreFastPaths.decodeShard(shard) ?? 0 }, { (try? StoreFastPaths.decodeShardByFoundation(shard)) ?? 0 })
        let index = StoreFastPaths.encodeIndex(feed)
        compare("unread index (200 entries) by StoreJSONReader", "JSONDecoder", count: 1,
                { StoreFastPaths.decodeIndex(index) ?? 0 }, { (try? StoreFastPaths.decodeIndexByFoundation(index)) ?? 0 })
        compare("rule pattern: words searched for first", "NSRegularExpression", count: patterns.count * texts.count,
                { patterns.reduce(0) { count, pattern in count + texts.filter { pattern.matches($0) }.count } },
                { patterns.reduce(0) { count, pattern in count + texts.filter { pattern.matchesByExpression($0) }.count } })
    }

    /// Times both sides (the best of `rounds`), checks they agree on the result, prints a row.
    private func compare(_ fast: String, _ replaced: String, count: Int, _ fastBody: () -> Int, _ replacedBody: () -> Int) {
        let (fastTime, fastResult) = best(fastBody)
        let (replacedTime, replacedResult) = best(replacedBody)
        let agree = fastResult == replacedResult ? "" : "  (results differ: \(fastResult) vs \(replacedResult))"
        func nanoseconds(_ duration: Duration) -> Double {
            Double(duration.components.seconds) * 1e9 + Double(duration.components.attoseconds) / 1e9
        }
        func perCall(_ duration: Duration) -> String {
            let value = nanoseconds(duration) / Double(count)
            return value >= 10_000 ? "\(formatted(value / 1000, 1)) µs" : "\(formatted(value, 0)) ns"
        }
        let ratio = nanoseconds(replacedTime) / max(1, nanoseconds(fastTime))
        print(
            "\(fast) vs \(replaced)".padding(toLength: 62, withPad: " ", startingAt: 0),
            perCall(fastTime).leftPadded(10), perCall(replacedTime).leftPadded(12), (formatted(ratio, 1) + "x").leftPadded(8) + agree)
    }

    private func best(_ body: () -> Int) -> (Duration, Int) {
        var result = body()  // a warm-up round, also the result
        var fastest = Duration.seconds(3600)
        for _ in 0..<max(1, rounds) {
            let started = ContinuousClock.now
            result = body()
            fastest = min(fastest, ContinuousClock.now - started)
        }
        return (fastest, result)
    }

    /// Links as feeds carry them: post paths, query strings with tracking, fragments, a few unusual ones.
    static func link(_ index: Int, _ generator: inout SeededGenerator) -> String {
        let hosts = ["blog.example.org", "www.news.example.com", "carnet-libriste.example.fr", "code.example.org"]
        let host = hosts[generator.next(hosts.count)]
        switch index % 10 {
        case 0: return "https://\(host)/?p=\(index)&utm_source=rss&utm_medium=feed"
        case 1: return "http://\(host)/\(2020 + index % 6)/\(1 + index % 12)/\(index)-un-titre-assez-long/#comments"
        case 2: return "https://\(host):8443/feeds/\(index)?ref=home"
        default: return "https://\(host)/\(2020 + index % 6)/\(1 + index % 12)/\(1 + index % 28)/article-\(index)/"
        }
    }

    static func storedFeed(_ generator: inout SeededGenerator) -> StoredFeed {
        var feed = StoredFeed(url: "https://blog.example.org/feed/", title: "Le Carnet")
        let content = String(repeating: "<p>Un paragraphe, « avec » des accents et un <a href=\"https://example.org\">lien</a>.</p>", count: 12)
        feed.items = (0..<200).map { index in
            let link = link(index, &generator)
            let item = ParsedItem(
                id: link, title: "Article \(index) : l’été", link: link, published: Date(timeIntervalSince1970: 1.8e9 + Double(index) * 3600),
                authors: ["Odile Marchetti"], categories: ["Libre", "Réseau"], summary: "Résumé \(index)…", content: content)
            return StoredItem(identity: "url:" + link, key: "url:" + link, item: item, firstSeen: Date(timeIntervalSince1970: 1.8e9))
        }
        return feed
    }

    static func state(_ index: Int) -> (url: String, fetch: FetchState) {
        var fetch = FetchState()
        fetch.etag = "\"\(index)-5f3a\""
        fetch.lastModified = "Mon, 02 Nov 2026 10:00:00 GMT"
        fetch.lastFetch = Date(timeIntervalSince1970: 1.8e9 + Double(index))
        fetch.lastSuccess = fetch.lastFetch
        fetch.lastResult = index % 5 == 0 ? "HTTP 503" : "ok"
        fetch.consecutiveFailures = index % 5 == 0 ? 1 : 0
        fetch.nextFetch = Date(timeIntervalSince1970: 1.8e9 + 3600)
        fetch.bodyHash = "0123456789abcdef"
        fetch.itemCount = 200
        fetch.title = "Flux n° \(index) « test »"
        fetch.link = "https://blog.example.org/\(index)/"
        return ("https://blog.example.org/\(index)/feed/", fetch)
    }
}
