import FeedCore
import FeedModel
import Foundation

/// A store file that writes its JSON itself, field by field, in the form `StoreCoding` reads back: the same
/// keys, absent optionals left out, dates as `.iso8601` writes them.
///
/// Foundation's `JSONEncoder` first builds a tree of boxed values with a dictionary per object, then
/// serialises it: for the items file of a new feed that was most of the time feedd spent on it.
protocol StoreJSONEncodable {
    func write(to json: inout JSONWriter)
}

extension StoreJSONEncodable {
    /// The file's bytes.
    var jsonData: Data {
        var json = JSONWriter()
        write(to: &json)
        return json.data
    }
}

/// The members whose values are store files' own records.
extension JSONWriter {
    mutating func field<Value: StoreJSONEncodable>(_ name: StaticString, _ value: Value) {
        key(name)
        value.write(to: &self)
    }

    mutating func field<Value: StoreJSONEncodable>(_ name: StaticString, _ value: Value?) {
        guard let value else { return }
        key(name)
        value.write(to: &self)
    }

    mutating func field<Value: StoreJSONEncodable>(_ name: StaticString, _ values: [Value]) {
        key(name)
        array(values) { $1.write(to: &$0) }
    }
}

// MARK: - The store's files

extension StoredFeed: StoreJSONEncodable {
    func write(to json: inout JSONWriter) {
        json.object { json in
            json.field("schema", Self.currentSchema)
            json.field("url", url)
            json.field("title", title)
            json.field("link", link)
            json.field("items", items)
            json.field("tombstones", tombstones)
            json.field("identity_by_link_and_title", identityByLinkAndTitle)
        }
    }
}

extension StoredItem: StoreJSONEncodable {
    func write(to json: inout JSONWriter) {
        json.object { json in
            json.field("id", id)
            json.field("identity", identity)
            json.field("key", key)
            json.field("title", title)
            json.field("link", link)
            json.field("published", published)
            json.field("updated", updated)
            json.field("authors", authors)
            json.field("categories", categories)
            json.field("summary", summary)
            json.field("content", content)
            json.field("enclosures", enclosures)
            json.field("first_seen", firstSeen)
            if changed { json.field("changed", changed) }
        }
    }
}

extension Enclosure: StoreJSONEncodable {
    func write(to json: inout JSONWriter) {
        json.object { json in
            json.field("url", url)
            json.field("type", type)
            json.field("length", length)
        }
    }
}

extension Tombstone: StoreJSONEncodable {
    func write(to json: inout JSONWriter) {
        json.object { json in
            json.field("identity", identity)
            json.field("key", key)
            json.field("deleted", deleted)
            json.field("absent_since", absentSince)
        }
    }
}

extension FeedStateFile: StoreJSONEncodable {
    func write(to json: inout JSONWriter) {
        json.object { json in
            json.field("schema", schema)
            json.field("url", url)
            json.field("fetch", fetch)
        }
    }
}

extension FetchState: StoreJSONEncodable {
    func write(to json: inout JSONWriter) {
        json.object { json in
            json.field("etag", etag)
            json.field("last_modified", lastModified)
            json.field("last_fetch", lastFetch)
            json.field("last_success", lastSuccess)
            json.field("last_result", lastResult)
            json.field("consecutive_failures", consecutiveFailures)
            json.field("next_fetch", nextFetch)
            json.field("moved_to", movedTo)
            json.field("body_hash", bodyHash)
            json.field("hints", hints)
            json.field("fresh_until", freshUntil)
            json.field("item_count", itemCount)
            json.field("title", title)
            json.field("link", link)
            json.field("adaptive_seconds", adaptiveSeconds)
            json.field("disabled_for", disabledFor)
            json.field("retry_after", retryAfter)
        }
    }
}

extension PublisherHints: StoreJSONEncodable {
    func write(to json: inout JSONWriter) {
        json.object { json in
            json.field("ttl_minutes", ttlMinutes)
            json.field("update_period", updatePeriod)
            json.field("update_frequency", updateFrequency)
            json.field("skip_hours", skipHours)
            json.field("skip_days", skipDays)
        }
    }
}

extension ItemIndexFile: StoreJSONEncodable {
    func write(to json: inout JSONWriter) {
        json.object { json in
            json.field("schema", schema)
            json.field("title", title)
            json.field("items", items)
        }
    }
}

extension IndexEntry: StoreJSONEncodable {
    func write(to json: inout JSONWriter) {
        json.object { json in
            json.field("id", id)
            json.field("key", key)
            json.field("feeds", feeds)
            json.field("title", title)
            json.field("link", link)
            json.field("published", published)
            json.field("updated", updated)
            json.field("first_seen", firstSeen)
            json.field("authors", authors)
            json.field("categories", categories)
            json.field("changed", changed)
            json.field("snippet", snippet)
        }
    }
}
