import FeedModel
import FeedParser
import Foundation
import Testing

/// Every fixture, parsed and compared with its expected result in `Expected/NAME.json` (written from MANIFEST.md).
struct FixtureFeedTests {
    static let testsDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    static let repositoryRoot = testsDirectory.deletingLastPathComponent().deletingLastPathComponent()

    /// Fixture files, by the name their expectation carries.
    static let fixtures: [String] = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: testsDirectory.appendingPathComponent("Expected").path)) ?? []
        return names.filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }.sorted()
    }()

    static func fixtureURL(_ name: String) -> URL {
        let local = testsDirectory.appendingPathComponent("Fixtures/\(name)")
        if FileManager.default.fileExists(atPath: local.path) { return local }
        return repositoryRoot.appendingPathComponent("config/examples/\(name)")
    }

    static func expectation(_ name: String) throws -> [String: Any] {
        let data = try Data(contentsOf: testsDirectory.appendingPathComponent("Expected/\(name).json"))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    /// Both ways: a fixture (or bundled sample) without an expectation would never be parsed by the tests,
    /// and an expectation without its fixture would fail as unreadable.
    @Test func everyFixtureHasAnExpectation() throws {
        let fixtures = try FileManager.default.contentsOfDirectory(atPath: Self.testsDirectory.appendingPathComponent("Fixtures").path)
            .filter { $0 != "MANIFEST.md" }
        let samples = try FileManager.default.contentsOfDirectory(atPath: Self.repositoryRoot.appendingPathComponent("config/examples").path)
        let expected = Set(Self.fixtures)
        for name in fixtures + samples { #expect(expected.contains(name), "\(name) has no Expected/\(name).json") }
        for name in expected { #expect(FileManager.default.fileExists(atPath: Self.fixtureURL(name).path), "no fixture for \(name)") }
        #expect(fixtures.count >= 26)
    }

    @Test(arguments: fixtures)
    func parsesAsExpected(_ name: String) throws {
        let expected = try Self.expectation(name)
        let data = try Data(contentsOf: Self.fixtureURL(name))
        let url = URL(string: name.hasSuffix(".html") ? "https://blog.example.net/" : "https://feeds.example.org/\(name)")
        if let feeds = expected["feeds"] as? [[String: Any]] {
            #expect(throws: FeedParseError.htmlPage(alternates: feeds.compactMap { $0["url"] as? String })) {
                try StreamingFeedParser.parse(data, url: url)
            }
            return
        }
        if name.hasPrefix("hostile-billion-laughs") {
            #expect(throws: FeedParseError.self) { try StreamingFeedParser.parse(data, url: url) }
            return
        }
        let feed: ParsedFeed
        do {
            feed = try StreamingFeedParser.parse(data, url: url)
        } catch {
            Issue.record("\(name): \(error)")
            return
        }
        #expect(feed.format.rawValue == expected["format"] as? String, "\(name)")
        let items = try #require(expected["items"] as? [[String: Any]])
        try #require(feed.items.count == items.count, "\(name): \(feed.items.count) items, warnings: \(feed.warnings)")
        for (item, want) in zip(feed.items, items) {
            #expect(item.title == want["title"] as? String, "\(name)")
            #expect(item.link == want["link"] as? String, "\(name)")
            #expect(item.id == want["id"] as? String, "\(name)")
            #expect(item.published.map(UTCTimestamp.format) == want["published"] as? String, "\(name): \(item.title ?? "")")
            #expect(item.authors == (want["authors"] as? [String] ?? []), "\(name)")
            #expect(item.categories == (want["categories"] as? [String] ?? []), "\(name)")
            #expect(item.enclosures.map(\.url) == (want["enclosures"] as? [String] ?? []), "\(name)")
        }
        let everything = feed.items.flatMap { [$0.title, $0.summary, $0.content, $0.link] }.compactMap { $0 }.joined()
        #expect(!everything.contains("root:"), "no file content may leak into a feed")
    }

    /// What MANIFEST.md says of the text, encoding and date fixtures beyond the fields every fixture has.
    @Test func textEncodingAndDateFixturesInDetail() throws {
        func parse(_ name: String) throws -> ParsedFeed {
            try StreamingFeedParser.parse(try Data(contentsOf: Self.fixtureURL(name)), url: URL(string: "https://feeds.example.org/\(name)"))
        }
        let rust = try parse("rust-blog-generics.atom")
        #expect(rust.items[0].summary?.contains("<a href=\"https://blog.ferrum.example/2026/11/21/slices/\">") == true)
        #expect(rust.items[1].content?.contains("<img src=\"https://blog.ferrum.example/images/blanket.svg\"") == true)
        #expect(rust.items[0].summary?.contains("<code>Vec&lt;T&gt;</code>") == true, "markup in a summary stays markup")

        let css = try parse("css-news-element-names.xml")
        #expect(css.items[3].content?.contains("href=\"https://cascade-weekly.example.com/demos/cq/\"") == true)

        for name in ["spanish-windows-1252-undeclared.xml", "catalan-windows-1252-undeclared.xml"] {
            #expect(try parse(name).warnings == ["no encoding declared and the bytes are not UTF-8: read as windows-1252"], "\(name)")
        }
        let spanish = try parse("spanish-windows-1252-undeclared.xml")
        #expect(spanish.items[0].summary == "Los agricultores miran al cielo… y al mercado. “Será un año difícil”, dice la cooperativa.")
        #expect(try parse("catalan-windows-1252-undeclared.xml").items[0].summary?.contains("Col·laboració de l’Ajuntament") == true)

        let photos = try parse("media-rss-photo-uploads.xml")
        #expect(photos.items.map(\.thumbnail) == [
            "https://live.static.lumen-photos.example.com/65535/5310021_s.jpg", "https://live.static.lumen-photos.example.com/65535/5298770_s.jpg",
        ])
        #expect(photos.items[0].summary?.contains("<a href=\"https://www.lumen-photos.example.com/photos/saanvik/5310021/\">") == true)

        let podcast = try parse("old-itunes-podcast.xml")
        #expect(podcast.items.map(\.durationSeconds) == [3478, 3125, 3931])
        #expect(podcast.items[1].summary == "What really goes in the heap", "itunes:subtitle stands in")
        #expect(podcast.items.allSatisfy { $0.explicit == nil })
    }

    /// Streaming: the result is the same wherever curl happens to cut the body, including inside UTF-8 sequences.
    @Test(arguments: ["carnet-du-libriste.xml", "utf16-bom.xml", "windows-1252-labelled-iso-8859-1.xml",
                      "rss2-undeclared-html-entities.xml", "atom-github-releases.atom", "rss2-unescaped-ampersand.xml"])
    func resultDoesNotDependOnChunkBoundaries(_ name: String) throws {
        let data = try Data(contentsOf: Self.fixtureURL(name))
        let url = URL(string: "https://feeds.example.org/\(name)")
        let whole = try StreamingFeedParser.parse(data, url: url)
        for offset in 1..<data.count {
            guard try parsedInTwoChunks(data, at: offset, url: url) == whole else {
                Issue.record("\(name) differs when split at byte \(offset)")
                return
            }
        }
        let bytewise = StreamingFeedParser(url: url)
        for index in data.indices { bytewise.append(data[index...index]) }
        #expect(try bytewise.finish() == whole)
    }
}
