import FeedModel
import Foundation

/// Merges a fresh parse of a feed into its stored items: pure, no I/O.
public enum ItemMerge {
    /// What a merge changed.
    public struct Outcome: Equatable, Sendable {
        public var items: [StoredItem]
        public var newCount: Int
        public var updatedCount: Int
        /// Whether anything stored differs: new or changed items, or changed fields of stored ones.
        public var changed: Bool
    }

    /// Identities for the items of one document, in order. Within a feed an item is known by its guid/id,
    /// else its link, else a hash of title and content. A repeated identity is told apart by its link, then
    /// by its position, while the first occurrence keeps the plain identity (so items already stored still match).
    public static func identities(of items: [ParsedItem]) -> [String] {
        var seen: Set<String> = []
        return items.enumerated().map { position, item in
            let base = baseIdentity(item)
            var identity = base
            if seen.contains(identity), let link = item.link { identity = base + "|" + link }
            if seen.contains(identity) { identity = base + "|#\(position)" }
            seen.insert(identity)
            return identity
        }
    }

    static func baseIdentity(_ item: ParsedItem) -> String {
        if let id = item.id?.trimmingCharacters(in: .whitespacesAndNewlines), !id.isEmpty { return "id:" + id }
        if let link = item.link, !link.isEmpty { return "link:" + link }
        return "hash:" + StableHash.hex((item.title ?? "") + "\u{1F}" + (item.content ?? item.summary ?? ""))
    }

    /// The store-wide id of an item: a hash of its feed's URL and its identity.
    public static func itemID(feedURL: String, identity: String) -> String {
        StableHash.hex(feedURL + "\n" + identity)
    }

    /// Adds new items, updates changed ones in place (keeping their first-seen time), keeps every stored item
    /// the document no longer carries. Returns items newest first.
    public static func merge(stored: [StoredItem], parsed: [ParsedItem], feedURL: String, now: Date) -> Outcome {
        var byIdentity: [String: Int] = [:]
        var items = stored
        for (index, item) in items.enumerated() { byIdentity[item.identity] = index }
        var newCount = 0
        var updatedCount = 0
        var changed = false
        for (item, identity) in zip(parsed, identities(of: parsed)) {
            if let index = byIdentity[identity] {
                let existing = items[index]
                var replacement = StoredItem(id: existing.id, identity: identity, item: item, firstSeen: existing.firstSeen)
                // A feed that stops giving a date must not make the item jump to "now".
                if replacement.published == nil { replacement.published = existing.published }
                if replacement != existing {
                    changed = true
                    if replacement.title != existing.title || replacement.content != existing.content
                        || replacement.summary != existing.summary
                    {
                        updatedCount += 1
                    }
                    items[index] = replacement
                }
            } else {
                byIdentity[identity] = items.count
                items.append(
                    StoredItem(id: itemID(feedURL: feedURL, identity: identity), identity: identity, item: item, firstSeen: now))
                newCount += 1
                changed = true
            }
        }
        items.sort { $0.sortDate > $1.sortDate }
        return Outcome(items: items, newCount: newCount, updatedCount: updatedCount, changed: changed)
    }
}

/// FNV-1a, 64 bits, as 16 hex digits: stable across runs and platforms (unlike `Hasher`), for file names and ids.
public enum StableHash {
    public static func hex(_ text: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01B3
        }
        let digits = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
