import FeedCore
import FeedStore
import Foundation

/// The Fever API (`/fever/?api`), which Reeder, Unread, FeedMe and others speak: the key is md5 of
/// `name:password` (`api_key`), each reply says `auth`, and items are numbered in arrival order
/// (`FeverNumbers`) so `since_id` and `max_id` page through them. `saved`/`unsaved` set the star, never
/// toggle it.
public struct FeverAPI: Sendable {
    public let accounts: SyncAccounts
    public let numbers: FeverNumbers
    public let library: @Sendable () -> SyncLibrary
    private let work = BlockingWork(threads: 2)

    /// Items per `items` reply, as Fever gives.
    public static let pageSize = 50

    public init(accounts: SyncAccounts, numbers: FeverNumbers, library: @escaping @Sendable () -> SyncLibrary) {
        self.accounts = accounts
        self.numbers = numbers
        self.library = library
    }

    /// Whether this API answers `path`.
    public static func serves(_ path: String) -> Bool { path == "/fever" || path == "/fever/" }

    public func respond(to request: SyncRequest, now: Date = Date()) async -> SyncResponse {
        await work.run { answer(request, now: now) }
    }

    /// A Fever id for a feed or a group: 31 bits of its hash, as the clients keep them in 32-bit integers.
    static func number(_ text: String) -> Int { Int(StableHash.value(text) & 0x7FFF_FFFF) }

    private func answer(_ request: SyncRequest, now: Date) -> SyncResponse {
        guard request.parameters.contains(where: { $0.name == "api" }) else { return .refused(400, "not a Fever API request (no api)") }
        var reply: [String: Any] = ["api_version": 3, "auth": 0]
        do {
            _ = try accounts.user(feverKey: (request.value("api_key") ?? "").lowercased(), client: request.client, now: now)
        } catch {
            if case .throttled(let seconds) = error {
                var response = SyncResponse.refused(429, "too many failed Fever keys")
                response.headers.append(("Retry-After", String(seconds)))
                return response
            }
            var response = json(reply)
            response.problem = "bad Fever api_key"
            return response
        }
        reply["auth"] = 1
        reply["last_refreshed_on_time"] = Int(now.timeIntervalSince1970)
        do {
            let library = library()
            if let mark = request.value("mark") { try self.mark(mark, request, library: library, reply: &reply) }
            let feeds = try library.feeds()
            if request.value("groups") != nil || request.value("feeds") != nil {
                reply["feeds_groups"] = feedsGroups(feeds)
            }
            if request.value("groups") != nil {
                var labels: [String] = []
                for label in feeds.flatMap(\.labels) where !labels.contains(label) { labels.append(label) }
                reply["groups"] = labels.map { ["id": Self.number("label:" + $0), "title": $0] as [String: Any] }
            }
            if request.value("feeds") != nil {
                reply["feeds"] = feeds.map { feed -> [String: Any] in
                    [
                        "id": Self.number(feed.url), "favicon_id": 0, "title": feed.title, "url": feed.url, "site_url": feed.siteURL ?? feed.url,
                        "is_spark": 0, "last_updated_on_time": Int(now.timeIntervalSince1970),
                    ]
                }
            }
            if request.value("favicons") != nil { reply["favicons"] = [[String: Any]]() }
            if request.value("links") != nil { reply["links"] = [[String: Any]]() }
            if request.value("items") != nil { try items(request, library: library, feeds: feeds, reply: &reply) }
            if request.value("unread_item_ids") != nil { reply["unread_item_ids"] = try unreadIDs(library) }
            if request.value("saved_item_ids") != nil { reply["saved_item_ids"] = try savedIDs(library) }
        } catch let refusal as Refusal {
            return .refused(400, refusal.reason)
        } catch {
            return .refused(500, "store: \(error)")
        }
        return json(reply)
    }

    struct Refusal: Error {
        var reason: String
    }

    private func json(_ reply: [String: Any]) -> SyncResponse {
        let data = (try? JSONSerialization.data(withJSONObject: reply, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return .json(data)
    }

    private func feedsGroups(_ feeds: [ReaderFeed]) -> [[String: Any]] {
        var groups: [String: [Int]] = [:]
        var order: [String] = []
        for feed in feeds {
            for label in feed.labels {
                if groups[label] == nil { order.append(label) }
                groups[label, default: []].append(Self.number(feed.url))
            }
        }
        return order.map { ["group_id": Self.number("label:" + $0), "feed_ids": groups[$0, default: []].map(String.init).joined(separator: ",")] }
    }

    /// Every stored item numbered (the new ones get theirs, oldest first), with its entry.
    private func numbered(_ library: SyncLibrary) throws -> (entries: [ReaderEntry], numbers: [String: Int]) {
        let entries = try library.all()
        let oldestFirst = entries.sorted { ($0.entry.firstSeen, $0.entry.id) < ($1.entry.firstSeen, $1.entry.id) }
        return (entries, try numbers.numbers(assigning: oldestFirst.map(\.entry.id)))
    }

    private func items(_ request: SyncRequest, library: SyncLibrary, feeds: [ReaderFeed], reply: inout [String: Any]) throws {
        let (entries, numbers) = try numbered(library)
        var chosen: [(number: Int, entry: ReaderEntry)] = entries.compactMap { entry in numbers[entry.entry.id].map { ($0, entry) } }
        if let text = request.value("with_ids") {
            let wanted = try Set(
                text.split(separator: ",").map { part throws(Refusal) -> Int in
                    guard let number = Int(part.trimmingCharacters(in: .whitespaces)) else { throw Refusal(reason: "with_ids: not a number: \(part.prefix(40))") }
                    return number
                })
            guard wanted.count <= Self.pageSize else { throw Refusal(reason: "with_ids: at most \(Self.pageSize) ids") }
            chosen = chosen.filter { wanted.contains($0.number) }.sorted { $0.number < $1.number }
        } else if let text = request.value("max_id") {
            guard let max = Int(text) else { throw Refusal(reason: "max_id: not a number: \(text.prefix(40))") }
            chosen = Array(chosen.filter { $0.number < max }.sorted { $0.number > $1.number }.prefix(Self.pageSize))
        } else {
            let since = try request.value("since_id").map { text throws(Refusal) -> Int in
                guard let since = Int(text) else { throw Refusal(reason: "since_id: not a number: \(text.prefix(40))") }
                return since
            } ?? 0
            chosen = Array(chosen.filter { $0.number > since }.sorted { $0.number < $1.number }.prefix(Self.pageSize))
        }
        let stored = Dictionary(try library.items(ids: chosen.map(\.entry.entry.id)).map { ($0.item.id, $0) }) { first, _ in first }
        reply["total_items"] = entries.count
        reply["items"] = chosen.compactMap { number, entry -> [String: Any]? in
            guard let reader = stored[entry.entry.id] else { return nil }
            let item = reader.item
            return [
                "id": number, "feed_id": reader.feeds.first.map { Self.number($0.url) } ?? 0, "title": item.title ?? "",
                "author": item.authors.joined(separator: ", "), "html": item.content ?? item.summary ?? "", "url": item.link ?? "",
                "is_saved": reader.isStarred ? 1 : 0, "is_read": reader.isRead ? 1 : 0, "created_on_time": Int(item.shownDate.timeIntervalSince1970),
            ]
        }
    }

    private func unreadIDs(_ library: SyncLibrary) throws -> String {
        let (entries, numbers) = try numbered(library)
        return entries.filter { !$0.isRead }.compactMap { numbers[$0.entry.id] }.sorted().map(String.init).joined(separator: ",")
    }

    private func savedIDs(_ library: SyncLibrary) throws -> String {
        let (entries, numbers) = try numbered(library)
        return entries.filter(\.isStarred).compactMap { numbers[$0.entry.id] }.sorted().map(String.init).joined(separator: ",")
    }

    private func mark(_ kind: String, _ request: SyncRequest, library: SyncLibrary, reply: inout [String: Any]) throws {
        guard let action = request.value("as"), let idText = request.value("id"), let id = Int(idText) else {
            throw Refusal(reason: "mark needs as and a numeric id")
        }
        switch kind {
        case "item":
            guard let itemID = try numbers.id(of: id) else { throw Refusal(reason: "no item numbered \(id)") }
            switch action {
            case "read": try library.markRead(ids: [itemID])
            case "unread": try library.markUnread(ids: [itemID])
            case "saved": try library.setStarred(ids: [itemID], true)
            case "unsaved": try library.setStarred(ids: [itemID], false)
            default: throw Refusal(reason: "mark=item as=\(action.prefix(20)): read, unread, saved or unsaved")
            }
            if action == "read" || action == "unread" { reply["unread_item_ids"] = try unreadIDs(library) } else { reply["saved_item_ids"] = try savedIDs(library) }
        case "feed", "group":
            guard action == "read" else { throw Refusal(reason: "mark=\(kind) takes as=read") }
            let before = request.value("before").flatMap(Double.init).map { Date(timeIntervalSince1970: $0) }
            let feeds = try library.feeds()
            let urls: Set<String>?
            if kind == "feed" {
                urls = Set(feeds.filter { Self.number($0.url) == id }.map(\.url))
                guard urls?.isEmpty == false else { throw Refusal(reason: "no feed \(id)") }
            } else if id == 0 {
                urls = nil  // Kindling: every feed
            } else {
                urls = Set(feeds.filter { $0.labels.contains { Self.number("label:" + $0) == id } }.map(\.url))
            }
            try library.markAllRead(feeds: urls, before: before)
            reply["unread_item_ids"] = try unreadIDs(library)
        default:
            throw Refusal(reason: "mark=\(kind.prefix(20)): item, feed or group")
        }
    }
}
