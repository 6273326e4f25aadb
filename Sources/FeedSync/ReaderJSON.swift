import FeedCore
import Foundation

/// The shapes of the Google Reader API's JSON replies, field for field as its clients decode them: ids and
/// microsecond times are strings, `published` and `updated` whole seconds.
enum ReaderJSON {
    struct Subscriptions: Encodable {
        struct Category: Encodable {
            var id: String
            var label: String
        }

        struct Subscription: Encodable {
            var id: String
            var title: String
            var categories: [Category]
            var url: String
            var htmlUrl: String
            var iconUrl: String
            var firstitemmsec: String
            var sortid: String
        }

        var subscriptions: [Subscription]
    }

    struct Tags: Encodable {
        struct Tag: Encodable {
            var id: String
            var type: String?
        }

        var tags: [Tag]
    }

    struct UserInfo: Encodable {
        var userId: String
        var userName: String
        var userProfileId: String
        var userEmail: String
        var isBloggerUser = false
        var signupTimeSec = 0
        var isMultiLoginEnabled = false
    }

    struct UnreadCounts: Encodable {
        struct Count: Encodable {
            var id: String
            var count: Int
            var newestItemTimestampUsec: String
        }

        var max: Int
        var unreadcounts: [Count]
    }

    struct ItemRefs: Encodable {
        struct Ref: Encodable {
            var id: String
            var directStreamIds: [String]
            var timestampUsec: String
        }

        var itemRefs: [Ref]
        var continuation: String?
    }

    struct Stream: Encodable {
        var id: String
        var title: String?
        var updated: Int
        var items: [Item]
        var continuation: String?
    }

    struct Link: Encodable {
        var href: String
        var type: String?
    }

    struct Enclosure: Encodable {
        var href: String
        var type: String?
        var length: String?
    }

    struct Origin: Encodable {
        var streamId: String
        var title: String
        var htmlUrl: String
    }

    struct Content: Encodable {
        var direction = "ltr"
        var content: String
    }

    struct Item: Encodable {
        var id: String
        var crawlTimeMsec: String
        var timestampUsec: String
        var published: Int
        var updated: Int
        var title: String
        var canonical: [Link]
        var alternate: [Link]
        var summary: Content
        var author: String?
        var categories: [String]
        var origin: Origin
        var enclosure: [Enclosure]?
    }

    static func encode(_ value: some Encodable) -> Data {
        (try? encoder.encode(value)) ?? Data("{}".utf8)
    }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return encoder
    }()

    static func microseconds(_ date: Date) -> String { String(Int64((date.timeIntervalSince1970 * 1_000_000).rounded(.down))) }

    static func milliseconds(_ date: Date) -> String { String(Int64((date.timeIntervalSince1970 * 1000).rounded(.down))) }

    static func seconds(_ date: Date) -> Int { Int(date.timeIntervalSince1970.rounded(.down)) }
}
