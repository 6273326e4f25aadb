import FeedCatalog
import FeedCore
import FeedModel
import FeedStore
import Foundation

/// The Google Reader API as reading apps speak it (NetNewsWire, Reeder, FeedMe, Read You, newsboat's FeedHQ
/// mode…): a login that hands out a session token, then reading the subscriptions, tags, streams and items,
/// and marking items read, unread, starred. Each request is answered from the store as it is now.
public struct GoogleReaderAPI: Sendable {
    public let accounts: SyncAccounts
    public let sessions: SessionStore
    /// The library over the running configuration (which a reload may change).
    public let library: @Sendable () -> SyncLibrary
    /// How apps edit the subscriptions; nil when `api.edit_subscriptions` is off.
    public let subscriptions: SubscriptionEditor?
    /// Where requests read and write the store, off the server's event loops and Swift's shared pool.
    private let work = BlockingWork(threads: 4)
    private let cache = ResponseCache()

    /// Most ids `stream/items/ids` gives at once, and most items the other streams give.
    public static let idLimit = 10_000
    public static let itemLimit = 1000

    public init(
        accounts: SyncAccounts, sessions: SessionStore, subscriptions: SubscriptionEditor? = nil, library: @escaping @Sendable () -> SyncLibrary
    ) {
        self.accounts = accounts
        self.sessions = sessions
        self.subscriptions = subscriptions
        self.library = library
    }

    /// Where the API's endpoints are.
    static let apiPrefix = "/reader/api/0/"

    /// The endpoints that change the subscriptions (and so the config).
    static let editingEndpoints: Set<String> = [
        "subscription/quickadd", "subscription/edit", "subscription/import", "rename-tag", "disable-tag",
    ]

    /// Whether this API answers `path`.
    public static func serves(_ path: String) -> Bool {
        path.hasPrefix("/accounts/ClientLogin") || path.hasPrefix("/reader/")
    }

    public func respond(to request: SyncRequest, now: Date = Date()) async -> SyncResponse {
        let path = request.path.count > 1 && request.path.hasSuffix("/") ? String(request.path.dropLast()) : request.path
        if path == "/accounts/ClientLogin" { return await logIn(request, now: now) }
        let endpoint = path.hasPrefix(Self.apiPrefix) ? String(path.dropFirst(Self.apiPrefix.count)) : ""
        if Self.editingEndpoints.contains(endpoint) {
            guard await work.run({ authenticatedUser(request) }) != nil else { return .badToken("missing or unknown token") }
            do throws(Refusal) {
                return try await editSubscriptions(endpoint, request)
            } catch {
                return error.status == 401 ? .badToken(error.reason) : .refused(error.status, error.reason)
            }
        }
        return await work.run { answer(request, path: path, now: now) }
    }

    private func answer(_ request: SyncRequest, path: String, now: Date) -> SyncResponse {
        guard let user = authenticatedUser(request) else { return .badToken("missing or unknown token") }
        guard Self.isCacheable(path) else { return route(request, path: path, user: user, now: now) }
        let library = library()
        return cache.response(for: ResponseCache.key(request, path: path), store: library.store, configuration: library.configuration) {
            route(request, path: path, user: user, now: now)
        }
    }

    /// Reading requests whose answer depends on the store and the configuration only.
    static func isCacheable(_ path: String) -> Bool {
        guard path.hasPrefix(apiPrefix) else { return path.hasPrefix("/reader/atom/") }
        let endpoint = path.dropFirst(apiPrefix.count)
        return endpoint.hasPrefix("stream/") || ["subscription/list", "tag/list", "unread-count"].contains(endpoint)
    }

    private func route(_ request: SyncRequest, path: String, user: String, now: Date) -> SyncResponse {
        do throws(Refusal) {
            if path.hasPrefix("/reader/atom/") {
                return try atomStream(String(path.dropFirst("/reader/atom/".count)), request, now: now)
            }
            guard path.hasPrefix(Self.apiPrefix) else { throw Refusal(404, "no such endpoint") }
            let endpoint = String(path.dropFirst(Self.apiPrefix.count))
            if endpoint.hasPrefix("stream/contents") {
                let rest = endpoint.dropFirst("stream/contents".count).drop { $0 == "/" }
                return try streamContents(rest.isEmpty ? request.value("s") : String(rest), request, now: now)
            }
            switch endpoint {
            // Without a final newline: newsboat sends back the body as it came.
            case "token": return .text(actionToken(request))
            case "user-info": return .json(ReaderJSON.data(ReaderJSON.userInfo(user)))
            case "tag/list": return try tagList()
            case "subscription/list": return try subscriptionList()
            case "unread-count": return try unreadCount()
            case "stream/items/ids": return try itemIDs(request)
            case "stream/items/contents": return try itemContents(request, now: now)
            case "edit-tag": return try editTag(request)
            case "mark-all-as-read": return try markAllAsRead(request)
            case "subscription/export":
                let library = library()
                let opml = OPMLExchange.export(library.configuration, store: library.store, date: now)
                return SyncResponse(headers: [("Content-Type", "text/x-opml; charset=utf-8")], body: Data(opml.utf8))
            default: throw Refusal(404, "no such endpoint")
            }
        } catch {
            return error.status == 401 ? .badToken(error.reason) : .refused(error.status, error.reason)
        }
    }

    /// A request refused with a status and a one-line reason.
    struct Refusal: Error {
        var status: Int
        var reason: String
        init(_ status: Int, _ reason: String) {
            self.status = status
            self.reason = reason
        }
    }

    // MARK: Sessions

    private func logIn(_ request: SyncRequest, now: Date) async -> SyncResponse {
        guard let name = request.value("Email"), let password = request.value("Passwd") else {
            return .refused(400, "Error=BadAuthentication (Email and Passwd are needed)")
        }
        do {
            let user = try await accounts.logIn(name: name, password: password, client: request.client, now: now)
            let token = try await work.run { [sessions] in Result { try sessions.open(user: user, client: request.client, now: now) } }.get()
            return .text("SID=\(token)\nLSID=null\nAuth=\(token)\n")
        } catch let refusal as SyncAccounts.Refusal {
            switch refusal {
            case .badCredentials:
                return .refused(403, "Error=BadAuthentication")
            case .throttled(let seconds):
                var response = SyncResponse.refused(429, "Error=TooManyAttempts")
                response.headers.append(("Retry-After", String(seconds)))
                return response
            case .unreadableHash(let message):
                var response = SyncResponse.refused(403, "Error=BadAuthentication")
                response.problem = message
                return response
            }
        } catch {
            return .refused(500, "cannot record the session: \(error)")
        }
    }

    /// The user of the session the request's token opened, while that user is still in the config.
    private func authenticatedUser(_ request: SyncRequest) -> String? {
        guard let header = request.headers["authorization"] else { return nil }
        let prefix = "googlelogin auth="
        guard header.lowercased().hasPrefix(prefix),
            let user = sessions.user(presenting: String(header.dropFirst(prefix.count)).trimmingCharacters(in: .whitespaces)),
            library().configuration.api?.user(named: user) != nil
        else { return nil }
        return user
    }

    /// The `T` token write requests carry: derived from the session token, so it needs no state of its own.
    private func actionToken(_ request: SyncRequest) -> String {
        let session = request.headers["authorization"].map { String($0.dropFirst("GoogleLogin auth=".count)) } ?? ""
        return String(SessionStore.digest("action:" + session).prefix(57))
    }

    /// A write's `T`, when given, must be this session's.
    private func checkActionToken(_ request: SyncRequest) throws(Refusal) {
        if let given = request.value("T"), given.trimmingCharacters(in: .whitespacesAndNewlines) != actionToken(request) {
            throw Refusal(401, "bad action token T")
        }
    }

    private func post(_ request: SyncRequest) throws(Refusal) {
        guard request.method == "POST" else { throw Refusal(405, "this endpoint takes POST") }
    }

    private func read<T>(_ work: () throws -> T) throws(Refusal) -> T {
        do {
            return try work()
        } catch {
            throw Refusal(500, "store: \(error)")
        }
    }

    // MARK: Feeds and tags

    private func tagList() throws(Refusal) -> SyncResponse {
        let feeds = try read { try library().feeds() }
        var labels: [String] = []
        for label in feeds.flatMap(\.labels) where !labels.contains(label) { labels.append(label) }
        return .json(ReaderJSON.data(ReaderJSON.tags(labels: labels)))
    }

    private func subscriptionList() throws(Refusal) -> SyncResponse {
        let feeds = try read { try library().feeds() }
        return .json(ReaderJSON.data(ReaderJSON.subscriptions(feeds)))
    }

    private func unreadCount() throws(Refusal) -> SyncResponse {
        let library = library()
        let (feeds, unread) = try read { (try library.feeds(), try library.unread()) }
        var counts: [String: (count: Int, newest: Date)] = [:]
        func add(_ id: String, _ date: Date) {
            let current = counts[id] ?? (0, .distantPast)
            counts[id] = (current.count + 1, max(current.newest, date))
        }
        let byURL = Dictionary(feeds.map { ($0.url, $0) }) { first, _ in first }
        for item in unread {
            add(ReaderState.readingList, item.entry.firstSeen)
            var labels: Set<String> = []
            for url in item.entry.feeds {
                guard let feed = byURL[url] else { continue }
                add(feed.streamID, item.entry.firstSeen)
                labels.formUnion(feed.labels)
            }
            for label in labels { add(ReaderStream.label(label).id, item.entry.firstSeen) }
        }
        let list = counts.sorted { $0.key < $1.key }.map { (id: $0.key, count: $0.value.count, newest: $0.value.newest) }
        return .json(ReaderJSON.data(ReaderJSON.unreadCounts(max: unread.count, list)))
    }

    // MARK: Streams

    /// What a stream request asks for: the stream, what to leave out or keep, the time window, the order,
    /// how many, and where the last page ended.
    struct StreamQuery {
        var stream: ReaderStream
        var exclude: [String]
        var include: [String]
        var oldest: Date?
        var newest: Date?
        var oldestFirst: Bool
        var count: Int
        var offset: Int

        init(_ streamID: String?, _ request: SyncRequest, defaultCount: Int, limit: Int) throws(Refusal) {
            guard let streamID, !streamID.isEmpty else { throw Refusal(400, "s (the stream) is needed") }
            guard let stream = ReaderStream(streamID) else { throw Refusal(400, "unknown stream \(streamID.prefix(200))") }
            self.stream = stream
            exclude = request.values("xt").map(ReaderState.normalised)
            include = request.values("it").map(ReaderState.normalised)
            func time(_ name: String) throws(Refusal) -> Date? {
                guard let text = request.value(name) else { return nil }
                guard let value = Double(text), value >= 0 else { throw Refusal(400, "\(name) is not a time: \(text.prefix(40))") }
                // Seconds, or microseconds from clients that send those.
                return Date(timeIntervalSince1970: value > 1e11 ? value / 1_000_000 : value)
            }
            oldest = try time("ot")
            newest = try time("nt")
            oldestFirst = request.value("r") == "o"
            if let text = request.value("n") {
                guard let count = Int(text), count > 0 else { throw Refusal(400, "n is not a count: \(text.prefix(40))") }
                self.count = min(count, limit)
            } else {
                count = defaultCount
            }
            if let text = request.value("c") {
                guard let offset = Int(text), offset >= 0 else { throw Refusal(400, "bad continuation \(text.prefix(40))") }
                self.offset = offset
            } else {
                offset = 0
            }
        }
    }

    /// The page of a stream a query asks for, and the continuation to the next page (nil at the end).
    private func page(_ query: StreamQuery, library: SyncLibrary) throws(Refusal) -> (entries: [ReaderEntry], feeds: [ReaderFeed], continuation: String?) {
        let feeds = try read { try library.feeds() }
        let wantsUnreadOnly = query.exclude.contains(ReaderState.read)
        var entries: [ReaderEntry] = try read {
            switch query.stream {
            case .starred: return try library.starred()
            case .read: return try library.all().filter(\.isRead)
            case .readingList, .feed, .label: return wantsUnreadOnly ? try library.unread() : try library.all()
            }
        }
        if let urls = library.feedURLs(of: query.stream, feeds: feeds) {
            entries.removeAll { urls.isDisjoint(with: $0.entry.feeds) }
        }
        func has(_ entry: ReaderEntry, _ state: String) -> Bool? {
            switch state {
            case ReaderState.read: return entry.isRead
            case ReaderState.starred: return entry.isStarred
            case ReaderState.readingList: return true
            default: return nil
            }
        }
        entries.removeAll { entry in
            query.exclude.contains { has(entry, $0) == true } || query.include.contains { has(entry, $0) == false }
                || query.oldest.map { entry.entry.firstSeen < $0 } == true || query.newest.map { entry.entry.firstSeen >= $0 } == true
        }
        if query.oldestFirst { entries.reverse() }
        guard query.offset <= entries.count else { throw Refusal(400, "bad continuation \(query.offset)") }
        let end = min(entries.count, query.offset + query.count)
        return (Array(entries[query.offset..<end]), feeds, end < entries.count ? String(end) : nil)
    }

    private func itemIDs(_ request: SyncRequest) throws(Refusal) -> SyncResponse {
        let query = try StreamQuery(request.value("s"), request, defaultCount: 20, limit: Self.idLimit)
        let library = library()
        let (entries, feeds, continuation) = try page(query, library: library)
        let numbers = Dictionary(feeds.map { ($0.url, $0.streamID) }) { first, _ in first }
        let refs = entries.map { entry in
            (id: entry.entry.id, streams: entry.entry.feeds.compactMap { numbers[$0] }, timestamp: entry.entry.firstSeen)
        }
        return .json(ReaderJSON.data(ReaderJSON.itemRefs(refs, continuation: continuation)))
    }

    private func streamContents(_ streamID: String?, _ request: SyncRequest, now: Date) throws(Refusal) -> SyncResponse {
        let query = try StreamQuery(streamID, request, defaultCount: 20, limit: Self.itemLimit)
        let library = library()
        let (entries, feeds, continuation) = try page(query, library: library)
        let items = try read { try library.items(ids: entries.map(\.entry.id)) }
        let title = feeds.first { ReaderStream.feed($0.number) == query.stream }?.title
        return .json(ReaderJSON.data(ReaderJSON.stream(id: query.stream.id, title: title, updated: now, items: items, continuation: continuation)))
    }

    private func itemContents(_ request: SyncRequest, now: Date) throws(Refusal) -> SyncResponse {
        guard request.values("i").count <= Self.itemLimit else { throw Refusal(400, "at most \(Self.itemLimit) items at once") }
        let ids = try itemIDs(request.values("i"))
        let items = try read { try library().items(ids: ids) }
        return .json(ReaderJSON.data(ReaderJSON.stream(id: ReaderState.readingList, title: nil, updated: now, items: items, continuation: nil)))
    }

    /// feedd's ids for the ids a client sent (an ambiguous one gives both readings; only a stored item is found).
    private func itemIDs(_ given: [String]) throws(Refusal) -> [String] {
        var ids: [String] = []
        for text in given {
            guard let readings = ReaderItemID.parse(text) else { throw Refusal(400, "not an item id: \(text.prefix(80))") }
            ids += readings
        }
        return ids
    }

    // MARK: Marking

    private func editTag(_ request: SyncRequest) throws(Refusal) -> SyncResponse {
        try post(request)
        try checkActionToken(request)
        let ids = try itemIDs(request.values("i"))
        guard !ids.isEmpty else { throw Refusal(400, "i (an item id) is needed") }
        let added = request.values("a").map(ReaderState.normalised)
        let removed = request.values("r").map(ReaderState.normalised)
        let library = library()
        try read {
            if added.contains(ReaderState.read) { try library.markRead(ids: ids) }
            if removed.contains(ReaderState.read) || added.contains(ReaderState.keptUnread) { try library.markUnread(ids: ids) }
            if added.contains(ReaderState.starred) { try library.setStarred(ids: ids, true) }
            if removed.contains(ReaderState.starred) { try library.setStarred(ids: ids, false) }
        }
        return .text("OK")
    }

    private func markAllAsRead(_ request: SyncRequest) throws(Refusal) -> SyncResponse {
        try post(request)
        try checkActionToken(request)
        guard let streamID = request.value("s"), let stream = ReaderStream(streamID) else {
            throw Refusal(400, "unknown stream \(request.value("s")?.prefix(200) ?? "(none)")")
        }
        var before: Date?
        if let text = request.value("ts") {
            guard let value = Double(text), value >= 0 else { throw Refusal(400, "ts is not a time: \(text.prefix(40))") }
            before = Date(timeIntervalSince1970: value > 1e11 ? value / 1_000_000 : value)
        }
        let library = library()
        try read {
            let feeds = try library.feeds()
            if stream == .starred {
                let chosen = try library.starred().filter { starred in
                    !starred.isRead && (before.map { starred.entry.firstSeen <= $0 } ?? true)
                }
                try library.markRead(ids: chosen.map(\.entry.id))
            } else {
                try library.markAllRead(feeds: library.feedURLs(of: stream, feeds: feeds), before: before)
            }
        }
        return .text("OK")
    }

    // MARK: Editing subscriptions

    private func editSubscriptions(_ endpoint: String, _ request: SyncRequest) async throws(Refusal) -> SyncResponse {
        try post(request)
        try checkActionToken(request)
        guard let editor = subscriptions else {
            throw Refusal(403, "subscriptions are edited in the config only here (api.edit_subscriptions is off)")
        }
        do {
            return try await edit(endpoint, request, editor: editor)
        } catch let refusal as Refusal {
            throw refusal
        } catch let failure as SubscriptionEditor.Failure {
            throw Refusal(failure.unwritable ? 500 : 400, failure.description)
        } catch {
            throw Refusal(500, "\(error)")
        }
    }

    private func edit(_ endpoint: String, _ request: SyncRequest, editor: SubscriptionEditor) async throws -> SyncResponse {
        switch endpoint {
        case "subscription/quickadd":
            guard let address = request.value("quickadd"), !address.isEmpty else { throw Refusal(400, "quickadd (a URL) is needed") }
            let added = try await editor.subscribe(Self.address(address), title: nil, tags: [], configuration: library().configuration)
            let reply = JSONValue.object([
                ("query", .string(address)), ("numResults", .number(1)),
                ("streamId", .string(ReaderStream.feed(ReaderFeed.number(forURL: added.url.absoluteString)).id)), ("streamName", .string(added.title)),
            ])
            return .json(ReaderJSON.data(reply))
        case "subscription/edit":
            let streams = request.values("s")
            guard !streams.isEmpty else { throw Refusal(400, "s (a feed) is needed") }
            let title = request.value("t").flatMap { $0.isEmpty ? nil : $0 }
            let adding = try Self.labels(request.values("a"))
            let removing = try Self.labels(request.values("r"))
            switch request.value("ac") ?? "edit" {
            case "subscribe":
                for stream in streams {
                    _ = try await editor.subscribe(Self.address(stream), title: title, tags: adding, configuration: library().configuration)
                }
            case "unsubscribe":
                for stream in streams {
                    let feed = try feed(stream)
                    try await blocking { try editor.unsubscribe(feed.url, configuration: library().configuration) }
                }
            case "edit":
                for stream in streams {
                    let (url, labels) = try feed(stream)
                    let tags = labels.filter { !removing.contains($0) } + adding.filter { !labels.contains($0) }
                    try await blocking {
                        try editor.update(url, name: title.map { .some($0) }, tags: tags == labels ? nil : tags, configuration: library().configuration)
                    }
                }
            case let action:
                throw Refusal(400, "ac=\(action.prefix(20)): subscribe, unsubscribe or edit")
            }
            return .text("OK")
        case "rename-tag", "disable-tag":
            guard let source = request.value("s").flatMap(ReaderStream.init), case .label(let old) = source else {
                throw Refusal(400, "s (a label, user/-/label/NAME) is needed")
            }
            var new: String?
            if endpoint == "rename-tag" {
                guard let dest = request.value("dest").flatMap(ReaderStream.init), case .label(let name) = dest else {
                    throw Refusal(400, "dest (a label, user/-/label/NAME) is needed")
                }
                new = name
            }
            for feed in try read({ try library().feeds() }) where feed.labels.contains(old) {
                var tags = feed.labels.filter { $0 != old }
                if let new, !tags.contains(new) { tags.insert(new, at: feed.labels.firstIndex(of: old) ?? tags.count) }
                guard let url = URL(string: feed.url) else { continue }
                try await blocking { [tags] in try editor.update(url, name: nil, tags: tags, configuration: library().configuration) }
            }
            return .text("OK")
        default:  // subscription/import
            let result = try await blocking { try editor.importOPML(request.body, configuration: library().configuration) }
            var response = SyncResponse.text("OK")
            response.headers.append(("X-Feedd-Imported", "\(result.added) added, \(result.skipped) skipped"))
            return response
        }
    }

    /// The feed a `feed/N` stream names, with its URL and tags.
    private func feed(_ stream: String) throws(Refusal) -> (url: URL, labels: [String]) {
        guard case .feed(let number)? = ReaderStream(stream) else { throw Refusal(400, "not a feed: \(stream.prefix(200))") }
        guard let feed = try read({ try library().feeds() }).first(where: { $0.number == number }), let url = URL(string: feed.url) else {
            throw Refusal(400, "no feed \(stream.prefix(200))")
        }
        return (url, feed.labels)
    }

    /// The address to subscribe to: clients write `feed/` before it.
    static func address(_ stream: String) -> String {
        stream.hasPrefix("feed/") && Int64(stream.dropFirst(5)) == nil ? String(stream.dropFirst(5)) : stream
    }

    private static func labels(_ tags: [String]) throws(Refusal) -> [String] {
        try tags.map { tag throws(Refusal) in
            guard case .label(let name)? = ReaderStream(ReaderState.normalised(tag)) else { throw Refusal(400, "not a label: \(tag.prefix(200))") }
            return name
        }
    }

    /// Runs a config edit off the cooperative pool.
    private func blocking<T: Sendable>(_ edit: @escaping @Sendable () throws -> T) async throws -> T {
        try await work.run { Result { try edit() } }.get()
    }

    // MARK: Atom streams (newsboat's FeedHQ mode)

    private func atomStream(_ streamID: String, _ request: SyncRequest, now: Date) throws(Refusal) -> SyncResponse {
        let query = try StreamQuery(streamID, request, defaultCount: 20, limit: Self.itemLimit)
        let library = library()
        let (entries, feeds, _) = try page(query, library: library)
        let items = try read { try library.items(ids: entries.map(\.entry.id)) }
        let feed = feeds.first { ReaderStream.feed($0.number) == query.stream }
        let text = ReaderAtomStream.document(
            streamID: query.stream.id, title: feed?.title ?? query.stream.id, siteURL: feed?.siteURL, items: items, now: now)
        return SyncResponse(headers: [("Content-Type", "application/atom+xml; charset=utf-8")], body: Data(text.utf8))
    }
}
