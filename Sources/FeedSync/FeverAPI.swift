import FeedCore
import FeedModel
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
        var reply = Reply()
        do {
            _ = try accounts.user(feverKey: (request.value("api_key") ?? "").lowercased(), client: request.client, now: now)
        } catch {
            if case .throttled(let seconds) = error {
                var response = SyncResponse.refused(429, "too many failed Fever keys")
                response.headers.append(("Retry-After", String(seconds)))
                return response
            }
            var response = SyncResponse.json(reply.data)
            response.problem = "bad Fever api_key"
            return response
        }
        reply["auth"] = .number(1)
        reply["last_refreshed_on_time"] = .number(Double(Int(now.timeIntervalSince1970)))
        do {
            let library = library()
            // What a mark answers with joins the lists asked for; every list comes from one listing of the store,
            // made after the mark.
            var lists: [String] = ["unread_item_ids", "saved_item_ids"].filter { request.value($0) != nil }
            if let mark = request.value("mark") {
                let list = try self.mark(mark, request, library: library)
                if !lists.contains(list) { lists.append(list) }
            }
            var listing: Listing?
            func listed() throws -> Listing {
                if let listing { return listing }
                let made = try numbered(library)
                listing = made
                return made
            }
            let feeds = try library.feeds()
            if request.value("groups") != nil || request.value("feeds") != nil {
                reply["feeds_groups"] = feedsGroups(feeds)
            }
            if request.value("groups") != nil {
                var labels: [String] = []
                for label in feeds.flatMap(\.labels) where !labels.contains(label) { labels.append(label) }
                reply["groups"] = .array(labels.map { .object([("id", .number(Double(Self.number("label:" + $0)))), ("title", .string($0))]) })
            }
            if request.value("feeds") != nil {
                reply["feeds"] = .array(
                    feeds.map { feed in
                        .object([
                            ("id", .number(Double(Self.number(feed.url)))), ("favicon_id", .number(0)), ("title", .string(feed.title)),
                            ("url", .string(feed.url)), ("site_url", .string(feed.siteURL ?? feed.url)), ("is_spark", .number(0)),
                            ("last_updated_on_time", .number(Double(Int(now.timeIntervalSince1970)))),
                        ])
                    })
            }
            if request.value("favicons") != nil { reply["favicons"] = .array([]) }
            if request.value("links") != nil { reply["links"] = .array([]) }
            if request.value("items") != nil { try items(request, library: library, listing: try listed(), reply: &reply) }
            for list in lists {
                let listing = try listed()
                let chosen = listing.entries.filter { list == "unread_item_ids" ? !$0.isRead : $0.isStarred }
                reply[list] = .string(chosen.compactMap { listing.numbers[$0.entry.id] }.sorted().map(String.init).joined(separator: ","))
            }
        } catch let refusal as Refusal {
            return .refused(400, refusal.reason)
        } catch {
            return .refused(500, "store: \(error)")
        }
        return .json(reply.data)
    }

    struct Refusal: Error {
        var reason: String
    }

    /// A reply's members, in the order first set (`api_version` and `auth` first).
    struct Reply {
        private var members: [(String, JSONValue)] = [("api_version", .number(3)), ("auth", .number(0))]

        subscript(key: String) -> JSONValue? {
            get { members.first { $0.0 == key }?.1 }
            set {
                members.removeAll { $0.0 == key }
                if let newValue { members.append((key, newValue)) }
            }
        }

        var data: Data { Data(JSONValue.object(members).serializedBytes(indent: 0)) }
    }

    private func feedsGroups(_ feeds: [ReaderFeed]) -> JSONValue {
        var groups: [String: [Int]] = [:]
        var order: [String] = []
        for feed in feeds {
            for label in feed.labels {
                if groups[label] == nil { order.append(label) }
                groups[label, default: []].append(Self.number(feed.url))
            }
        }
        return .array(
            order.map {
                .object([
                    ("group_id", .number(Double(Self.number("label:" + $0)))),
                    ("feed_ids", .string(groups[$0, default: []].map(String.init).joined(separator: ","))),
                ])
            })
    }

    /// Every stored item numbered (the new ones get theirs, oldest first), with its entry.
    /// Every stored item with its Fever number.
    typealias Listing = (entries: [ReaderEntry], numbers: [String: Int])

    private func numbered(_ library: SyncLibrary) throws -> Listing {
        let entries = try library.all()
        let oldestFirst = entries.sorted { ($0.entry.firstSeen, $0.entry.id) < ($1.entry.firstSeen, $1.entry.id) }
        return (entries, try numbers.numbers(assigning: oldestFirst.map(\.entry.id)))
    }

    private func items(_ request: SyncRequest, library: SyncLibrary, listing: Listing, reply: inout Reply) throws {
        let (entries, numbers) = listing
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
        reply["total_items"] = .number(Double(entries.count))
        reply["items"] = .array(
            chosen.compactMap { number, entry -> JSONValue? in
                guard let reader = stored[entry.entry.id] else { return nil }
                let item = reader.item
                return .object([
                    ("id", .number(Double(number))), ("feed_id", .number(Double(reader.feeds.first.map { Self.number($0.url) } ?? 0))),
                    ("title", .string(item.title ?? "")), ("author", .string(item.authors.joined(separator: ", "))),
                    ("html", .string(reader.html)), ("url", .string(item.link ?? "")),
                    ("is_saved", .number(reader.isStarred ? 1 : 0)), ("is_read", .number(reader.isRead ? 1 : 0)),
                    ("created_on_time", .number(Double(Int(item.shownDate.timeIntervalSince1970)))),
                ])
            })
    }

    /// Makes the mark; returns the id list the reply carries for it (`unread_item_ids` or `saved_item_ids`).
    private func mark(_ kind: String, _ request: SyncRequest, library: SyncLibrary) throws -> String {
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
            return action == "read" || action == "unread" ? "unread_item_ids" : "saved_item_ids"
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
            return "unread_item_ids"
        default:
            throw Refusal(reason: "mark=\(kind.prefix(20)): item, feed or group")
        }
    }
}
