import FeedModel
import Foundation

/// Finds the stored item a link-derived identity stood for under the other form: `url:K` (its link was the
/// only one of its kind) and `lt:K|title` (other items shared it), as links start or stop repeating, and
/// as stores from before link-alone identities are read. An item found is claimed, so it matches once.
struct LinkIdentityMatcher {
    /// Stored items by the link key of their link-derived identity, except those the document names as
    /// they are.
    private var byLink: [String: [Int]] = [:]
    private let titles: [String?]

    init(items: [StoredItem], claimed: Set<String>) {
        titles = items.map(\.title)
        for (index, item) in items.enumerated() where !claimed.contains(item.identity) {
            if let key = ItemIdentity.linkKey(ofLinkIdentity: item.identity) { byLink[key, default: []].append(index) }
        }
    }

    /// The index of the stored item `identity` (of a document item titled `title`) stands for, if any: one
    /// with the same link and title, else, for a link no longer shared, the only one with that link.
    mutating func match(_ identity: String, title: String?) -> Int? {
        guard let key = ItemIdentity.linkKey(ofLinkIdentity: identity), let candidates = byLink[key] else { return nil }
        let chosen = candidates.firstIndex { titles[$0] == title }
            ?? (candidates.count == 1 && !identity.hasPrefix("lt:") ? 0 : nil)
        guard let chosen else { return nil }
        let index = candidates[chosen]
        byLink[key]?.remove(at: chosen)
        return index
    }
}
