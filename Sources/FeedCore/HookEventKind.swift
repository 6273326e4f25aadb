/// What a hook can be told of.
public enum HookEventKind: String, Sendable, Codable, CaseIterable, Comparable {
    /// Items a refresh of one feed stored for the first time.
    case newItems = "new_items"
    /// Items starred by a person or by a rule.
    case starred

    public static func < (a: HookEventKind, b: HookEventKind) -> Bool { a.rawValue < b.rawValue }
}
