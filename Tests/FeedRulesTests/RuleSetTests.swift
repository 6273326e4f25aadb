import FeedCore
import FeedModel
@_spi(Benchmarks) @testable import FeedRules
import Foundation
import Testing

struct RuleSetTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    static func item(
        title: String = "Un titre", link: String = "https://blog.example.fr/2026/un-titre", content: String? = nil,
        authors: [String] = [], categories: [String] = [], enclosureTypes: [String] = [], published: Date? = now
    ) -> StoredItem {
        StoredItem(
            identity: "id:" + title, key: "feed:x|id:" + title,
            item: ParsedItem(
                title: title, link: link, published: published, authors: authors, categories: categories, content: content,
                enclosures: enclosureTypes.map { Enclosure(url: "https://cdn.example.fr/a", type: $0) }),
            firstSeen: now)
    }

    static func rule(_ action: ItemRule.Action, _ tests: [ItemRule.Test], line: Int = 1) -> ItemRule {
        ItemRule(action: action, tests: tests, line: line)
    }

    static func pattern(_ field: ItemRule.Field, _ source: String) -> ItemRule.Test {
        guard let compiled = RulePattern(source) else { preconditionFailure("test pattern \(source)") }
        return .matches(field, compiled)
    }

    /// Each field, a value that matches and one that does not.
    @Test(arguments: [
        (pattern(.title, "(?i)sponsoris"), item(title: "Article SPONSORISÉ : « offre »"), item(title: "Rust 1.90 et Vec<T>")),
        (pattern(.url, "/sponsored/"), item(link: "https://news.example.es/sponsored/oferta"), item(link: "https://news.example.es/ciencia/1")),
        (pattern(.content, "\\bKubernetes\\b"), item(content: "<p>Déployer <b>Kubernetes</b>&nbsp;sur un VPS</p>"),
         item(content: "<p><a href=\"https://kubernetes.io\">lien</a> sans le mot</p>")),
        (pattern(.author, "^dependabot"), item(authors: ["Zoé", "dependabot[bot]"]), item(authors: ["Zoé"])),
        (pattern(.category, "^Podcast$"), item(categories: ["Tech", "Podcast"]), item(categories: ["Podcasts"])),
        (pattern(.enclosureType, "^audio/"), item(enclosureTypes: ["image/png", "audio/mpeg"]), item(enclosureTypes: ["video/mp4"])),
        (.olderThan(.seconds(30 * 86_400)), item(published: now.addingTimeInterval(-31 * 86_400)), item(published: now.addingTimeInterval(-29 * 86_400))),
        (.future, item(published: now.addingTimeInterval(3600)), item(published: now.addingTimeInterval(-60))),
    ])
    func eachFieldMatchesWhatItSays(_ test: ItemRule.Test, _ matching: StoredItem, _ other: StoredItem) {
        let rules = RuleSet(global: [Self.rule(.block, [test], line: 7)])
        #expect(rules.verdict(for: matching, now: Self.now) == RuleVerdict(blocked: true, lines: [7]))
        #expect(rules.verdict(for: other, now: Self.now) == RuleVerdict())
    }

    @Test func everyTestOfARuleMustPass() {
        let rules = RuleSet(own: [Self.rule(.markRead, [Self.pattern(.title, "(?i)release"), Self.pattern(.author, "bot")])])
        #expect(rules.verdict(for: Self.item(title: "Release 2.0", authors: ["ci-bot"]), now: Self.now).markRead)
        #expect(!rules.verdict(for: Self.item(title: "Release 2.0", authors: ["Ana"]), now: Self.now).markRead)
    }

    /// Per action: what the verdict says, and that a blocked item gets no other action.
    @Test func actionsCombineAndABlockEndsThem() {
        let rules = RuleSet(
            global: [
                Self.rule(.block, [Self.pattern(.title, "(?i)promo")], line: 2),
                Self.rule(.star, [Self.pattern(.title, "(?i)security advisory")], line: 3),
                Self.rule(.tag("k8s"), [Self.pattern(.content, "(?i)kubernetes")], line: 4),
            ],
            own: [
                Self.rule(.markRead, [Self.pattern(.author, "dependabot")], line: 10),
                Self.rule(.tag("k8s"), [Self.pattern(.title, "(?i)kube")], line: 11),
                Self.rule(.tag("sec"), [Self.pattern(.title, "(?i)security")], line: 12),
            ])
        let advisory = Self.item(title: "Security advisory: kube-proxy", content: "<p>Kubernetes 1.34</p>", authors: ["dependabot"])
        #expect(
            rules.verdict(for: advisory, now: Self.now)
                == RuleVerdict(markRead: true, star: true, tags: ["k8s", "sec"], lines: [3, 4, 10, 11, 12]))
        let promo = Self.item(title: "Promo: security advisory", authors: ["dependabot"])
        #expect(rules.verdict(for: promo, now: Self.now) == RuleVerdict(blocked: true, lines: [2]))
    }

    /// Global block rules first, then the feed's; then keep rules: one that passes none is kept out.
    @Test func blocksComeBeforeKeepsAndKeepsKeepOutTheRest() {
        let rules = RuleSet(
            global: [Self.rule(.block, [Self.pattern(.title, "(?i)sponsored")], line: 3)],
            own: [
                Self.rule(.keep, [Self.pattern(.title, "(?i)swift|linux")], line: 20),
                Self.rule(.keep, [Self.pattern(.category, "^Rust$")], line: 21),
                Self.rule(.star, [Self.pattern(.title, "6\\.3")], line: 22),
            ])
        #expect(rules.verdict(for: Self.item(title: "Sponsored: Swift on Linux"), now: Self.now) == RuleVerdict(blocked: true, lines: [3]))
        #expect(rules.verdict(for: Self.item(title: "Swift 6.3 est là"), now: Self.now) == RuleVerdict(star: true, lines: [20, 22]))
        #expect(rules.verdict(for: Self.item(title: "Vec<T>", categories: ["Rust"]), now: Self.now) == RuleVerdict(lines: [21]))
        #expect(
            rules.verdict(for: Self.item(title: "Une recette de crêpes"), now: Self.now)
                == RuleVerdict(blocked: true, keptOut: true, lines: [20, 21]))
    }

    /// What is done already is dropped by `rules test`; the lines it shows are those of what is left.
    @Test func trimmedVerdictsNameOnlyTheRulesThatStillAct() {
        let rules = RuleSet(own: [
            Self.rule(.keep, [Self.pattern(.title, "(?i)swift")], line: 2),
            Self.rule(.markRead, [Self.pattern(.title, "(?i)release")], line: 3),
            Self.rule(.tag("swift"), [Self.pattern(.title, "(?i)swift")], line: 4),
            Self.rule(.star, [Self.pattern(.title, "6\\.3")], line: 5),
        ])
        var verdict = rules.verdict(for: Self.item(title: "Swift 6.3 release"), now: Self.now)
        #expect(verdict == RuleVerdict(markRead: true, star: true, tags: ["swift"], lines: [2, 3, 4, 5]))
        verdict.markRead = false  // read already
        verdict.tags = []  // tagged already
        #expect(rules.trimmingLines(of: verdict) == RuleVerdict(star: true, lines: [5]))
    }

    @Test func aPatternThatIsNotARegularExpressionIsRefused() {
        #expect(RulePattern("(?i)[sponsored") == nil)
        #expect(RulePattern("(unclosed") == nil)
        #expect(RulePattern("«\\s*promo\\s*»") != nil)
    }
}

/// Patterns that are words are searched for as bytes before the expression runs: that search may only
/// ever say "no" where the expression says no too.
struct RequiredLiteralsTests {
    static let patterns = [
        "(?i)sponsored|promo", "^dependabot", "\\bkubernetes\\b", "(?i)\\bfi\\b", "(?i)strasse", "(?i)k8s", "Été",
        "c\\+\\+|c\\#", "\\^caret\\$", "a$|^b", "(?i)ss", "(?i)is", "(?i)zéphyrin", "(?i)\\bÉté brûlant",
        "x|\u{301}", "^\u{301}abc",  // read by scalars: a combining mark after `|` or `^` is a literal of its own
    ]
    static let texts = [
        "", "Sponsored", "SPONSORED post", "une PROMO", "dependabot[bot]", "by dependabot", "Kubernetes", "kubernetes 1.34",
        "mykubernetes", "le ﬁ de l’histoire", "Fi!", "Straße", "STRASSE", "K8s", "K8S avec le signe Kelvin", "Été 2026",
        "été 2026", "C++ et C#", "^caret$", "xa", "bx", "ſ et s", "İstanbul", "ß", "ΣΊΣΥΦΟΣ", "no match at all",
        "Le mot ZÉPHYRIN", "zephyrin sans accent", "un été brûlant", "UN ÉTÉ BRÛLANT", "ÉTÉ BRÛLANT", "zéphyrin ﬁ",
        "x", "ae\u{301}", "1\u{FE0F}\u{20E3}", "\u{301}abc",
    ]

    @Test func theWordSearchNeverSaysNoWhereTheExpressionSaysYes() throws {
        for source in Self.patterns {
            let pattern = try #require(RulePattern(source))
            #expect(pattern.searchesWordsFirst, "\(source) is words")
            for text in Self.texts {
                #expect(pattern.matches(text) == pattern.matchesByExpression(RuleText(text)), "\(source) on \(text)")
            }
        }
    }

    @Test func patternsThatAreNotWordsGoToTheExpressionAlone() throws {
        for source in [
            "(?i)é+", "a.b", "\\d{4}", "[Pp]romo", "(?x) a b", "foo\\bbar", "(?i)été", "\\w+", "(a)|b", "(?i)çà",
            // A metacharacter a combining mark or variation selector follows is still a metacharacter.
            "a.\u{301}", "a*\u{FE0F}\u{20E3}",
        ] {
            #expect(try #require(RulePattern(source)).searchesWordsFirst == false, "\(source)")
        }
    }
}
