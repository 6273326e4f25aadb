import FeedCore
import Foundation

/// One rule of the config: what it does, the tests an item must pass for it to act (all of them), and, for
/// a rule of the top-level `rules:`, the feeds it is limited to.
public struct ItemRule: Sendable, Equatable {
    public enum Action: Sendable, Equatable {
        /// Not stored; a tombstone keeps it from coming back as new.
        case block
        /// Among a feed's keep rules (its own and the global ones), an item that passes none is blocked.
        case keep
        case markRead
        case star
        case tag(String)
    }

    /// The item fields a pattern can look at.
    public enum Field: String, CaseIterable, Sendable {
        case title, url, content, author, category
        case enclosureType = "enclosure_type"
    }

    public enum Test: Sendable, Equatable {
        /// The field, or any one of its values (authors, categories, enclosure types), matches.
        case matches(Field, RulePattern)
        /// Its date (publication, else first sighting) is more than this long ago.
        case olderThan(Duration)
        /// Its publication date is later than now.
        case future
    }

    public var action: Action
    public var tests: [Test]
    /// `feeds:` of a global rule: feed names, URLs or `tag:NAME`; empty for every feed.
    public var feeds: [String]
    /// The config line of the rule, to say which rule did what.
    public var line: Int

    public init(action: Action, tests: [Test], feeds: [String] = [], line: Int) {
        self.action = action
        self.tests = tests
        self.feeds = feeds
        self.line = line
    }

    /// The tag a `tag` rule gives; nil for other actions.
    public var givenTag: String? {
        if case .tag(let tag) = action { return tag }
        return nil
    }

    /// Whether `subject` passes every test.
    public func matches(_ subject: RuleSubject, now: Date) -> Bool {
        tests.allSatisfy { test in
            switch test {
            case .matches(let field, let pattern): subject.some(field, matches: pattern)
            case .olderThan(let age): subject.date < now.addingTimeInterval(-Self.seconds(age))
            case .future: subject.published.map { $0 > now } ?? false
            }
        }
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
