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

    @Test func everyFixtureHasAnExpectation() {
        #expect(Self.fixtures.count >= 19)
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
