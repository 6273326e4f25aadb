import FeedCore
@testable import FeedConfiguration
import Foundation
import TestSupport
import Testing

/// `feedctl add`, `remove` and `import` edit the file a person wrote: only the entry concerned changes.
struct ConfigEditorTests {
    static let commented = """
        # My feeds — keep this comment «exactly» as it is.
        state_dir: /var/lib/feedd   # where the store lives

        defaults:
          interval: 30m      # check every half hour

        feeds:
          # Blogs first.
          - url: https://blog.example.fr/feed/   # WordPress
            name: Le blog      # a name
            tags: [fr]
            # retention:
            #   max_items: 10

          - url: https://github.com/example-org/outil/releases.atom
            interval: 6h

          # - url: https://old.example/feed   (commented out, kept)

        # Trailing notes stay at the end.
        fetch:
          concurrency: 4
        """ + "\n"

    static func append(_ text: String, _ feeds: [ConfigEditor.NewFeed]) throws -> String {
        var editor = ConfigEditor(text: text, path: "/etc/feedd/config.yaml")
        try editor.append(feeds)
        return editor.text
    }

    static func remove(_ text: String, at index: Int) throws -> String {
        var editor = ConfigEditor(text: text, path: "/etc/feedd/config.yaml")
        try editor.remove(at: index)
        return editor.text
    }

    /// Removing a feed moves the lines of the rules after it: that is not a change of their settings.
    @Test func removingAFeedBeforeOneWithRulesKeepsThem() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("c.yaml", """
            rules:
              - block: {title: "(?i)promo"}
            feeds:
              - url: https://a.example.org/feed
              - url: https://b.example.org/feed
                rules:
                  - keep: {title: "(?i)swift"}
            """ + "\n")
        let config = try ConfigFile.remove(try #require(URL(string: "https://a.example.org/feed")), path: path)
        #expect(config.feeds.map(\.url.absoluteString) == ["https://b.example.org/feed"])
        #expect(config.feeds[0].rules.map(\.line) == [6] && config.rules.map(\.line) == [2])
    }

    @Test func appendGoesAfterTheLastEntryWithItsIndentationAndTouchesNothingElse() throws {
        let edited = try Self.append(
            Self.commented, [ConfigEditor.NewFeed(url: "https://news.example/rss", name: "News", interval: "2h", tags: ["en", "tech"])])
        let inserted = "\n  - url: https://news.example/rss\n    name: News\n    interval: 2h\n    tags: [en, tech]\n"
        // Everything else byte for byte: the original with the entry put in after the last feed's lines.
        #expect(edited == Self.commented.replacingOccurrences(of: "interval: 6h\n", with: "interval: 6h\n" + inserted), "\(edited)")
        let configuration = try Configuration.parse(edited, path: "/etc/feedd/config.yaml")
        #expect(configuration.feeds.map(\.url.absoluteString).last == "https://news.example/rss")
        #expect(configuration.feeds.last?.tags == ["en", "tech"])
        #expect(configuration.fetch.concurrency == 4)
    }

    @Test func valuesThatYAMLWouldReadDifferentlyAreQuoted() throws {
        let names = ["Outil: releases", "C# weekly", "- dash", "yes", "1.5", "« Le Monde » d’hier", "say \"hi\" \\o/", "#hashtag", "tab\there"]
        let feeds = names.enumerated().map { ConfigEditor.NewFeed(url: "https://example.org/\($0.offset)", name: $0.element, tags: [$0.element]) }
        let edited = try Self.append("feeds:\n", feeds)
        let configuration = try Configuration.parse(edited, path: "/c.yaml")
        #expect(configuration.feeds.map(\.name) == names)
        #expect(configuration.feeds.map(\.tags) == names.map { [$0] })
        #expect(edited.contains("    name: « Le Monde » d’hier\n"), "plain when it reads back the same")
    }

    @Test func anEmptyListOfEveryShapeGetsItsFirstFeed() throws {
        let feed = [ConfigEditor.NewFeed(url: "https://a.example/feed")]
        for text in ["feeds:\n", "feeds:", "feeds: []\n", "feeds: ~   # none yet\n", "# c\nfeeds:\n  # add feeds here\nfetch:\n  per_host: 1\n"] {
            let edited = try Self.append(text, feed)
            let configuration = try Configuration.parse(edited, path: "/c.yaml")
            #expect(configuration.feeds.map(\.url.absoluteString) == ["https://a.example/feed"], "\(text) → \(edited)")
        }
        #expect(try Self.append("feeds: ~   # none yet\n", feed) == "feeds:   # none yet\n  - url: https://a.example/feed\n")
        #expect(try Self.append("# c\nfeeds:\n  # add feeds here\nfetch:\n  per_host: 1\n", feed)
            == "# c\nfeeds:\n  - url: https://a.example/feed\n  # add feeds here\nfetch:\n  per_host: 1\n")
    }

    @Test func otherLayoutsKeepTheirOwnStyle() throws {
        let feed = [ConfigEditor.NewFeed(url: "https://b.example/feed", name: "B")]
        // Entries at column 0, a file without a final newline, Windows line endings, wider indentation.
        let columnZero = try Self.append("feeds:\n- url: https://a.example/feed", feed)
        #expect(columnZero == "feeds:\n- url: https://a.example/feed\n- url: https://b.example/feed\n  name: B\n")
        let windows = try Self.append("feeds:\r\n  - url: https://a.example/feed\r\n", feed)
        #expect(windows == "feeds:\r\n  - url: https://a.example/feed\r\n  - url: https://b.example/feed\r\n    name: B\r\n")
        let wide = try Self.append("feeds:\n    -   url: https://a.example/feed\n        name: A\n", feed)
        #expect(wide == "feeds:\n    -   url: https://a.example/feed\n        name: A\n    -   url: https://b.example/feed\n        name: B\n")
    }

    @Test func aFlowListIsRefusedWithTheLine() throws {
        let error = #expect(throws: ConfigError.self) {
            try Self.append("state_dir: s\nfeeds: [{url: https://a.example/feed}]\n", [ConfigEditor.NewFeed(url: "https://b.example/")])
        }
        let message = error?.description ?? ""
        #expect(message.hasPrefix("/etc/feedd/config.yaml:2: `feeds:` is written as a [flow] list"), "\(message)")
    }

    @Test func removeTakesTheEntryWithItsOwnCommentsAndNothingElse() throws {
        let first = try Self.remove(Self.commented, at: 0)
        #expect(first == Self.commented.replacingOccurrences(of: """
              - url: https://blog.example.fr/feed/   # WordPress
                name: Le blog      # a name
                tags: [fr]
                # retention:
                #   max_items: 10

            """, with: ""))
        #expect(try Configuration.parse(first, path: "/c.yaml").feeds.map(\.url.absoluteString) == ["https://github.com/example-org/outil/releases.atom"])

        let last = try Self.remove(Self.commented, at: 1)
        #expect(last == Self.commented.replacingOccurrences(of: """
              - url: https://github.com/example-org/outil/releases.atom
                interval: 6h


            """, with: ""))
        #expect(last.contains("  # - url: https://old.example/feed   (commented out, kept)\n"))

        let none = try Self.remove(try Self.remove(Self.commented, at: 1), at: 0)
        #expect(try Configuration.parse(none, path: "/c.yaml").feeds.isEmpty)
        #expect(none.contains("  # Blogs first.\n"))
        #expect(none.hasSuffix("# Trailing notes stay at the end.\nfetch:\n  concurrency: 4\n"))
    }

    @Test func aCommentInsideAnEntryDoesNotEndIt() throws {
        let text = """
            feeds:
              - url: https://z.example/feed
              - url: https://a.example/feed
            # interval: 1h   (a note at column 0, inside the entry)
                name: A

                # later: https://c.example/feed   (after a blank line: not part of the entry)
            """ + "\n"
        let removed = try Self.remove(text, at: 1)
        #expect(removed == "feeds:\n  - url: https://z.example/feed\n\n    # later: https://c.example/feed   (after a blank line: not part of the entry)\n")
        let added = try Self.append(text, [ConfigEditor.NewFeed(url: "https://b.example/feed")])
        let configuration = try Configuration.parse(added, path: "/c.yaml")
        #expect(configuration.feeds.map(\.name) == [nil, "A", nil])
        #expect(added.contains("    name: A\n  - url: https://b.example/feed\n\n    # later"))
    }

    @Test func lineSeparatorsAreNeverWrittenRaw() throws {
        let name = "A\u{2028}B\u{2029}C"
        let edited = try Self.append("feeds:\n", [ConfigEditor.NewFeed(url: "https://a.example/", name: name)])
        #expect(!edited.unicodeScalars.contains("\u{2028}") && !edited.unicodeScalars.contains("\u{2029}"))
        #expect(try Configuration.parse(edited, path: "/c.yaml").feeds.first?.name == name)
    }

    @Test func aFirstFeedIsIndentedLikeTheRestOfTheDocument() throws {
        let edited = try Self.append("defaults:\n    interval: 1h\nfeeds:\n", [ConfigEditor.NewFeed(url: "https://a.example/", name: "A")])
        #expect(edited == "defaults:\n    interval: 1h\nfeeds:\n    - url: https://a.example/\n      name: A\n")
    }

    /// Configurations in many hand-written shapes (comments at any column, blank lines, indentation, line
    /// endings, keys before and after `feeds:`): adding then removing a feed gives the file back byte for
    /// byte, and every edit reads back with the other feeds unchanged.
    @Test func randomLayoutsSurviveAddAndRemove() throws {
        var random = SeededGenerator(seed: 2026)
        for round in 0..<300 {
            let newline = random.next(2) == 0 ? "\n" : "\r\n"
            let dash = String(repeating: " ", count: random.next(3) * 2)
            let gap = String(repeating: " ", count: 1 + random.next(3))
            let key = dash + " " + gap
            var lines: [String] = ["# config \(round) « été »"]
            if random.next(2) == 0 { lines += ["defaults:", "  interval: 1h   # hourly"] }
            lines.append("feeds:" + (random.next(3) == 0 ? "   # the list" : ""))
            let count = random.next(4)
            for number in 0..<count {
                if random.next(3) == 0 { lines.append("") }
                if random.next(3) == 0 { lines.append(String(repeating: " ", count: random.next(5)) + "# about feed \(number)") }
                lines.append("\(dash)-\(gap)url: https://f\(number).example/feed" + (random.next(2) == 0 ? "  # note" : ""))
                if random.next(2) == 0 { lines.append("\(key)name: Feed \(number)") }
                if random.next(3) == 0 { lines.append(String(repeating: " ", count: random.next(6)) + "# inside \(number)") }
                if random.next(2) == 0 { lines.append("\(key)tags: [t\(number)]") }
            }
            if random.next(2) == 0 { lines += ["", "# after the list", "fetch:", "  per_host: 1"] }
            let text = lines.joined(separator: newline) + (random.next(4) == 0 ? "" : newline)
            let original = try Configuration.parse(text, path: "/c.yaml")
            #expect(original.feeds.count == count, "\(text)")

            let added = try Self.append(text, [ConfigEditor.NewFeed(url: "https://new.example/feed", name: "New: one", tags: ["x"])])
            let withNew = try Configuration.parse(added, path: "/c.yaml")
            #expect(withNew.feeds.dropLast().map(\.url) == original.feeds.map(\.url), "\(added)")
            #expect(withNew.feeds.dropLast().map(\.name) == original.feeds.map(\.name), "\(added)")
            #expect(withNew.feeds.last?.name == "New: one")
            let back = try Self.remove(added, at: count)
            // A file without a final line break gets one when the entry went at its end.
            #expect(back == text || (!text.hasSuffix(newline) && back == text + newline), "round \(round):\n\(text)\n---\n\(back)")
            if count > 0 {
                let index = random.next(count)
                let removed = try Configuration.parse(try Self.remove(text, at: index), path: "/c.yaml")
                var urls = original.feeds.map(\.url)
                urls.remove(at: index)
                #expect(removed.feeds.map(\.url) == urls)
            }
        }
    }

    @Test func addThenRemoveGivesTheFileBackByteForByte() throws {
        let added = try Self.append(Self.commented, [ConfigEditor.NewFeed(url: "https://c.example/feed", tags: ["x"])])
        #expect(try Self.remove(added, at: 2) == Self.commented)
        #expect(throws: ConfigError.self) { try Self.remove(Self.commented, at: 5) }
    }

    static func set(_ text: String, _ key: String, _ value: String?, at index: Int) throws -> String {
        var editor = ConfigEditor(text: text, path: "/etc/feedd/config.yaml")
        try editor.set(key, to: value, at: index)
        return editor.text
    }

    /// The sync API renames feeds and moves them between tags: one line of the entry changes, or one is
    /// added or removed; comments and every other entry stay byte for byte.
    @Test func settingAKeyChangesOnlyItsOwnLines() throws {
        let renamed = try Self.set(Self.commented, "name", ConfigEditor.scalar("Mon « blog »"), at: 0)
        #expect(renamed == Self.commented.replacingOccurrences(of: "    name: Le blog      # a name\n", with: "    name: Mon « blog »      # a name\n"), "its comment stays")
        let tagged = try Self.set(Self.commented, "tags", ConfigEditor.flowList(["fr", "tech news"]), at: 0)
        #expect(tagged == Self.commented.replacingOccurrences(of: "    tags: [fr]\n", with: "    tags: [fr, tech news]\n"))
        // A key the entry lacks goes after its last line, at its keys' column.
        let named = try Self.set(Self.commented, "name", ConfigEditor.scalar("outil"), at: 1)
        #expect(named == Self.commented.replacingOccurrences(of: "    interval: 6h\n", with: "    interval: 6h\n    name: outil\n"))
        let untagged = try Self.set(Self.commented, "tags", nil, at: 0)
        #expect(untagged == Self.commented.replacingOccurrences(of: "    tags: [fr]\n", with: ""))
        #expect(try Self.set(Self.commented, "tags", nil, at: 1) == Self.commented, "nothing to remove")
    }

    @Test(arguments: [
        (" plain", ""), (" plain # note", " # note"), (" plain\t\t#tab", "\t\t#tab"), (" a#b", ""), (" \"quoted # not\" # yes", " # yes"),
        (" 'it''s # not' #yes", " #yes"), (" \"esc \\\" # not\"", ""), (" [a, \"b # c\"] # d", " # d"), (" # only", " # only"),
    ])
    func aCommentIsFoundOutsideQuotesOnly(_ value: String, _ comment: String) {
        #expect(ConfigEditor.trailingComment(Substring(value)) == comment)
    }

    @Test func aBlockListValueIsReplacedWhole() throws {
        let text = """
            feeds:
            - url: https://a.example/feed
              tags:
              - one
              - two
              interval: 1h
            - url: https://b.example/feed

            """
        let edited = try Self.set(text, "tags", ConfigEditor.flowList(["three"]), at: 0)
        #expect(edited == "feeds:\n- url: https://a.example/feed\n  tags: [three]\n  interval: 1h\n- url: https://b.example/feed\n")
        let configuration = try Configuration.parse(edited, path: "c.yaml")
        #expect(configuration.feeds.map(\.tags) == [["three"], []])
        #expect(throws: ConfigError.self) { try Self.set(text, "url", nil, at: 1) }
    }

    @Test func updatingThroughTheFileKeepsEverythingElse() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("c.yaml", Self.commented)
        let written = try ConfigFile.update(
            try #require(URL(string: "https://github.com/example-org/outil/releases.atom")), name: .some("Outil"), tags: ["dev"], path: path)
        #expect(written.feeds[1].name == "Outil" && written.feeds[1].tags == ["dev"])
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text == Self.commented.replacingOccurrences(of: "    interval: 6h\n", with: "    interval: 6h\n    name: Outil\n    tags: [dev]\n"))
    }
}
