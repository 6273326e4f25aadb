import FeedCore
import FeedModel
import Foundation

/// An unread entry reduced to what finds it (`id`) and where it is (`key`, `feeds`).
public struct UnreadReference: Decodable, Sendable, Equatable {
    public var id: String
    public var key: String
    public var feeds: [String]

    private enum CodingKeys: String, CodingKey {
        case key, feeds
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        key = try container.decode(String.self, forKey: .key)
        id = ItemIdentity.itemID(logicalKey: key)
        feeds = try container.decode([String].self, forKey: .feeds)
    }
}

/// An unread file read as references only.
struct UnreadReferenceFile: Decodable, Sendable {
    var schema: Int
    var items: [UnreadReference]
}

/// Every unread item of the store, one entry per logical item (its feeds merged), newest first, with the
/// titles of the feeds that have unread items.
public struct UnreadView: Sendable {
    public var items: [IndexEntry]
    /// Feed URL → the feed's own title.
    public var titles: [String: String]
}
