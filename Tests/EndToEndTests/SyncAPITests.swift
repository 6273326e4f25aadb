import Crypto
import FeedStore
import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The Google Reader API served by the real feedd over HTTP, to a client of the test's own (URLSession) whose
/// replies are decoded as the apps decode them: strict field types, ids and microsecond times as strings,
/// decimal ids in `stream/items/ids`. Then Debian's newsboat in its FeedHQ mode, a real app.
@Suite(.serialized)
struct SyncAPITests {
    static let french = """
        <?xml version="1.0" encoding="UTF-8"?>
        <rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
        <channel><title>Le Carnet</title><link>https://carnet.example.fr/</link>
        <item><title>L&#8217;été « chaud » des serveurs</title><link>https://carnet.example.fr/ete</link>
        <guid>https://carnet.example.fr/?p=1</guid><pubDate>Mon, 30 Nov 2026 08:00:00 +0000</pubDate>
        <content:encoded><![CDATA[<p>Il fait chaud&#160;: « très »</p>]]></content:encoded></item>
        <item><title>Sécurité : correctif publié</title><link>https://carnet.example.fr/secu</link>
        <guid>https://carnet.example.fr/?p=2</guid><pubDate>Tue, 01 Dec 2026 08:00:00 +0000</pubDate>
        <description>Un correctif.</description></item>
        <item><title>Entretien avec une mainteneuse</title><link>https://carnet.example.fr/entretien</link>
        <guid>https://carnet.example.fr/?p=3</guid><pubDate>Wed, 02 Dec 2026 08:00:00 +0000</pubDate>
        <description>Questions et réponses.</description></item>
        </channel></rss>
        """
    static let rust = """
        <?xml version="1.0" encoding="utf-8"?>
        <feed xmlns="http://www.w3.org/2005/Atom"><title>Rust notes</title><id>urn:rust-notes</id>
        <link rel="alternate" href="https://rust.example.org/"/><updated>2026-12-03T10:00:00Z</updated>
        <entry><id>urn:rust-notes:1</id><title>Why Vec&lt;T&gt; beats LinkedList&lt;T&gt;</title>
        <link href="https://rust.example.org/vec"/><updated>2026-12-03T10:00:00Z</updated><author><name>Ferris</name></author>
        <content type="html">&lt;p&gt;Cache lines.&lt;/p&gt;</content></entry>
        <entry><id>urn:rust-notes:2</id><title>The &lt;dialog&gt; element</title>
        <link href="https://rust.example.org/dialog"/><updated>2026-12-04T10:00:00Z</updated>
        <summary>Modal, finally.</summary></entry>
        </feed>
        """

    /// A feed with many items, for load.
    static func bigFeed(_ count: Int) -> String {
        let items = (0..<count).map { number in
            "<item><title>Dépêche n° \(number)</title><link>https://gros.example.fr/\(number)</link><guid>g\(number)</guid>"
                + "<description>Texte \(number) « court ».</description></item>"
        }
        return "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Gros</title>\(items.joined())</channel></rss>"
    }

    static let newFeed = """
        <?xml version="1.0" encoding="UTF-8"?>
        <rss version="2.0"><channel><title>Le Nouveau</title><link>https://nouveau.example.fr/</link>
        <item><title>Premier billet</title><link>https://nouveau.example.fr/1</link><guid>n1</guid></item>
        </channel></rss>
        """

    static let rustExtra = """
        <entry><id>urn:rust-notes:3</id><title>Option&lt;Box&lt;S&gt;&gt; where S: Send</title>
        <link href="https://rust.example.org/option"/><updated>2026-12-05T10:00:00Z</updated><summary>Boxes.</summary></entry>
        """

    /// feedd with the API on a free port, its two feeds fetched, and alice's password set.
    struct Setup {
        let directory: TemporaryDirectory
        let config: String
        let daemon: RunningDaemon
        let base: URL
        let server: TestHTTPServer
        /// Set to add an entry to the Rust feed.
        let rustGrows = Locked(false)
        static let password = "mot de passe « sûr »"

        init(editSubscriptions: Bool = false, bigFeedItems: Int = 0) async throws {
            let rustGrows = rustGrows
            let big = SyncAPITests.bigFeed(bigFeedItems)
            let server = try TestHTTPServer(keepAlive: true) { request in
                guard request.path != "/big" else { return .init(text: big) }
                guard request.path != "/carnet" else { return .init(text: SyncAPITests.french) }
                guard request.path != "/nouveau" else { return .init(text: SyncAPITests.newFeed) }
                guard rustGrows.value else { return .init(text: SyncAPITests.rust) }
                return .init(text: SyncAPITests.rust.replacingOccurrences(of: "</feed>", with: SyncAPITests.rustExtra + "</feed>"))
            }
            self.server = server
            directory = try TemporaryDirectory()
            let port = try FreePort.take()
            base = URL(string: "http://127.0.0.1:\(port)")!
            config = try directory.write(
                "c.yaml",
                """
                state_dir: s
                api:
                  listen: 127.0.0.1:\(port)
                  users:
                    - name: alice
                      password_hash_file: alice.hash
                  edit_subscriptions: \(editSubscriptions)
                # Our feeds: this comment stays whatever the apps do.
                feeds:
                  - url: \(server.url("/carnet"))
                    tags: [fr, blogs]
                  - url: \(server.url("/rust"))
                    name: Rust notes
                    tags: [dev]
                \(bigFeedItems > 0 ? "  - url: \(server.url("/big"))\n    name: Gros\n" : "")

                """)
            let passwd = try await APIAccountTests.passwd(Self.password, user: "alice", config: config)
            try #require(passwd.status == 0, "\(passwd.stderr)")
            // Fetched first, so the daemon serves at once what it would otherwise spread over its first minute.
            let once = try await Subprocess.run("feedd", ["--config", config, "--once"])
            try #require(once.status == 0, "\(once.stderr)")
            daemon = try RunningDaemon(config: config, directory: directory)
            let daemon = daemon
            let up = try await daemon.wait(seconds: 30) { daemon.log.contains("api listening") }
            try #require(up, "\(daemon.log)")
        }

        func client() async throws -> ReaderClient {
            var client = ReaderClient(base: base)
            try await client.logIn(user: "alice", password: Self.password)
            return client
        }

        func feedctl(_ arguments: String...) async throws -> Subprocess {
            try await Subprocess.run("feedctl", arguments + ["--config", config])
        }
    }

    /// A Google Reader client: form posts, the `GoogleLogin` header once logged in.
    struct ReaderClient {
        let base: URL
        var token: String?

        struct Reply {
            var status: Int
            var headers: [String: String]
            var body: Data
            var text: String { String(decoding: body, as: UTF8.self) }
        }

        mutating func logIn(user: String, password: String) async throws {
            let reply = try await post("/accounts/ClientLogin", [("Email", user), ("Passwd", password)])
            try #require(reply.status == 200, "\(reply.status) \(reply.text)")
            token = reply.text.split(separator: "\n").first { $0.hasPrefix("Auth=") }.map { String($0.dropFirst(5)) }
        }

        func get(_ path: String, _ query: [(String, String)] = []) async throws -> Reply {
            var components = URLComponents(url: base.appendingPathComponent(path), resolvingAgainstBaseURL: false)!
            if !query.isEmpty { components.percentEncodedQuery = Self.form(query) }
            return try await send(URLRequest(url: components.url!))
        }

        /// A GET of a path written as the client writes it (its escapes kept).
        func get(raw path: String) async throws -> Reply {
            try await send(URLRequest(url: URL(string: base.absoluteString + path)!))
        }

        /// A form POST; `path` may carry a query (`/fever/?api&items`).
        func post(_ path: String, _ form: [(String, String)]) async throws -> Reply {
            var request = URLRequest(url: try #require(URL(string: base.absoluteString + path)))
            request.httpMethod = "POST"
            request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
            request.httpBody = Data(Self.form(form).utf8)
            return try await send(request)
        }

        func json<T: Decodable>(_ type: T.Type, _ path: String, _ query: [(String, String)] = []) async throws -> T {
            let reply = try await get(path, query)
            try #require(reply.status == 200, "\(path): \(reply.status) \(reply.text)")
            return try JSONDecoder().decode(T.self, from: reply.body)
        }

        private func send(_ request: URLRequest) async throws -> Reply {
            var request = request
            if let token { request.setValue("GoogleLogin auth=\(token)", forHTTPHeaderField: "Authorization") }
            let (data, response) = try await URLSession.shared.data(for: request)
            let http = try #require(response as? HTTPURLResponse)
            var headers: [String: String] = [:]
            for (name, value) in http.allHeaderFields { headers["\(name)".lowercased()] = "\(value)" }
            return Reply(status: http.statusCode, headers: headers, body: data)
        }

        static func form(_ pairs: [(String, String)]) -> String {
            var allowed = CharacterSet.alphanumerics
            allowed.insert(charactersIn: "-._~")
            return pairs.map { "\($0.0.addingPercentEncoding(withAllowedCharacters: allowed)!)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed)!)" }
                .joined(separator: "&")
        }
    }

    // The replies' shapes, as strict as the apps' decoders.
    struct Subscriptions: Decodable {
        struct Category: Decodable {
            let id: String
            let label: String
        }
        struct Subscription: Decodable {
            let id: String
            let title: String
            let categories: [Category]
            let url: String
            let htmlUrl: String
            let iconUrl: String
        }
        let subscriptions: [Subscription]
    }

    struct ItemRefs: Decodable {
        struct Ref: Decodable {
            let id: String
            let directStreamIds: [String]
            let timestampUsec: String
        }
        let itemRefs: [Ref]
        let continuation: String?
    }

    struct Stream: Decodable {
        struct Link: Decodable { let href: String }
        struct Summary: Decodable { let content: String }
        struct Origin: Decodable {
            let streamId: String
            let title: String
            let htmlUrl: String
        }
        struct Item: Decodable {
            let id: String
            let crawlTimeMsec: String
            let timestampUsec: String
            let published: Int
            let updated: Int
            let title: String
            let canonical: [Link]
            let alternate: [Link]
            let summary: Summary
            let author: String?
            let categories: [String]
            let origin: Origin
        }
        let id: String
        let updated: Int
        let items: [Item]
        let continuation: String?
    }

    struct UnreadCounts: Decodable {
        struct Count: Decodable {
            let id: String
            let count: Int
            let newestItemTimestampUsec: String
        }
        let max: Int
        let unreadcounts: [Count]
    }

    static let readingList = "user/-/state/com.google/reading-list"
    static let read = "user/-/state/com.google/read"
    static let starred = "user/-/state/com.google/starred"

    @Test func loginGivesATokenEveryOtherEndpointNeedsAndOnlyItsDigestIsKept() async throws {
        let setup = try await Setup()
        var client = ReaderClient(base: setup.base)
        let wrong = try await client.post("/accounts/ClientLogin", [("Email", "alice"), ("Passwd", "nope")])
        #expect(wrong.status == 403 && wrong.text.contains("BadAuthentication"), "\(wrong.text)")
        let nobody = try await client.get("/reader/api/0/subscription/list", [("output", "json")])
        #expect(nobody.status == 401 && nobody.headers["x-reader-google-bad-token"] == "true")
        #expect(nobody.headers["date"] != nil, "every reply carries a Date header")

        let login = try await client.post("/accounts/ClientLogin", [("Email", "alice"), ("Passwd", Setup.password)])
        let lines = login.text.split(separator: "\n").map(String.init)
        #expect(login.status == 200 && lines.count == 3 && lines[0].hasPrefix("SID=") && lines[1].hasPrefix("LSID=") && lines[2].hasPrefix("Auth="))
        let token = String(lines[2].dropFirst(5))
        #expect(token.count >= 32 && !token.contains("="), "at least 128 bits, and no '=' for clients that split on it")
        client.token = token
        let info = try await client.get("/reader/api/0/user-info")
        #expect(info.status == 200 && info.text.contains("\"userName\":\"alice\""), "\(info.text)")

        // Only a digest of the token is stored, in a file only feedd's user reads.
        let sessions = setup.directory.url.appendingPathComponent("s/api/sessions.json").path
        let stored = try String(contentsOfFile: sessions, encoding: .utf8)
        #expect(!stored.contains(token) && stored.contains("\"user\" : \"alice\""), "\(stored)")
        #expect((try FileManager.default.attributesOfItem(atPath: sessions)[.posixPermissions] as? Int) == 0o600)

        // feedctl lists the session and ends it: the app's next request is refused.
        let listed = try await setup.feedctl("api", "tokens")
        let line = try #require(listed.stdout.split(separator: "\n").first { $0.contains("alice") && $0.contains("127.0.0.1") }, "\(listed.stdout)")
        #expect(try await setup.feedctl("api", "tokens", "revoke", String(line.prefix(12))).stdout == "1 session(s) ended\n")
        let revoked = try await client.get("/reader/api/0/user-info")
        #expect(revoked.status == 401 && revoked.headers["x-reader-google-bad-token"] == "true")
        #expect(try await setup.feedctl("api", "tokens").stdout == "No sessions.\n")

        // A made-up token is refused as a missing one is; the log says why, without the token.
        client.token = String(repeating: "ab", count: 32)
        let forged = try await client.get("/reader/api/0/tag/list")
        #expect(forged.status == 401 && forged.headers["x-reader-google-bad-token"] == "true")

        // A user taken out of the config loses their sessions at the reload.
        try await client.logIn(user: "alice", password: Setup.password)
        #expect(try await client.get("/reader/api/0/tag/list").status == 200)
        let text = try String(contentsOfFile: setup.config, encoding: .utf8).replacingOccurrences(of: "name: alice", with: "name: bob")
        try Data(text.utf8).write(to: URL(fileURLWithPath: setup.config))
        setup.daemon.process.send(SIGHUP)
        let reloaded = try await setup.daemon.wait(seconds: 20) { setup.daemon.log.contains("configuration reloaded") }
        #expect(reloaded, "\(setup.daemon.log)")
        #expect(try await client.get("/reader/api/0/tag/list").status == 401)
        #expect(await setup.daemon.stop() == .exited(0))
        let log = setup.daemon.log
        #expect(log.contains("api request refused") && !log.contains(token) && !log.contains("sûr"), "\(log)")
    }

    @Test func feedsStreamsAndItemsDecodeAsTheAppsDecodeThem() async throws {
        let setup = try await Setup()
        let client = try await setup.client()

        let subscriptions = try await client.json(Subscriptions.self, "/reader/api/0/subscription/list", [("output", "json")])
        #expect(subscriptions.subscriptions.map(\.title) == ["Le Carnet", "Rust notes"])
        let carnet = try #require(subscriptions.subscriptions.first)
        #expect(carnet.id.hasPrefix("feed/") && Int64(carnet.id.dropFirst(5)) != nil)
        #expect(carnet.categories.map(\.label) == ["fr", "blogs"] && carnet.categories.map(\.id) == ["user/-/label/fr", "user/-/label/blogs"])
        #expect(carnet.htmlUrl == "https://carnet.example.fr/" && carnet.url == setup.server.url("/carnet").absoluteString)
        let rustID = subscriptions.subscriptions[1].id

        let tags = try await client.get("/reader/api/0/tag/list", [("output", "json")])
        #expect(tags.text.contains("\"id\":\"user/-/label/dev\"") && tags.text.contains(Self.starred), "\(tags.text)")
        let counts = try await client.json(UnreadCounts.self, "/reader/api/0/unread-count", [("output", "json")])
        #expect(counts.max == 5)
        #expect(counts.unreadcounts.first { $0.id == rustID }?.count == 2 && counts.unreadcounts.first { $0.id == "user/-/label/fr" }?.count == 3)

        // The unread reading list, two ids a page, followed through its continuations.
        var ids: [String] = []
        var continuation: String?
        repeat {
            var query = [("s", Self.readingList), ("xt", Self.read), ("n", "2")]
            if let continuation { query.append(("c", continuation)) }
            let page = try await client.json(ItemRefs.self, "/reader/api/0/stream/items/ids", query)
            #expect(page.itemRefs.count <= 2 && page.itemRefs.allSatisfy { Int64($0.id) != nil && Int64($0.timestampUsec) != nil })
            ids += page.itemRefs.map(\.id)
            continuation = page.continuation
        } while continuation != nil && ids.count < 10
        #expect(ids.count == 5 && Set(ids).count == 5, "\(ids)")

        // One item asked for in its three forms: decimal, long and short hex.
        let decimal = try #require(ids.first)
        let hex = String(UInt64(bitPattern: try #require(Int64(decimal))), radix: 16)
        let short = String(repeating: "0", count: 16 - hex.count) + hex
        for form in [decimal, "tag:google.com,2005:reader/item/\(short)", short] {
            let reply = try await client.post("/reader/api/0/stream/items/contents", [("i", form)])
            let stream = try JSONDecoder().decode(Stream.self, from: reply.body)
            #expect(stream.items.map(\.id) == ["tag:google.com,2005:reader/item/\(short)"], "\(form): \(reply.text)")
        }

        // A feed's stream, its slash escaped as some apps send it: every title exactly as published.
        let feedPath = "/reader/api/0/stream/contents/" + rustID.replacingOccurrences(of: "/", with: "%2F")
        let rust = try await client.get(raw: feedPath + "?n=10")
        let rustStream = try JSONDecoder().decode(Stream.self, from: rust.body)
        #expect(rustStream.items.map(\.title) == ["The <dialog> element", "Why Vec<T> beats LinkedList<T>"], "\(rust.text)")
        #expect(rustStream.items.allSatisfy { $0.origin.streamId == rustID && $0.origin.title == "Rust notes" && $0.categories.contains(Self.readingList) })
        #expect(rustStream.items.last?.author == "Ferris" && rustStream.items.last?.summary.content == "<p>Cache lines.</p>")
        #expect(rustStream.items.last?.canonical.first?.href == "https://rust.example.org/vec")
        // An item with a full article kept (full_text) reaches apps with the article as its text.
        let store = try FeedStore(directory: setup.directory.url.appendingPathComponent("s"))
        let list = try await Subprocess.run("feedctl", ["list", "--all", "--json", "--config", setup.config])
        let listed = try #require(try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]])
        let itemID = try #require(listed.first { $0["title"] as? String == "Why Vec<T> beats LinkedList<T>" }?["id"] as? String)
        try store.save(StoredArticle(id: itemID, page: "https://rust.example.org/vec", fetched: Date(), html: "<p>The whole article.</p>", words: 3))
        let withArticle = try JSONDecoder().decode(Stream.self, from: try await client.get(raw: feedPath + "?n=10").body)
        #expect(withArticle.items.last?.summary.content == "<p>The whole article.</p>")
        let french = try await client.json(Stream.self, "/reader/api/0/stream/contents", [("s", "user/-/label/fr"), ("n", "10"), ("r", "o")])
        #expect(french.items.map(\.title) == ["L’été « chaud » des serveurs", "Sécurité : correctif publié", "Entretien avec une mainteneuse"])
        #expect(french.items.first?.summary.content == "<p>Il fait chaud&#160;: « très »</p>")

        // Mistakes get a 400 and a line, never a crash.
        for (path, query) in [
            ("/reader/api/0/stream/items/ids", [("s", "user/-/state/com.google/nothing")]),
            ("/reader/api/0/stream/items/ids", [("s", Self.readingList), ("c", "not-a-continuation")]),
            ("/reader/api/0/stream/items/ids", [("s", Self.readingList), ("c", "999")]),
            ("/reader/api/0/stream/items/ids", [("s", "feed/abc")]),
            ("/reader/api/0/stream/items/contents", [("i", "tag:google.com,2005:reader/item/zz")]),
        ] {
            let reply = try await client.get(path, query)
            #expect(reply.status == 400, "\(path) \(query): \(reply.status) \(reply.text)")
        }
        let unknown = try await client.get("/reader/api/0/no-such-thing")
        #expect(unknown.status == 404)
        #expect(await setup.daemon.stop() == .exited(0), "\(setup.daemon.log)")
    }

    @Test func marksMadeThroughTheAPIAreWhatFeedctlSees() async throws {
        let setup = try await Setup()
        let client = try await setup.client()
        let token = try await client.get("/reader/api/0/token").text.trimmingCharacters(in: .whitespacesAndNewlines)
        let refs = try await client.json(ItemRefs.self, "/reader/api/0/stream/items/ids", [("s", Self.readingList), ("n", "10")])
        let ids = refs.itemRefs.map(\.id)
        try #require(ids.count == 5)

        func listed() async throws -> [(id: String, read: Bool, starred: Bool)] {
            let run = try await setup.feedctl("list", "--all", "--json")
            let items = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [[String: Any]], "\(run.stderr)")
            return items.map { ($0["id"] as? String ?? "", $0["read"] as? Bool ?? false, $0["starred"] as? Bool ?? false) }
        }
        func hex(_ decimal: String) -> String {
            let digits = String(UInt64(bitPattern: Int64(decimal) ?? 0), radix: 16)
            return String(repeating: "0", count: 16 - digits.count) + digits
        }

        // Two read and one starred in one edit-tag each, with many i.
        let marked = try await client.post(
            "/reader/api/0/edit-tag", [("i", ids[0]), ("i", ids[1]), ("a", "user/-/state/com.google/read"), ("T", token)])
        #expect(marked.status == 200 && marked.text == "OK", "\(marked.text)")
        let star = try await client.post("/reader/api/0/edit-tag", [("i", ids[2]), ("a", "user/12345/state/com.google/starred"), ("T", token)])
        #expect(star.text == "OK")
        var state = try await listed()
        #expect(Set(state.filter(\.read).map(\.id)) == [hex(ids[0]), hex(ids[1])])
        #expect(state.filter(\.starred).map(\.id) == [hex(ids[2])])

        // Unread again, as newsboat asks it (kept-unread too); a wrong T is refused and changes nothing.
        let unread = try await client.post(
            "/reader/api/0/edit-tag",
            [("i", ids[0]), ("r", "user/-/state/com.google/read"), ("a", "user/-/state/com.google/kept-unread"), ("T", token)])
        #expect(unread.text == "OK")
        let forged = try await client.post("/reader/api/0/edit-tag", [("i", ids[3]), ("a", "user/-/state/com.google/read"), ("T", "forged")])
        #expect(forged.status == 401)
        state = try await listed()
        #expect(state.filter(\.read).map(\.id) == [hex(ids[1])])

        // Mark all as read for one feed, before a time in microseconds (as some apps send it).
        let subscriptions = try await client.json(Subscriptions.self, "/reader/api/0/subscription/list", [("output", "json")])
        let later = String(Int64(Date().timeIntervalSince1970 + 60) * 1_000_000)
        let all = try await client.post(
            "/reader/api/0/mark-all-as-read", [("s", subscriptions.subscriptions[1].id), ("ts", later), ("T", token)])
        #expect(all.text == "OK")
        let rust = try await setup.feedctl("list", "--feed", "Rust notes", "--format", "tsv")
        #expect(rust.stdout.isEmpty, "Rust notes is all read: \(rust.stdout)")
        let starredStream = try await client.json(
            ItemRefs.self, "/reader/api/0/stream/items/ids", [("s", Self.starred), ("n", "10")])
        #expect(starredStream.itemRefs.map(\.id) == [ids[2]])

        // The same question asked again after feedctl (another process) changed the store gets a new answer,
        // however often it was asked before (answers are cached until the store changes).
        let unreadQuery = [("s", Self.readingList), ("xt", Self.read), ("n", "10")]
        let before = try await client.json(ItemRefs.self, "/reader/api/0/stream/items/ids", unreadQuery).itemRefs.map(\.id)
        try await Task.sleep(for: .milliseconds(100))
        #expect(try await client.json(ItemRefs.self, "/reader/api/0/stream/items/ids", unreadQuery).itemRefs.map(\.id) == before)
        let someone = try #require(before.first)
        #expect(try await setup.feedctl("read", hex(someone)).status == 0)
        for pause in [0, 100] {
            try await Task.sleep(for: .milliseconds(pause))
            let after = try await client.json(ItemRefs.self, "/reader/api/0/stream/items/ids", unreadQuery).itemRefs.map(\.id)
            #expect(after == Array(before.dropFirst()), "\(pause) ms after")
        }
        #expect(await setup.daemon.stop() == .exited(0), "\(setup.daemon.log)")
    }

    @Test func failedLoginsAreSlowedAndFloodsOfParametersAndBigBodiesAreRefused() async throws {
        let setup = try await Setup()
        let logged = try await setup.client()
        let client = ReaderClient(base: setup.base)
        var statuses: [Int] = []
        var retryAfter: String?
        for _ in 0..<4 {
            let reply = try await client.post("/accounts/ClientLogin", [("Email", "mallory"), ("Passwd", "guess")])
            statuses.append(reply.status)
            retryAfter = retryAfter ?? reply.headers["retry-after"]
        }
        // The first failure makes the address wait a second, the next two, …: a quick fourth try is not checked.
        #expect(statuses.first == 403 && statuses.contains(429), "\(statuses)")
        #expect(retryAfter.flatMap(Int.init).map { $0 >= 1 } == true)

        let many = (0..<1500).map { ("i", String($0)) }
        let flood = try await logged.post("/reader/api/0/stream/items/contents", many)
        #expect(flood.status == 400, "\(flood.text)")
        var big = URLRequest(url: setup.base.appendingPathComponent("/reader/api/0/edit-tag"))
        big.httpMethod = "POST"
        big.httpBody = Data(repeating: UInt8(ascii: "a"), count: 2 << 20)
        big.setValue("GoogleLogin auth=\(logged.token ?? "")", forHTTPHeaderField: "Authorization")
        let (_, response) = try await URLSession.shared.data(for: big)
        #expect((response as? HTTPURLResponse)?.statusCode == 413)
        #expect(await setup.daemon.stop() == .exited(0), "\(setup.daemon.log)")
    }

    /// Clients that hold connections without finishing a request: past the connection limit (256,
    /// `SyncServer.connectionLimit`) the next client waits (the daemon takes no more), each is cut off after
    /// the idle timeout (30 s, `SyncServer.idleTimeout`), then apps are answered again and the daemon stops
    /// cleanly. About 35 s: the real timeout, not a shorter one.
    @Test func slowClientsAreCutOffAndConnectionsPastTheLimitWait() async throws {
        let (connectionLimit, idleSeconds) = (256, 30)
        let setup = try await Setup()
        let port = try #require(setup.base.port)
        var held: [Int32] = []
        defer { for descriptor in held { close(descriptor) } }
        func connected(sending text: String) throws -> Int32 {
            let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let result = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            try #require(result == 0)
            _ = text.withCString { send(descriptor, $0, strlen($0), Int32(MSG_NOSIGNAL)) }
            return descriptor
        }
        for _ in 0..<connectionLimit {
            held.append(try connected(sending: "GET /reader/api/0/token HTTP/1.1\r\nHost: 127.0.0.1\r\n"))  // and no more, ever
        }
        // A whole request on one more connection gets no answer while they are held (the kernel queues it).
        let waiting = try connected(sending: "GET /reader/api/0/token HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        defer { close(waiting) }
        var poller = pollfd(fd: waiting, events: Int16(POLLIN), revents: 0)
        #expect(poll(&poller, 1, 3000) == 0, "past the limit, a new connection is not served")

        // Each held connection is closed by the daemon (recv sees the end, or an error reply before it).
        func cutOff() -> Int {
            held.filter { descriptor in
                var byte: UInt8 = 0
                return recv(descriptor, &byte, 1, Int32(MSG_PEEK | MSG_DONTWAIT)) >= 0 || errno != EAGAIN
            }.count
        }
        let deadline = ContinuousClock.now + .seconds(idleSeconds + 20)
        while ContinuousClock.now < deadline && cutOff() < connectionLimit {
            try await Task.sleep(for: .milliseconds(500))
        }
        #expect(cutOff() >= connectionLimit)
        #expect(poll(&poller, 1, 5000) == 1, "the waiting request is answered once they are gone")
        let client = try await setup.client()
        #expect(try await client.get("/reader/api/0/user-info").status == 200)
        #expect(await setup.daemon.stop() == .exited(0), "\(setup.daemon.log)")
    }

    /// Debian's newsboat (2.21) in its FeedHQ mode, which speaks the Google Reader API and reads each feed as
    /// an Atom stream: it lists what feedd has, a mark made in feedd reaches it, and an article opened in it
    /// is read in `feedctl list`.
    @Test func newsboatReadsFromFeeddAndTheMarksGoBothWays() async throws {
        let setup = try await Setup()
        let home = setup.directory.url.appendingPathComponent("newsboat")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        let config = try setup.directory.write(
            "newsboat/config",
            """
            urls-source "feedhq"
            feedhq-url "\(setup.base.absoluteString)"
            feedhq-login "alice"
            feedhq-passwordfile "\(home.path)/password"

            """)
        _ = try setup.directory.write("newsboat/password", Setup.password + "\n")
        let urls = try setup.directory.write("newsboat/urls", "")
        let arguments = ["-C", config, "-u", urls, "-c", home.path + "/cache.db"]
        func unreadInNewsboat() async throws -> String {
            let run = try await Subprocess.runCommand("/usr/bin/newsboat", arguments + ["-x", "reload", "print-unread"], environment: ["HOME": home.path])
            return run.stdout.trimmingCharacters(in: .whitespacesAndNewlines) + run.stderr
        }
        #expect(try await unreadInNewsboat() == "5 unread articles")

        // Read in feedd, read in newsboat at its next reload.
        let rust = try await setup.feedctl("list", "--feed", "Rust notes", "--format", "tsv")
        let rustID = try #require(rust.stdout.split(separator: "\t").first.map(String.init))
        #expect(try await setup.feedctl("read", rustID).status == 0)
        #expect(try await unreadInNewsboat() == "4 unread articles")

        // Opened in newsboat, in a real terminal: read in feedd.
        let pane = try await ReaderTerminalTests.Pane(
            command: ["/usr/bin/newsboat"] + arguments, width: 110, height: 30, environment: ["HOME": home.path])
        let feeds = try await pane.wait("the feed list") { $0.contains("Le Carnet") && $0.contains("Rust notes") }
        let rows = feeds.split(separator: "\n", omittingEmptySubsequences: false)
        let carnetRow = try #require(rows.firstIndex { $0.contains("Le Carnet") })
        for _ in 1..<carnetRow { try await pane.send("Down") }
        try await pane.send("Enter")
        try await pane.wait("Le Carnet's articles") { $0.contains("Entretien avec une mainteneuse") && $0.contains("L’été « chaud » des serveurs") }
        try await pane.send("Enter")
        try await pane.wait("the article") { $0.contains("Title: Entretien avec une mainteneuse") }
        // Back to the articles, back to the feeds, and out.
        for _ in 0..<3 { try await pane.send("q") }
        try await pane.wait("newsboat's exit") { $0.contains("[exited 0]") }
        let unread = try await setup.feedctl("list", "--format", "tsv")
        let titles = unread.stdout.split(separator: "\n").map { $0.split(separator: "\t")[3] }
        #expect(titles.count == 3 && !titles.contains("Entretien avec une mainteneuse"), "\(unread.stdout)")
        #expect(await setup.daemon.stop() == .exited(0), "\(setup.daemon.log)")
    }

    /// Fever, decoded as its clients do (numbers as integers, id lists as comma-separated strings).
    struct Fever: Decodable {
        struct Item: Decodable {
            let id: Int
            let feed_id: Int
            let title: String
            let author: String
            let html: String
            let url: String
            let is_saved: Int
            let is_read: Int
            let created_on_time: Int
        }
        struct Feed: Decodable {
            let id: Int
            let title: String
            let url: String
            let site_url: String
        }
        struct Group: Decodable {
            let id: Int
            let title: String
        }
        struct FeedsGroup: Decodable {
            let group_id: Int
            let feed_ids: String
        }
        let api_version: Int
        let auth: Int
        let items: [Item]?
        let total_items: Int?
        let feeds: [Feed]?
        let groups: [Group]?
        let feeds_groups: [FeedsGroup]?
        let unread_item_ids: String?
        let saved_item_ids: String?
    }

    @Test func feverNumbersItemsInArrivalOrderAndMarksThem() async throws {
        let setup = try await Setup()
        let client = ReaderClient(base: setup.base)
        let key = Insecure.MD5.hash(data: Data("alice:\(Setup.password)".utf8)).map { String(format: "%02x", $0) }.joined()
        func fever(_ query: String, _ form: [(String, String)] = []) async throws -> Fever {
            let reply = try await client.post("/fever/?api" + query, [("api_key", key)] + form)
            try #require(reply.status == 200, "\(query): \(reply.status) \(reply.text)")
            return try JSONDecoder().decode(Fever.self, from: reply.body)
        }

        let groups = try await fever("&groups&feeds")
        #expect(groups.auth == 1 && groups.api_version == 3)
        #expect(groups.groups?.map(\.title) == ["fr", "blogs", "dev"] && groups.feeds?.map(\.title) == ["Le Carnet", "Rust notes"])
        let rustFeed = try #require(groups.feeds?.last)
        let dev = try #require(groups.groups?.last)
        #expect(groups.feeds_groups?.first { $0.group_id == dev.id }?.feed_ids == String(rustFeed.id))

        let first = try await fever("&items")
        let items = try #require(first.items)
        #expect(items.count == 5 && first.total_items == 5 && items.map(\.id) == Array(1...5), "numbered from 1, oldest first")
        #expect(Set(items.map(\.title)).isSuperset(of: ["Why Vec<T> beats LinkedList<T>", "L’été « chaud » des serveurs"]))
        #expect(try await fever("&items&since_id=3").items?.map(\.id) == [4, 5])
        #expect(try await fever("&items&max_id=3").items?.map(\.id) == [2, 1])
        #expect(try await fever("&items&with_ids=5,2").items?.map(\.id) == [2, 5])
        #expect(try await fever("&unread_item_ids").unread_item_ids == "1,2,3,4,5")

        // A new item, whatever its hash, gets the next number, so since_id finds it.
        setup.rustGrows.withLock { $0 = true }
        #expect(try await setup.feedctl("fetch", "Rust notes").status == 0)
        let grown = try await setup.daemon.wait(seconds: 20) { setup.daemon.count("items_new=1") == 1 }
        try #require(grown, "\(setup.daemon.log)")
        let newer = try await fever("&items&since_id=5")
        #expect(newer.items?.map(\.id) == [6] && newer.items?.first?.title == "Option<Box<S>> where S: Send", "\(String(describing: newer.items))")

        // Marks: read and saved are states, set again they stay set.
        _ = try await fever("", [("mark", "item"), ("as", "read"), ("id", "6")])
        _ = try await fever("", [("mark", "item"), ("as", "saved"), ("id", "2")])
        let saved = try await fever("", [("mark", "item"), ("as", "saved"), ("id", "2")])
        #expect(saved.saved_item_ids == "2")
        let unread = try await setup.feedctl("list", "--format", "tsv")
        #expect(!unread.stdout.contains("Option<Box<S>>") && unread.stdout.split(separator: "\n").count == 5)
        let marked = try await fever("", [("mark", "feed"), ("as", "read"), ("id", String(rustFeed.id)), ("before", String(Int(Date().timeIntervalSince1970) + 60))])
        let rustTitles = Set(items.filter { $0.feed_id == rustFeed.id }.map(\.id))
        #expect(Set((marked.unread_item_ids ?? "").split(separator: ",").compactMap { Int($0) }).isDisjoint(with: rustTitles))
        let all = try await fever("", [("mark", "group"), ("as", "read"), ("id", "0"), ("before", String(Int(Date().timeIntervalSince1970) + 60))])
        #expect(all.unread_item_ids == "")
        let bad = try await client.post("/fever/?api", [("api_key", key), ("mark", "item"), ("as", "read"), ("id", "999")])
        #expect(bad.status == 400)
        // A wrong key gets auth 0 and nothing else (and slows that address down, as a failed login does).
        let refused = try await client.post("/fever/?api&items", [("api_key", "0123456789abcdef0123456789abcdef")])
        let refusal = try JSONDecoder().decode(Fever.self, from: refused.body)
        #expect(refused.status == 200 && refusal.auth == 0 && refusal.items == nil)
        #expect(await setup.daemon.stop() == .exited(0), "\(setup.daemon.log)")
    }

    @Test func appsEditTheSubscriptionsAsFeedctlDoesWhenAllowed() async throws {
        let setup = try await Setup(editSubscriptions: true)
        let client = try await setup.client()
        let token = try await client.get("/reader/api/0/token").text
        func config() throws -> String { try String(contentsOfFile: setup.config, encoding: .utf8) }
        func subscriptions() async throws -> [Subscriptions.Subscription] {
            try await client.json(Subscriptions.self, "/reader/api/0/subscription/list", [("output", "json")]).subscriptions
        }

        let added = try await client.post("/reader/api/0/subscription/quickadd", [("quickadd", setup.server.url("/nouveau").absoluteString), ("T", token)])
        #expect(added.status == 200 && added.text.contains("\"numResults\":1") && added.text.contains("\"streamName\":\"Le Nouveau\""), "\(added.text)")
        let afterAdd = try config()
        #expect(afterAdd.contains("  - url: \(setup.server.url("/nouveau").absoluteString)\n"), "\(afterAdd)")
        // Listed at once (by its URL until the daemon has fetched it), under the id quickadd gave.
        let new = try #require(try await subscriptions().first { $0.url == setup.server.url("/nouveau").absoluteString })
        #expect(added.text.contains("\"streamId\":\"\(new.id)\""))
        let reloaded = try await setup.daemon.wait(seconds: 20) { setup.daemon.log.contains("configuration reloaded") }
        #expect(reloaded, "the daemon schedules it: \(setup.daemon.log)")
        let again = try await client.post("/reader/api/0/subscription/quickadd", [("quickadd", setup.server.url("/nouveau").absoluteString), ("T", token)])
        #expect(again.status == 400 && again.text.contains("already in"), "\(again.text)")

        // Renamed and put in a folder; a tag renamed, another dropped from every feed.
        let edited = try await client.post(
            "/reader/api/0/subscription/edit",
            [("ac", "edit"), ("s", new.id), ("t", "Le « nouveau »"), ("a", "user/-/label/fr"), ("T", token)])
        #expect(edited.text == "OK", "\(edited.text)")
        #expect(try await client.post("/reader/api/0/rename-tag", [("s", "user/-/label/dev"), ("dest", "user/-/label/rust"), ("T", token)]).text == "OK")
        #expect(try await client.post("/reader/api/0/disable-tag", [("s", "user/-/label/blogs"), ("T", token)]).text == "OK")
        let listed = try await subscriptions()
        #expect(listed.map(\.title) == ["Le Carnet", "Rust notes", "Le « nouveau »"])
        #expect(listed.map { $0.categories.map(\.label) } == [["fr"], ["rust"], ["fr"]])
        let text = try config()
        #expect(text.contains("# Our feeds: this comment stays whatever the apps do.\n") && text.contains("    name: Le « nouveau »\n"), "\(text)")
        #expect(try await setup.feedctl("config", "check").status == 0)

        // Export, then import a list with one new feed and one already there.
        let export = try await client.get("/reader/api/0/subscription/export")
        #expect(export.status == 200 && export.text.contains("<opml") && export.text.contains("Le « nouveau »"))
        let opml = """
            <?xml version="1.0"?><opml version="2.0"><head><title>t</title></head><body>
            <outline type="rss" text="Carnet" xmlUrl="\(setup.server.url("/carnet").absoluteString)"/>
            <outline type="rss" text="Autre" xmlUrl="\(setup.server.url("/autre").absoluteString)"/>
            </body></opml>
            """
        var request = URLRequest(url: setup.base.appendingPathComponent("/reader/api/0/subscription/import"))
        request.httpMethod = "POST"
        request.httpBody = Data(opml.utf8)
        request.setValue("text/x-opml", forHTTPHeaderField: "Content-Type")
        request.setValue("GoogleLogin auth=\(client.token ?? "")", forHTTPHeaderField: "Authorization")
        let (_, response) = try await URLSession.shared.data(for: request)
        let http = try #require(response as? HTTPURLResponse)
        #expect(http.statusCode == 200 && http.value(forHTTPHeaderField: "X-Feedd-Imported") == "1 added, 1 skipped")

        // Unsubscribed: its entry leaves the file, the others stay.
        #expect(try await client.post("/reader/api/0/subscription/edit", [("ac", "unsubscribe"), ("s", new.id), ("T", token)]).text == "OK")
        let remaining = try await subscriptions().map(\.url)
        #expect(remaining == ["/carnet", "/rust", "/autre"].map { setup.server.url($0).absoluteString }, "\(remaining)")
        #expect(!(try config()).contains("/nouveau"))
        #expect(await setup.daemon.stop() == .exited(0), "\(setup.daemon.log)")
    }

    @Test func withoutEditSubscriptionsAppsCannotChangeTheConfig() async throws {
        let setup = try await Setup()
        let client = try await setup.client()
        let before = try String(contentsOfFile: setup.config, encoding: .utf8)
        let refused = try await client.post("/reader/api/0/subscription/quickadd", [("quickadd", setup.server.url("/nouveau").absoluteString)])
        #expect(refused.status == 403 && refused.text.contains("edit_subscriptions"), "\(refused.text)")
        let unsubscribe = try await client.post("/reader/api/0/subscription/edit", [("ac", "unsubscribe"), ("s", "feed/1")])
        #expect(unsubscribe.status == 403)
        #expect(try String(contentsOfFile: setup.config, encoding: .utf8) == before)
        // Reading the list as OPML is not an edit.
        #expect(try await client.get("/reader/api/0/subscription/export").status == 200)
        #expect(await setup.daemon.stop() == .exited(0), "\(setup.daemon.log)")
    }

    /// A mark the API answered OK for is in the store: killing feedd right after the answer loses none.
    @Test func marksAnsweredOKSurviveSIGKILL() async throws {
        let setup = try await Setup()
        let client = try await setup.client()
        let refs = try await client.json(ItemRefs.self, "/reader/api/0/stream/items/ids", [("s", Self.readingList), ("n", "10")])
        try #require(refs.itemRefs.count == 5)
        let read = try await client.post("/reader/api/0/edit-tag", [("i", refs.itemRefs[0].id), ("i", refs.itemRefs[1].id), ("a", Self.read)])
        let star = try await client.post("/reader/api/0/edit-tag", [("i", refs.itemRefs[2].id), ("a", Self.starred)])
        setup.daemon.process.send(SIGKILL)
        #expect(await setup.daemon.process.termination() == .signalled(SIGKILL))
        #expect(read.text == "OK" && star.text == "OK")
        let listed = try await setup.feedctl("list", "--all", "--json")
        let items = try #require(try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]], "\(listed.stderr)")
        #expect(items.filter { $0["read"] as? Bool == true }.count == 2)
        #expect(items.filter { $0["starred"] as? Bool == true }.count == 1)
    }

    /// 100 clients at once, each polling ids and contents and marking its own two items, while the daemon
    /// fetches: every request answered, every mark kept. The latencies are printed (a slow machine is not a
    /// failure; the figures to compare come from `feedbench api`).
    @Test func aHundredClientsPollingAndMarkingWhileTheDaemonFetchesLoseNothing() async throws {
        let setup = try await Setup(bigFeedItems: 200)
        let client = try await setup.client()
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpMaximumConnectionsPerHost = 100
        let session = URLSession(configuration: configuration)
        let refs = try await client.json(ItemRefs.self, "/reader/api/0/stream/items/ids", [("s", Self.readingList), ("n", "1000")])
        try #require(refs.itemRefs.count == 205)
        let ids = refs.itemRefs.map(\.id)
        let token = try #require(client.token)

        func send(_ path: String, form: String? = nil) async -> (ok: Bool, seconds: Double) {
            var request = URLRequest(url: URL(string: setup.base.absoluteString + path)!)
            request.setValue("GoogleLogin auth=\(token)", forHTTPHeaderField: "Authorization")
            if let form {
                request.httpMethod = "POST"
                request.httpBody = Data(form.utf8)
                request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
            }
            let started = ContinuousClock.now
            let status = (try? await session.data(for: request)).flatMap { ($0.1 as? HTTPURLResponse)?.statusCode }
            let elapsed = ContinuousClock.now - started
            return (status == 200, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
        }
        let fetching = Task {
            for _ in 0..<5 {
                _ = try? await setup.feedctl("fetch")
                try? await Task.sleep(for: .milliseconds(300))
            }
        }
        let results = await withTaskGroup(of: [(ok: Bool, seconds: Double)].self) { group in
            for number in 0..<100 {
                group.addTask {
                    var results: [(ok: Bool, seconds: Double)] = []
                    for _ in 0..<3 {
                        results.append(await send("/reader/api/0/stream/items/ids?s=\(Self.readingList)&xt=\(Self.read)&n=1000"))
                        let some = ids[(number * 2) % ids.count..<min(ids.count, (number * 2) % ids.count + 20)].map { "i=\($0)" }.joined(separator: "&")
                        results.append(await send("/reader/api/0/stream/items/contents", form: some))
                    }
                    let mine = [ids[number * 2], ids[number * 2 + 1]].map { "i=\($0)" }.joined(separator: "&")
                    results.append(await send("/reader/api/0/edit-tag", form: mine + "&a=\(Self.read)"))
                    return results
                }
            }
            var all: [(ok: Bool, seconds: Double)] = []
            for await results in group { all += results }
            return all
        }
        await fetching.value
        let latencies = results.map(\.seconds).sorted()
        let p50 = latencies[latencies.count / 2] * 1000
        let p99 = latencies[latencies.count * 99 / 100] * 1000
        print("sync API under load: \(results.count) requests from 100 clients, p50 \(Int(p50)) ms, p99 \(Int(p99)) ms")
        let failed = results.filter { !$0.ok }.count
        #expect(failed == 0, "\(failed) of \(results.count) failed")
        let unread = try await client.json(ItemRefs.self, "/reader/api/0/stream/items/ids", [("s", Self.readingList), ("xt", Self.read), ("n", "1000")])
        #expect(Set(unread.itemRefs.map(\.id)) == Set(ids.dropFirst(200)), "every client's two marks are kept")
        #expect(await setup.daemon.stop() == .exited(0), "\(setup.daemon.log)")
    }

    /// A port another program holds: one error line, and the feeds are fetched all the same.
    @Test func anAPIThatCannotListenDoesNotStopFetching() async throws {
        let taken = try SilentListener()
        let server = try TestHTTPServer { _ in .init(text: SyncAPITests.rust) }
        let directory = try TemporaryDirectory()
        let config = try directory.write(
            "c.yaml",
            """
            state_dir: s
            api:
              listen: 127.0.0.1:\(taken.port)
              users:
                - name: alice
                  password_hash_file: alice.hash
            feeds:
              - url: \(server.url("/rust"))

            """)
        let daemon = try RunningDaemon(config: config, directory: directory)
        let fetched = try await daemon.wait(seconds: 60) { daemon.log.contains("api cannot listen") && daemon.count("info fetched") == 1 }
        #expect(await daemon.stop() == .exited(0))
        #expect(fetched, "\(daemon.log)")
        #expect(daemon.log.contains("address=127.0.0.1:\(taken.port)"))
    }

    /// The path feedd.socket sets up, without systemd as PID 1: feedd's API on a unix socket, systemd's own
    /// socket-activation tool holding a TCP port and starting systemd-socket-proxyd on the first
    /// connection, as feedd-api.service does. An app logs in and reads through it.
    /// Under systemd, READY comes once the API listens: `feedd-api.service`'s forwarder, ordered after
    /// feedd, must find the socket there.
    @Test func readyIsSaidOnceTheAPIListens() async throws {
        let directory = try TemporaryDirectory()
        let port = try FreePort.take()
        let config = try directory.write(
            "c.yaml", "state_dir: s\napi:\n  listen: 127.0.0.1:\(port)\n  users:\n    - {name: alice, password_hash_file: alice.hash}\nfeeds: []\n")
        let passwd = try await APIAccountTests.passwd(Setup.password, user: "alice", config: config)
        try #require(passwd.status == 0, "\(passwd.stderr)")
        let notify = try NotifySocket(directory: directory.url)
        let daemon = try RunningDaemon(config: config, directory: directory, environment: ["NOTIFY_SOCKET": notify.path])
        #expect(await notify.waitFor { $0.contains("READY=1") })
        #expect(daemon.log.contains("api listening"), "READY before the API listened: \(daemon.log)")
        var client = ReaderClient(base: URL(string: "http://127.0.0.1:\(port)")!)
        try await client.logIn(user: "alice", password: Setup.password)
        #expect(await daemon.stop() == .exited(0))
    }

    @Test func aUnixSocketBehindSystemdsSocketProxyServesApps() async throws {
        let server = try TestHTTPServer { _ in .init(text: SyncAPITests.rust) }
        let directory = try TemporaryDirectory()
        let socketPath = directory.url.appendingPathComponent("api.sock").path
        let config = try directory.write(
            "c.yaml",
            """
            state_dir: s
            api:
              listen: \(socketPath)
              users:
                - name: alice
                  password_hash_file: alice.hash
            feeds:
              - url: \(server.url("/rust"))
                name: Rust notes

            """)
        #expect(try await APIAccountTests.passwd(Setup.password, user: "alice", config: config).status == 0)
        #expect(try await Subprocess.run("feedd", ["--config", config, "--once"]).status == 0)
        let daemon = try RunningDaemon(config: config, directory: directory)
        #expect(try await daemon.wait(seconds: 30) { daemon.log.contains("api listening") })
        let mode = (try FileManager.default.attributesOfItem(atPath: socketPath)[.posixPermissions] as? Int) ?? 0
        #expect(mode & 0o007 == 0, "others cannot open the socket: \(String(mode, radix: 8))")

        let port = try FreePort.take()
        let activator = try ChildProcess.launch(
            "/usr/bin/systemd-socket-activate", ["-l", "127.0.0.1:\(port)", "/lib/systemd/systemd-socket-proxyd", socketPath],
            environment: ProcessInfo.processInfo.environment)
        // curl as the client (each request a new connection through the forwarder), with a time limit.
        func curl(_ arguments: [String]) async throws -> String {
            try await Subprocess.runCommand("/usr/bin/curl", ["-s", "--max-time", "10", "--retry", "20", "--retry-connrefused", "--retry-delay", "0"] + arguments).stdout
        }
        let login = try await curl(["-d", "Email=alice&Passwd=\(ReaderClient.form([("", Setup.password)]).dropFirst())", "http://127.0.0.1:\(port)/accounts/ClientLogin"])
        let token = try #require(login.split(separator: "\n").first { $0.hasPrefix("Auth=") }.map { String($0.dropFirst(5)) }, "\(login)")
        let list = try await curl(["-H", "Authorization: GoogleLogin auth=\(token)", "http://127.0.0.1:\(port)/reader/api/0/subscription/list?output=json"])
        let subscriptions = try JSONDecoder().decode(Subscriptions.self, from: Data(list.utf8))
        #expect(subscriptions.subscriptions.map(\.title) == ["Rust notes"])
        activator.send(SIGTERM)
        _ = await activator.termination()
        #expect(await daemon.stop() == .exited(0), "\(daemon.log)")
        #expect(!FileManager.default.fileExists(atPath: socketPath) || daemon.log.contains("stopped"))
    }
}
