import FeedCatalog
import FeedModel
import FeedStore
import Foundation

/// The JSON a hook is given (exec on stdin, webhook as the body): the same bytes at every attempt.
///
/// ```json
/// {"delivery":"…","hook":"phone","event":"new_items","created":"…","digest":false,
///  "items":[{"id":"…","feed":{"name":"…","url":"…","title":"…"},"title":"…","link":"…",…}]}
/// ```
public enum HookPayload {
    public static func json(_ delivery: Delivery) -> Data {
        var json = JSONWriter()
        json.object { json in
            json.field("delivery", delivery.id)
            json.field("hook", delivery.hook)
            json.field("event", delivery.event.rawValue)
            json.field("created", delivery.created)
            json.field("digest", delivery.digest)
            json.key("items")
            json.array(delivery.entries) { json, entry in
                let item = entry.item
                json.object { json in
                    json.field("id", item.id)
                    json.key("feed")
                    json.object { json in
                        json.field("name", delivery.feedName(of: entry))
                        json.field("url", entry.feed)
                        json.fieldOrNull("title", entry.feedTitle)
                    }
                    json.fieldOrNull("title", item.title)
                    json.fieldOrNull("link", item.link)
                    json.fieldOrNull("published", item.published)
                    json.fieldOrNull("updated", item.updated)
                    json.field("first_seen", item.firstSeen)
                    json.field("authors", item.authors)
                    json.field("categories", item.categories)
                    json.field("tags", entry.tags)
                    json.field("read", entry.read)
                    json.field("starred", entry.starred)
                    json.fieldOrNull("summary", item.summary)
                    json.fieldOrNull("content", item.content)
                    json.key("enclosures")
                    OutputFormatting.writeEnclosures(item.enclosures, to: &json)
                }
            }
        }
        return json.data
    }
}
