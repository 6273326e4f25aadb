/// What the configured rules decide for one item (see `FeedRules.RuleSet`): kept out of the store, or
/// stored and marked read, starred, tagged.
public struct RuleVerdict: Sendable, Equatable {
    /// Not stored: it leaves a tombstone instead, so it never comes back as new.
    public var blocked = false
    /// Blocked because the feed has keep rules and it passes none of them.
    public var keptOut = false
    public var markRead = false
    public var star = false
    /// Tags the rules give it, in the order the rules come, each once.
    public var tags: [String] = []
    /// The config lines of the rules that decided it, in the order they were applied: those that matched,
    /// or, for an item kept out, the keep rules it passed none of.
    public var lines: [Int] = []

    public init(
        blocked: Bool = false, keptOut: Bool = false, markRead: Bool = false, star: Bool = false, tags: [String] = [],
        lines: [Int] = []
    ) {
        self.blocked = blocked
        self.keptOut = keptOut
        self.markRead = markRead
        self.star = star
        self.tags = tags
        self.lines = lines
    }

    /// Whether the rules do anything to the item.
    public var acts: Bool { blocked || markRead || star || !tags.isEmpty }
}
