import FeedRules
import Foundation
import Yams

extension NodeReader {
    /// The actions a rule may take, as written.
    static let ruleActions = ["block", "keep", "mark_read", "star", "tag"]

    /// A `rules:` list: each entry one action, whose mapping holds its tests (all must pass), and for a
    /// global rule `feeds:`, for a tag rule `tag:`.
    ///
    /// ```yaml
    /// rules:
    ///   - block: {title: "(?i)sponsored"}
    ///   - tag: {content: "(?i)kubernetes", tag: k8s, feeds: [tag:news]}
    /// ```
    func rules(_ node: Node, global: Bool) throws(ConfigError) -> [ItemRule] {
        var rules: [ItemRule] = []
        for entry in try sequence(node, key: "rules") {
            guard let mapping = entry.mapping, mapping.count == 1, let (actionNode, body) = mapping.first,
                let action = actionNode.string, Self.ruleActions.contains(action)
            else {
                throw fail(entry, "a rule is one of \(Self.ruleActions.joined(separator: ", ")) with its tests, like `- block: {title: \"(?i)sponsored\"}`")
            }
            rules.append(try rule(action, body, line: line(actionNode) ?? 0, global: global))
        }
        return rules
    }

    private func rule(_ action: String, _ body: Node, line: Int, global: Bool) throws(ConfigError) -> ItemRule {
        let fields = ItemRule.Field.allCases.map(\.rawValue)
        var allowed = Set(fields + ["older_than", "future"])
        if global { allowed.insert("feeds") }
        if action == "tag" { allowed.insert("tag") }
        let entries = try mapping(body, allowed: allowed, what: "a `\(action)` rule")
        var tests: [ItemRule.Test] = []
        // In the order written, so a report lists them as the person wrote them.
        for (keyNode, value) in body.mapping.map(Array.init) ?? [] {
            guard let key = keyNode.string else { continue }
            if let field = ItemRule.Field(rawValue: key) {
                let source = try string(value, key: key)
                guard let pattern = RulePattern(source) else {
                    throw fail(value, "`\(key)` pattern `\(source)` is not a regular expression (ICU syntax, see README)")
                }
                tests.append(.matches(field, pattern))
            } else if key == "older_than" {
                tests.append(.olderThan(try duration(value, key: "older_than")))
            } else if key == "future" {
                if try boolean(value, key: "future") { tests.append(.future) }
            }
        }
        guard !tests.isEmpty else {
            throw fail(body, "a `\(action)` rule needs a test: one of \(fields.joined(separator: ", ")), older_than, future")
        }
        let kind: ItemRule.Action
        switch action {
        case "block": kind = .block
        case "keep": kind = .keep
        case "mark_read": kind = .markRead
        case "star": kind = .star
        default:
            guard let tagNode = entries["tag"] else { throw fail(body, "a `tag` rule needs `tag: NAME`, the tag it gives") }
            kind = .tag(try string(tagNode, key: "tag"))
        }
        var feeds: [String] = []
        if let node = entries["feeds"] {
            if node.sequence == nil { feeds = [try string(node, key: "feeds")] }
            for element in node.sequence ?? [] { feeds.append(try string(element, key: "feeds")) }
        }
        return ItemRule(action: kind, tests: tests, feeds: feeds, line: line)
    }
}
