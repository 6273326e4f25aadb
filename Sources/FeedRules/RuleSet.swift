import FeedCore
import Foundation

/// The rules that apply to one feed, and what they decide for an item, in this order: the global block
/// rules, then the feed's own; then the keep rules (global and the feed's: an item that passes none of
/// them is blocked); then, for an item not blocked, every mark_read, star and tag rule it passes, global
/// ones first. Pure: the same item and time give the same verdict.
public struct RuleSet: Sendable, Equatable {
    /// The global rules that apply to the feed, in config order.
    public var global: [ItemRule]
    /// The feed's own rules, in config order.
    public var own: [ItemRule]

    public init(global: [ItemRule] = [], own: [ItemRule] = []) {
        self.global = global
        self.own = own
    }

    public var isEmpty: Bool { global.isEmpty && own.isEmpty }

    /// Whether any rule looks at the content, which costs turning it into text.
    public var readsContent: Bool { (global + own).contains { $0.readsContent } }

    public func verdict(for subject: RuleSubject, now: Date) -> RuleVerdict {
        var verdict = RuleVerdict()
        for rule in global + own where rule.action == .block && rule.matches(subject, now: now) {
            return RuleVerdict(blocked: true, lines: [rule.line])
        }
        let keeps = (global + own).filter { $0.action == .keep }
        if !keeps.isEmpty {
            guard let kept = keeps.first(where: { $0.matches(subject, now: now) }) else {
                return RuleVerdict(blocked: true, keptOut: true, lines: keeps.map(\.line))
            }
            verdict.lines.append(kept.line)
        }
        for rule in global + own where rule.matches(subject, now: now) {
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

    /// The verdict for a stored item.
    public func verdict(for item: StoredItem, now: Date) -> RuleVerdict {
        verdict(for: RuleSubject(item, withContent: readsContent), now: now)
    }
}
