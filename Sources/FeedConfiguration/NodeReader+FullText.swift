import FeedCore
import Yams

extension NodeReader {
    /// `full_text: never | auto | always` and `full_text_limit: N` of a feed entry or `defaults`, over `base`.
    func fullText(_ fields: [String: Node], base: FullTextPolicy) throws(ConfigError) -> FullTextPolicy {
        var policy = base
        if let node = fields["full_text"] {
            let text = try string(node, key: "full_text")
            guard let mode = FullTextPolicy.Mode(rawValue: text.lowercased()) else {
                throw fail(node, "`full_text` must be never, auto or always, not `\(text)`")
            }
            policy.mode = mode
        }
        if let node = fields["full_text_limit"] { policy.limit = try integer(node, key: "full_text_limit", in: 1...100) }
        return policy
    }
}
