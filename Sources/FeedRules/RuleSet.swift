import FeedCore
import Foundation

/// The rules that apply to one feed, and what they decide for an item, in this order: the global block
/// rules, then the feed's own; then the keep rules (global and the feed's: an item that passes none of
/// them is blocked); then, for an item not blocked, every mark_read, star and tag rule it passes, global
/// ones first. Pure: the same item and time give the same verdict.
public struct RuleSet: Sendable, Equatable {
    /// The global rules that apply to the feed, in config order.
    public let global: [ItemRule]
    /// The feed's own rules, in config order.
    public let own: [ItemRule]
    /// Both, in the order they are tried.
    private let all: [ItemRule]
    /// The fields the rules' patterns read: the others are not prepared for them (the content costs
    /// turning into text, every field a copy of its bytes).
    public let fields: Set<ItemRule.Field>

    public init(global: [ItemRule] = [], own: [ItemRule] = []) {
        self.global = global
        self.own = own
        all = global + own
        var fields: Set<ItemRule.Field> = []
        for rule in all {
            for case .matches(let field, _) in rule.tests { fields.insert(field) }
        }
        self.fields = fields
    }

    public var isEmpty: Bool { all.isEmpty }

    public func verdict(for subject: RuleSubject, now: Date) -> RuleVerdict {
        var verdict = RuleVerdict()
        for rule in all where rule.action == .block && rule.matches(subject, now: now) {
            return RuleVerdict(blocked: true, lines: [rule.line])
        }
        let keeps = all.filter { $0.action == .keep }
        if !keeps.isEmpty {
            guard let kept = keeps.first(where: { $0.matches(subject, now: now) }) else {
                return RuleVerdict(blocked: true, keptOut: true, lines: keeps.map(\.line))
            }
            verdict.lines.append(kept.line)
        }
        // Block and keep rules were decided above; their patterns are not matched again.
        for rule in all where rule.action != .block && rule.action != .keep && rule.matches(subject, now: now) {
            switch rule.action {
            case .block, .keep: continue
            case .markRead: verdict.markRead = true
            case .star: verdict.star = true
            case .tag(let tag): if !verdict.tags.contains(tag) { verdict.tags.append(tag) }
            }
            verdict.lines.append(rule.line)
        }
        return verdict
    }

    /// `verdict` with only the lines of the rules that do what it still says (after a caller dropped the
    /// parts already done: a tag the item has, a read mark it has).
    public func trimmingLines(of verdict: RuleVerdict) -> RuleVerdict {
        guard !verdict.blocked else { return verdict }
        var trimmed = verdict
        let actions = Dictionary(all.map { ($0.line, $0.action) }, uniquingKeysWith: { first, _ in first })
        trimmed.lines = verdict.lines.filter { line in
            switch actions[line] {
            case .markRead?: verdict.markRead
            case .star?: verdict.star
            case .tag(let tag)?: verdict.tags.contains(tag)
            case .block?, .keep?, nil: false
            }
        }
        return trimmed
    }

    /// The verdict for a stored item.
    public func verdict(for item: StoredItem, now: Date) -> RuleVerdict {
        verdict(for: RuleSubject(item, fields: fields), now: now)
    }
}
