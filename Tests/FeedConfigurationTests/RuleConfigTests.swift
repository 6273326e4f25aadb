import FeedConfiguration
import FeedCore
import FeedModel
import FeedRules
import Foundation
import Testing

struct RuleConfigTests {
    static let yaml = """
        rules:
          - block: {title: "(?i)sponsored|promo"}
          - block: {category: "^Podcast$", feeds: [tag:news]}
          - mark_read: {author: dependabot, older_than: 30d}
          - star: {title: "(?i)security advisory"}
          - tag: {content: "(?i)kubernetes", tag: k8s, feeds: Le Blog}
        feeds:
          - url: https://blog.example.fr/feed/
            name: Le Blog
            rules:
              - keep: {title: "(?i)swift|linux"}
          - url: https://news.example.es/rss
            tags: [news]
        """

    @Test func rulesAreReadGlobalAndPerFeedAndEachFeedGetsItsOwnSet() throws {
        let config = try Configuration.parse(Self.yaml, path: "/etc/feedd/config.yaml")
        #expect(config.rules.map(\.line) == [2, 3, 4, 5, 6])
        #expect(config.rules.map(\.action) == [.block, .block, .markRead, .star, .tag("k8s")])
        #expect(config.rules[2].tests.count == 2)
        let blog = config.ruleSet(for: config.feeds[0])
        let news = config.ruleSet(for: config.feeds[1])
        #expect(blog.global.map(\.line) == [2, 4, 5, 6] && blog.own.map(\.line) == [11])
        #expect(news.global.map(\.line) == [2, 3, 4, 5] && news.own.isEmpty)
    }

    /// A mistake in a rule is the config's: refused with its file and line, like any other.
    @Test(arguments: [
        ("rules:\n  - block: {title: \"(?i)[promo\"}\nfeeds: []\n", 2, "`title` pattern `(?i)[promo` is not a regular expression (ICU syntax, see README)"),
        ("rules:\n  - block: {subject: x}\nfeeds: []\n", 2, "unknown key `subject` in a `block` rule"),
        ("rules:\n  - block: {title: a}\n    star: {title: b}\nfeeds: []\n", 2, "a rule is one of block, keep, mark_read, star, tag"),
        ("rules:\n  - drop: {title: a}\nfeeds: []\n", 2, "a rule is one of block, keep, mark_read, star, tag"),
        ("rules:\n  - tag: {title: a}\nfeeds: []\n", 2, "a `tag` rule needs `tag: NAME`"),
        ("rules:\n  - star: {}\nfeeds: []\n", 2, "a `star` rule needs a test"),
        ("rules:\n  - star: {older_than: soon}\nfeeds: []\n", 2, "bad duration `soon` for `older_than`"),
        ("rules:\n  - block: {title: a, feeds: [tag:nwes]}\nfeeds:\n  - url: https://a.example/f\n    tags: [news]\n", 2,
         "the rule's `feeds:` entry `tag:nwes` names no feed"),
        ("feeds:\n  - url: https://a.example/f\n    rules:\n      - block: {title: a, feeds: [x]}\n", 4, "unknown key `feeds` in a `block` rule"),
    ])
    func mistakesAreRefusedWithTheirLine(_ yaml: String, _ line: Int, _ message: String) {
        do {
            _ = try Configuration.parse(yaml, path: "c.yaml")
            Issue.record("accepted: \(yaml)")
        } catch {
            #expect(error.line == line, "\(error)")
            #expect(error.message.hasPrefix(message), "\(error.message)")
        }
    }
}
