import FeedModel
import Foundation

/// One feed as stored: what the feed said about itself, how its last fetch went, its items and tombstones.
///
/// On disk it is two parts, so that a fetch that changes nothing (a 304) writes only the small one:
/// `feeds/KEY.json` (url, title, link, items, tombstones) and its record in `fetch-state.log` (`FeedStateFile`).
/// Schema 1 kept `fetch` inside `KEY.json`; schema 2 items carried identities in their first form and
/// ids per feed. Both still load: identities and ids are brought to today's form (`ItemIdentity.migrate`).
public struct StoredFeed: Codable, Sendable, Equatable {
    /// The schema `KEY.json` is written with.
    public static let currentSchema = 3

    public var schema: Int
    /// The URL as the configuration names it: the feed's key.
    public var url: String
    public var title: String?
    public var link: String?
    /// Kept in `fetch-state.log`; only read from `KEY.json` when migrating schema 1.
    public var fetch: FetchState
    /// Newest first by publication (or first-seen) time.
    public var items: [StoredItem]
    /// Items retention deleted: remembered so they do not come back as new while the feed still carries them.
    public var tombstones: [Tombstone]
    /// Set once a document's guids proved unreliable: items are then known by link and title.
    public var identityByLinkAndTitle: Bool

    public init(url: String, title: String? = nil, link: String? = nil, fetch: FetchState = FetchState(), items: [StoredItem] = []) {
        self.schema = Self.currentSchema
        self.url = url
        self.title = title
        self.link = link
        self.fetch = fetch
        self.items = items
        self.tombstones = []
        self.identityByLinkAndTitle = false
    }

    /// The file's keys, in the order the store writes them: the one list its writer follows.
    public enum CodingKeys: String, CodingKey, CaseIterable {
        case schema, url, title, link, fetch, items, tombstones
        case identityByLinkAndTitle = "identity_by_link_and_title"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        schema = try container.decode(Int.self, forKey: .schema)
        url = try container.decode(String.self, forKey: .url)
        title = try container.decodeIfPresent(String.self, forKey: .title)
        link = try container.decodeIfPresent(String.self, forKey: .link)
        fetch = try container.decodeIfPresent(FetchState.self, forKey: .fetch) ?? FetchState()
        items = try container.decode([StoredItem].self, forKey: .items)
        tombstones = try container.decodeIfPresent([Tombstone].self, forKey: .tombstones) ?? []
        identityByLinkAndTitle = try container.decodeIfPresent(Bool.self, forKey: .identityByLinkAndTitle) ?? false
        if schema < 3 {
            // Identities in today's form; ids from the logical key. The old id is kept for the read marks.
            let uniqueLinks = ItemIdentity.uniqueLinkKeys(items.map { $0.link })
            for index in items.indices {
                let old = items[index]
                let identity = ItemIdentity.migrate(old.identity)
                let key = ItemIdentity.logicalKey(identity: identity, link: old.link, uniqueLinks: uniqueLinks, feedURL: url)
                items[index].legacyID = old.id
                items[index].identity = identity
                items[index].key = key
                items[index].id = ItemIdentity.itemID(logicalKey: key)
            }
        }
    }

    /// Writes the items file: the fetch state has a file of its own.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(Self.currentSchema, forKey: .schema)
        try container.encode(url, forKey: .url)
        try container.encodeIfPresent(title, forKey: .title)
        try container.encodeIfPresent(link, forKey: .link)
        try container.encode(items, forKey: .items)
        try container.encode(tombstones, forKey: .tombstones)
        try container.encode(identityByLinkAndTitle, forKey: .identityByLinkAndTitle)
    }
}
