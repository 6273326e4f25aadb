import FeedConfiguration
import Foundation
import Testing

struct ConfigScopeTests {
    static let yaml = """
        # feeds first, the rest after them
        feeds:
          - url: https://blog.example.org/feed
            name: Blog
            tags: [rust]
          # a comment between entries
          - url: https://news.example.org/rss

        state_dir: /var/lib/feedd-test
        rules:
          - block: {title: "(?i)sponsored", feeds: [Blog]}
        hooks:
          - name: stars
            exec: [/usr/bin/true]
            events: [starred]
            feeds: [tag:rust]
        """

    @Test func withoutFeedsReadsEverySectionButTheFeedList() throws {
        let whole = try Configuration.parse(Self.yaml, path: "/etc/feedd/config.yaml")
        let light = try Configuration.parse(Self.yaml, path: "/etc/feedd/config.yaml", scope: .withoutFeeds)
        #expect(whole.feeds.count == 2 && whole.scope == .whole)
        #expect(light.feeds.isEmpty && light.scope == .withoutFeeds)
        #expect(light.stateDirectory == whole.stateDirectory)
        #expect(light.hooks == whole.hooks)
        #expect(light.rules == whole.rules && light.rules.count == 1)
    }

    @Test func anErrorAfterTheFeedListNamesTheSameLine() throws {
        let broken = Self.yaml + "\ndefaults:\n  interval: soon\n"
        var lines: [Int?] = []
        for scope in [ConfigScope.whole, .withoutFeeds] {
            do {
                _ = try Configuration.parse(broken, path: "/c.yaml", scope: scope)
            } catch {
                lines.append(error.line)
            }
        }
        let line = broken.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains("soon") }.map { $0 + 1 }
        #expect(lines == [line, line])
    }

    @Test func aBrokenFeedEntryDoesNotStopACommandThatNeedsNoFeeds() throws {
        let yaml = "state_dir: /srv/state\nfeeds:\n  - name: no url here\n"
        #expect(throws: ConfigError.self) { try Configuration.parse(yaml, path: "/c.yaml") }
        #expect(try Configuration.parse(yaml, path: "/c.yaml", scope: .withoutFeeds).stateDirectory?.path == "/srv/state")
    }

    @Test func aFileNotWrittenPlainlyIsReadWhole() throws {
        let cases = [
            "---\nstate_dir: /s\nfeeds:\n  - url: https://a.example.org/f\n",  // a document marker
            "state_dir: /s\nfeeds: [{url: https://a.example.org/f}]\n",  // a flow list
            // An anchor in the list that a later section refers to.
            "feeds:\n  - url: https://a.example.org/f\n    tags: [&t x]\nstate_dir: /s\nrules:\n  - tag: {title: a, tag: *t}\n",
            "{state_dir: /s, feeds: [{url: https://a.example.org/f}]}\n",  // a flow mapping
            "\"feeds\":\n  - url: https://a.example.org/f\nstate_dir: /s\n",  // a quoted key
        ]
        for yaml in cases {
            let configuration = try? Configuration.parse(yaml, path: "/c.yaml", scope: .withoutFeeds)
            let whole = try? Configuration.parse(yaml, path: "/c.yaml")
            #expect(configuration == whole, "read whole: \(yaml)")
            #expect(configuration?.stateDirectory?.path == "/s", "\(yaml)")
        }
    }

    @Test func windowsLineEndingsAreLeftOutToo() throws {
        let yaml = "feeds:\r\n  - url: https://a.example.org/f\r\nstate_dir: /srv/crlf\r\n"
        let light = try Configuration.parse(yaml, path: "/c.yaml", scope: .withoutFeeds)
        #expect(light.scope == .withoutFeeds && light.stateDirectory?.path == "/srv/crlf")
    }
}
