import FeedCore
import FeedModel
import Foundation

/// The Google Reader API's JSON replies, field for field as its clients decode them (ids and microsecond
/// times are strings, `published` and `updated` whole seconds), written with feedd's own JSON writer:
/// keys in a fixed order, every control character escaped.
enum ReaderJSON {
    static func data(_ value: JSONValue) -> Data { Data(value.serializedBytes(indent: 0)) }

    static func userInfo(_ user: String) -> JSONValue {
        .object([
            ("userId", .string(user)), ("userName", .string(user)), ("userProfileId", .string(user)), ("userEmail", .string(user)),
            ("isBloggerUser", .bool(false)), ("signupTimeSec", .number(0)), ("isMultiLoginEnabled", .bool(false)),
        ])
    }

    static func tags(labels: [String]) -> JSONValue {
        let tags: [JSONValue] =
            [.object([("id", .string(ReaderState.starred))])]
            + labels.map { .object([("id", .string(ReaderStream.label($0).id)), ("type", .string("folder"))]) }
        return .object([("tags", .array(tags))])
    }

    static func subscriptions(_ feeds: [ReaderFeed]) -> JSONValue {
        let list: [JSONValue] = feeds.enumerated().map { position, feed in
            .object([
                ("id", .string(feed.streamID)), ("title", .string(feed.title)),
                ("categories", .array(feed.labels.map { .object([("id", .string(ReaderStream.label($0).id)), ("label", .string($0))]) })),
                ("url", .string(feed.url)), ("htmlUrl", .string(feed.siteURL ?? feed.url)), ("iconUrl", .string("")),
                ("firstitemmsec", .string("0")), ("sortid", .string(String(format: "%08X", position))),
            ])
        }
        return .object([("subscriptions", .array(list))])
    }

    static func unreadCounts(max: Int, _ counts: [(id: String, count: Int, newest: Date)]) -> JSONValue {
        let list: [JSONValue] = counts.map {
            .object([("id", .string($0.id)), ("count", .number(Double($0.count))), ("newestItemTimestampUsec", .string(microseconds($0.newest)))])
        }
        return .object([("max", .number(Double(max))), ("unreadcounts", .array(list))])
    }

    static func itemRefs(_ refs: [(id: String, streams: [String], timestamp: Date)], continuation: String?) -> JSONValue {
        let list: [JSONValue] = refs.map {
            .object([
                ("id", .string(ReaderItemID.decimal($0.id))), ("directStreamIds", .array($0.streams.map(JSONValue.string))),
                ("timestampUsec", .string(microseconds($0.timestamp))),
            ])
        }
        var members: [(String, JSONValue)] = [("itemRefs", .array(list))]
        if let continuation { members.append(("continuation", .string(continuation))) }
        return .object(members)
    }

    static func stream(id: String, title: String?, updated: Date, items: [ReaderItem], continuation: String?) -> JSONValue {
        var members: [(String, JSONValue)] = [("id", .string(id))]
        if let title { members.append(("title", .string(title))) }
        members += [("updated", .number(Double(seconds(updated)))), ("items", .array(items.map(item)))]
        if let continuation { members.append(("continuation", .string(continuation))) }
        return .object(members)
    }

    /// One item: its state and its feeds' labels as categories, then the feed's own categories.
    static func item(_ reader: ReaderItem) -> JSONValue {
        let item = reader.item
        let origin = reader.feeds.first
        var categories = [ReaderState.readingList]
        if reader.isRead { categories.append(ReaderState.read) }
        if reader.isStarred { categories.append(ReaderState.starred) }
        for label in reader.feeds.flatMap(\.labels) where !categories.contains(ReaderStream.label(label).id) {
            categories.append(ReaderStream.label(label).id)
        }
        categories += item.categories
        var members: [(String, JSONValue)] = [
            ("id", .string(ReaderItemID.long(item.id))), ("crawlTimeMsec", .string(milliseconds(item.firstSeen))),
            ("timestampUsec", .string(microseconds(item.firstSeen))), ("published", .number(Double(seconds(item.shownDate)))),
            ("updated", .number(Double(seconds(item.updated ?? item.shownDate)))), ("title", .string(item.title ?? "")),
            ("canonical", .array(item.link.map { [.object([("href", .string($0))])] } ?? [])),
            ("alternate", .array(item.link.map { [.object([("href", .string($0)), ("type", .string("text/html"))])] } ?? [])),
            ("summary", .object([("direction", .string("ltr")), ("content", .string(reader.html))])),
        ]
        if !item.authors.isEmpty { members.append(("author", .string(item.authors.joined(separator: ", ")))) }
        members += [
            ("categories", .array(categories.map(JSONValue.string))),
            (
                "origin",
                .object([
                    ("streamId", .string(origin?.streamID ?? "")), ("title", .string(origin?.title ?? "")),
                    ("htmlUrl", .string(origin?.siteURL ?? origin?.url ?? "")),
                ])
            ),
        ]
        if !item.enclosures.isEmpty {
            let enclosures: [JSONValue] = item.enclosures.map { enclosure in
                var fields: [(String, JSONValue)] = [("href", .string(enclosure.url))]
                if let type = enclosure.type { fields.append(("type", .string(type))) }
                if let length = enclosure.length { fields.append(("length", .string(String(length)))) }
                return .object(fields)
            }
            members.append(("enclosure", .array(enclosures)))
        }
        return .object(members)
    }

    static func microseconds(_ date: Date) -> String { String(Int64((date.timeIntervalSince1970 * 1_000_000).rounded(.down))) }

    static func milliseconds(_ date: Date) -> String { String(Int64((date.timeIntervalSince1970 * 1000).rounded(.down))) }

    static func seconds(_ date: Date) -> Int { Int(date.timeIntervalSince1970.rounded(.down)) }
}
