import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Rules on a store the real daemon writes from a local HTTP server: what they do when items are first
/// stored, that a blocked item never comes back, and `feedctl rules test` beside `rules apply`.
@Suite(.serialized)
struct RulesTests {
    static func rss(_ items: [(id: String, title: String, author: String, category: String, body: String)]) -> Data {
        var text = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss version=\"2.0\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" "
            + "xmlns:content=\"http://purl.org/rss/1.0/modules/content/\"><channel><title>Actualités</title>"
        for item in items {
            text += "<item><guid>https://news.example.fr/\(item.id)</guid><title>\(item.title)</title>"
                + "<link>https://news.example.fr/\(item.id)</link><dc:creator>\(item.author)</dc:creator>"
                + "<category>\(item.category)</category><pubDate>Sat, 21 Nov 2026 10:00:00 GMT</pubDate>"
                + "<content:encoded><![CDATA[<p>\(item.body)</p>]]></content:encoded></item>"
        }
        return Data((text + "</channel></rss>").utf8)
    }

    static let items = [
        (id: "1", title: "Sponsorisé : l’offre « Cloud+ »", author: "Régie", category: "Pub", body: "Une offre."),
        (id: "2", title: "Security advisory: OpenSSL 3.6.1", author: "Équipe sécurité", category: "Sécurité", body: "Mettez à jour."),
        (id: "3", title: "Déployer sans douleur", author: "Zoé", category: "Cloud", body: "Des pods <b>Kubernetes</b> et du Helm."),
        (id: "4", title: "Bump libxml2 to 2.14", author: "dependabot[bot]", category: "Dépendances", body: "Automatique."),
        (id: "5", title: "Wayland au quotidien", author: "Zoé", category: "Bureau", body: "Sway, enfin stable."),
    ]

    static let rules = """
        rules:
          - block: {title: "(?i)sponsoris"}
          - star: {title: "(?i)security advisory"}
          - tag: {content: "(?i)\\\\bkubernetes\\\\b", tag: k8s}
          - mark_read: {author: "^dependabot"}
        """

    static func items(_ config: String) async throws -> [String: [String: Any]] {
        let listed = try await Subprocess.run("feedctl", ["list", "--all", "--json", "--config", config])
        let array = try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]] ?? []
        var byTitle: [String: [String: Any]] = [:]
        for item in array { if let title = item["title"] as? String { byTitle[title] = item } }
        return byTitle
    }

    @Test func rulesActWhenItemsAreFirstStoredAndABlockedOneNeverComesBack() async throws {
        let served = Locked(Self.items)
        let server = try TestHTTPServer { _ in .init(body: Self.rss(served.value)) }
        let directory = try TemporaryDirectory()
        let config = try directory.write("c.yaml", "state_dir: s\n\(Self.rules)\nfeeds:\n  - url: \(server.url("/news"))\n    name: Actu\n")
        let first = try await Subprocess.run("feedd", ["--config", config, "--once"])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stderr.contains("items_blocked=1") && first.stderr.contains("items_new=4"), "\(first.stderr)")
        var stored = try await Self.items(config)
        #expect(stored.count == 4 && !stored.keys.contains { $0.hasPrefix("Sponsorisé") }, "\(stored.keys)")
        #expect(stored["Security advisory: OpenSSL 3.6.1"]?["starred"] as? Bool == true)
        #expect(stored["Déployer sans douleur"]?["tags"] as? [String] == ["k8s"])
        #expect(stored["Bump libxml2 to 2.14"]?["read"] as? Bool == true)
        #expect(stored["Wayland au quotidien"]?["read"] as? Bool == false && stored["Wayland au quotidien"]?["starred"] as? Bool == false)
        let tagged = try await Subprocess.run("feedctl", ["list", "--all", "--tag", "k8s", "--format", "tsv", "--config", config])
        #expect(tagged.stdout.split(separator: "\n").map { $0.split(separator: "\t")[3] } == ["Déployer sans douleur"])

        // The publisher changes the blocked item's title and adds one: the blocked item stays out.
        served.withLock { items in
            items[0].title = "Sponsorisé : l’offre « Cloud++ »"
            items.append((id: "6", title: "Linux 6.18", author: "Zoé", category: "Noyau", body: "Un noyau."))
        }
        let second = try await Subprocess.run("feedd", ["--config", config, "--once"])
        #expect(second.status == 0, "\(second.stderr)")
        stored = try await Self.items(config)
        #expect(stored.count == 5 && stored.keys.contains("Linux 6.18") && !stored.keys.contains { $0.hasPrefix("Sponsorisé") })
    }

    /// The running daemon takes rules added to its config at a reload (SIGHUP) for the next items.
    @Test func rulesAddedAtAReloadActOnTheNextItems() async throws {
        let served = Locked(Self.items)
        let server = try TestHTTPServer { _ in .init(body: Self.rss(served.value)) }
        let directory = try TemporaryDirectory()
        let header = "state_dir: s\nschedule:\n  min_interval: 1s\ndefaults:\n  interval: 1s\n"
        let feeds = "feeds:\n  - url: \(server.url("/news"))\n"
        let config = try directory.write("c.yaml", header + feeds)
        let daemon = try ChildProcess.launch(
            Subprocess.path("feedd"), ["--config", config], environment: ProcessInfo.processInfo.environment)
        func stored() async throws -> [String: [String: Any]] { try await Self.items(config) }
        func waitFor(_ condition: ([String: [String: Any]]) -> Bool) async throws -> Bool {
            let deadline = ContinuousClock.now + .seconds(15)
            while ContinuousClock.now < deadline {
                if condition(try await stored()) { return true }
                try await Task.sleep(for: .milliseconds(200))
            }
            return false
        }
        #expect(try await waitFor { $0.count == 5 })
        try directory.write("c.yaml", header + "rules:\n  - block: {category: \"^Noyau$\"}\n" + feeds)
        daemon.send(SIGHUP)
        try await Task.sleep(for: .seconds(2))
        served.withLock { items in
            items.append((id: "6", title: "Linux 6.18", author: "Zoé", category: "Noyau", body: "Un noyau."))
            items.append((id: "7", title: "Vim 9.2", author: "Zoé", category: "Outils", body: "Un éditeur."))
        }
        #expect(try await waitFor { $0["Vim 9.2"] != nil }, "the feed is fetched again")
        #expect(try await stored()["Linux 6.18"] == nil, "the reloaded rule blocked it")
        daemon.send(SIGTERM)
        #expect(await daemon.termination() == .exited(0))
    }

    /// An article a person already has unread through one feed is not marked read by the rule of another
    /// feed that brings it later: a rule acts on what is new to the person.
    @Test func aRuleDoesNotMarkReadAnArticleAlreadyUnreadThroughAnotherFeed() async throws {
        let server = try TestHTTPServer { _ in .init(body: Self.rss(Self.items)) }
        let directory = try TemporaryDirectory()
        let first = try directory.write("first.yaml", "state_dir: s\nfeeds:\n  - url: \(server.url("/a"))\n")
        #expect(try await Subprocess.run("feedd", ["--config", first, "--once"]).status == 0)
        let both = try directory.write(
            "both.yaml", """
                state_dir: s
                feeds:
                  - url: \(server.url("/a"))
                  - url: \(server.url("/b"))
                    rules:
                      - mark_read: {title: "(?i)wayland"}
                """ + "\n")
        #expect(try await Subprocess.run("feedd", ["--config", both, "--once"]).status == 0)
        let item = try await Self.items(both)["Wayland au quotidien"]
        #expect(item?["read"] as? Bool == false && (item?["feeds"] as? [String])?.count == 2, "\(String(describing: item))")
        let unread = try await Subprocess.run("feedctl", ["list", "--format", "tsv", "--config", both])
        #expect(unread.stdout.contains("Wayland au quotidien"))
        // No read mark was left behind it either: marking it unread finds nothing to do.
        let again = try await Subprocess.run("feedctl", ["unread", item?["id"] as? String ?? "", "--config", both])
        #expect(again.stdout == "0 item(s) marked unread\n", "\(again.stdout)\(again.stderr)")
    }

    @Test func rulesTestChangesNothingAndApplyLeavesStarredAndHandUnreadItemsAlone() async throws {
        let server = try TestHTTPServer { _ in .init(body: Self.rss(Self.items)) }
        let directory = try TemporaryDirectory()
        let feeds = "feeds:\n  - url: \(server.url("/news"))\n    name: Actu\n"
        let plain = try directory.write("plain.yaml", "state_dir: s\n" + feeds)
        #expect(try await Subprocess.run("feedd", ["--config", plain, "--once"]).status == 0)
        let before = try await Self.items(plain)
        #expect(before.count == 5)
        func id(_ title: String) -> String { before[title]?["id"] as? String ?? "" }
        // A person stars the sponsored item, and reads then unreads the dependabot one.
        #expect(try await Subprocess.run("feedctl", ["star", id("Sponsorisé : l’offre « Cloud+ »"), "--config", plain]).status == 0)
        #expect(try await Subprocess.run("feedctl", ["read", id("Bump libxml2 to 2.14"), "--config", plain]).status == 0)
        #expect(try await Subprocess.run("feedctl", ["unread", id("Bump libxml2 to 2.14"), "--config", plain]).status == 0)

        let ruled = try directory.write("ruled.yaml", "state_dir: s\n\(Self.rules)\n  - block: {category: \"^Bureau$\"}\n" + feeds)
        let test = try await Subprocess.run("feedctl", ["rules", "test", "--config", ruled])
        #expect(test.status == 0, "\(test.stderr)")
        let lines = test.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 4, "\(test.stdout)")
        #expect(lines.contains { $0.hasPrefix("block") && $0.contains("Wayland au quotidien") && $0.hasSuffix("(line 7)") }, "\(test.stdout)")
        #expect(lines.contains { $0.hasPrefix("star") && $0.contains("Security advisory") })
        #expect(lines.contains { $0.hasPrefix("tag k8s") && $0.contains("Déployer sans douleur") })
        #expect(lines.last == "3 item(s) the rules act on: 1 blocked, 0 marked read, 1 starred, 1 tagged")
        #expect(!test.stdout.contains("Sponsorisé") && !test.stdout.contains("Bump"), "starred and hand-unread items are left alone")
        let unchanged = try await Self.items(ruled)
        #expect(unchanged.count == 5 && unchanged["Wayland au quotidien"] != nil)

        let apply = try await Subprocess.run("feedctl", ["rules", "apply", "--config", ruled])
        #expect(apply.stdout == "1 item(s) blocked, 0 marked read, 1 starred, 1 tagged\n", "\(apply.stderr)")
        let after = try await Self.items(ruled)
        #expect(after.count == 4 && after["Wayland au quotidien"] == nil)
        #expect(after["Sponsorisé : l’offre « Cloud+ »"]?["starred"] as? Bool == true)
        #expect(after["Bump libxml2 to 2.14"]?["read"] as? Bool == false)
        #expect(after["Security advisory: OpenSSL 3.6.1"]?["starred"] as? Bool == true)
        #expect(after["Déployer sans douleur"]?["tags"] as? [String] == ["k8s"])
        // Fetched again, the blocked item does not come back.
        #expect(try await Subprocess.run("feedd", ["--config", ruled, "--once"]).status == 0)
        #expect(try await Self.items(ruled)["Wayland au quotidien"] == nil)
        // Nothing is left for the rules to change.
        let again = try await Subprocess.run("feedctl", ["rules", "test", "--config", ruled])
        #expect(again.stdout == "0 item(s) the rules act on: 0 blocked, 0 marked read, 0 starred, 0 tagged\n")
    }
}
