import Foundation
import TestSupport
import Testing

/// feedctl as a reader, on a store the real daemon wrote from a local HTTP server: short ids, show and
/// next, stars, search over the whole text, and the errors a person meets.
@Suite(.serialized)
struct ReaderCommandsTests {
    static let filler = String(repeating: "Un paragraphe qui ne dit rien de spécial. ", count: 10)  // about 430 characters

    static func rss(_ title: String, _ items: [(guid: String, title: String, day: Int, body: String, category: String)]) -> Data {
        var text = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss version=\"2.0\" xmlns:content=\"http://purl.org/rss/1.0/modules/content/\"><channel><title>\(title)</title>"
        for item in items {
            text += "<item><guid>\(item.guid)</guid><title>\(item.title)</title><link>\(item.guid)</link>"
                + "<pubDate>\(item.day) Nov 2026 10:00:00 GMT</pubDate><category>\(item.category)</category>"
                + "<description>Résumé de « \(item.title) »</description>"
                + "<content:encoded><![CDATA[<p>\(filler)</p><p>\(item.body)</p>]]></content:encoded>"
                + (item.title.hasPrefix("Épisode") ? "<enclosure url=\"https://ondes.example/e.mp3\" type=\"audio/mpeg\" length=\"1234\"/>" : "")
                + "</item>"
        }
        return Data((text + "</channel></rss>").utf8)
    }

    static func world() async throws -> (TestHTTPServer, TemporaryDirectory, String) {
        let shared = (guid: "https://blog.example.org/2026/11/kubernetes", title: "Kubernetes sans douleur", day: 20, body: "Des conteneurs et du Helm.", category: "Cloud")
        let server = try TestHTTPServer { request in
            switch request.path {
            case "/blog":
                return .init(body: rss("Le Blog", [
                    shared,
                    ("https://blog.example.org/2026/11/wayland", "Wayland au quotidien", 18, "Le compositeur Sway, enfin stable.", "Bureau"),
                    ("https://blog.example.org/2026/11/rust", "Rust et les génériques &lt;T&gt;", 16, "Une release candidate, pas une version finale.", "Rust"),
                ]))
            case "/planet":
                return .init(body: rss("La Planète", [
                    shared,
                    ("https://ondes.example/12", "Épisode 12 — Radio libre", 21, "Une émission sur Helm ? Non, sur la radio.", "Podcast"),
                ]))
            default:
                return .init(status: 404)
            }
        }
        let directory = try TemporaryDirectory()
        let config = try directory.write("c.yaml", """
            state_dir: s
            feeds:
              - url: \(server.url("/planet"))
                name: La Planète
              - url: \(server.url("/blog"))
                name: Le Blog
            """)
        let daemon = try await Subprocess.run("feedd", ["--config", config, "--once"])
        #expect(daemon.status == 0, "\(daemon.stderr)")
        return (server, directory, config)
    }

    static func feedctl(_ arguments: [String], _ config: String) async throws -> Subprocess {
        try await Subprocess.run("feedctl", arguments + ["--config", config])
    }

    static func titles(_ arguments: [String], _ config: String) async throws -> [String] {
        let result = try await feedctl(arguments + ["--json"], config)
        #expect(result.status == 0, "\(arguments): \(result.stderr)")
        let items = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]] ?? []
        return items.compactMap { $0["title"] as? String }
    }

    @Test func shortIDsReachEveryCommandAndNextReadsUntilNothingIsLeft() async throws {
        let (server, directory, config) = try await Self.world()
        defer { withExtendedLifetime((server, directory)) {} }
        let listing = try await Self.feedctl(["list"], config).stdout
        let lines = listing.split(separator: "\n").dropLast()
        #expect(lines.count == 4)
        let shortIDs = lines.map { String($0.prefix { $0 != " " }) }
        #expect(shortIDs.allSatisfy { $0.count >= 4 && $0.allSatisfy(\.isHexDigit) })
        // The shared article is one item, its feeds in configuration order, every run.
        let shared = try #require(lines.first { $0.hasSuffix("Kubernetes sans douleur") })
        #expect(shared.contains("La Planète, Le Blog"))

        let shown = try await Self.feedctl(["show", shortIDs[1]], config)
        #expect(shown.status == 0, "\(shown.stderr)")
        #expect(shown.stdout.contains(String(lines[1].split(separator: "  ").last ?? "")))
        let newest = try await Self.feedctl(["show"], config).stdout
        #expect(newest.contains("Épisode 12 — Radio libre"), "no id: the newest unread item")

        var read: [String] = []
        for _ in 0..<4 {
            let next = try await Self.feedctl(["next", "--json"], config)
            #expect(next.status == 0, "\(next.stderr)")
            let object = try JSONSerialization.jsonObject(with: Data(next.stdout.utf8)) as? [String: Any]
            read.append(object?["title"] as? String ?? "")
        }
        #expect(read == ["Épisode 12 — Radio libre", "Kubernetes sans douleur", "Wayland au quotidien", "Rust et les génériques <T>"])
        let done = try await Self.feedctl(["next"], config)
        #expect(done.status == 1 && done.stdout.isEmpty && done.stderr == "feedctl: no unread items\n")

        // Read items keep their short ids: unread one again by it.
        #expect(try await Self.feedctl(["unread", shortIDs[2]], config).stdout == "1 item(s) marked unread\n")
        let all = try await Self.feedctl(["list", "--all"], config).stdout.split(separator: "\n")
        #expect(all.filter { $0.contains("  N  ") }.count == 1, "the marker column tells unread from read")
        #expect(all.last == "4 item(s), 1 unread")
        let ambiguous = try await Self.feedctl(["show", "0"], config)
        #expect(ambiguous.status == 1)
    }

    @Test func starsListReadOrNotAndSurviveReading() async throws {
        let (server, directory, config) = try await Self.world()
        defer { withExtendedLifetime((server, directory)) {} }
        let ids = try await Self.feedctl(["list", "--format", "tsv"], config).stdout.split(separator: "\n").map { String($0.prefix(16)) }
        #expect(try await Self.feedctl(["star", String(ids[1].prefix(6)), ids[3]], config).stdout == "2 item(s) starred\n")
        #expect(try await Self.feedctl(["read", "--all"], config).status == 0)
        #expect(try await Self.titles(["list", "--starred"], config) == ["Kubernetes sans douleur", "Rust et les génériques <T>"])
        let starredLine = try await Self.feedctl(["list", "--starred"], config).stdout.split(separator: "\n")
        #expect(starredLine.first?.contains("   * ") == true, "read and starred")
        #expect(try await Self.feedctl(["unstar", ids[3]], config).stdout == "1 item(s) unstarred\n")
        #expect(try await Self.titles(["list", "--starred"], config) == ["Kubernetes sans douleur"])
        let json = try await Self.feedctl(["show", ids[1], "--json"], config).stdout
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(object["starred"] as? Bool == true && object["read"] as? Bool == true)
        #expect(object["feeds"] as? [String] == ["La Planète", "Le Blog"])
    }

    @Test func searchLooksAtTheWholeTextByWordBeginnings() async throws {
        let (server, directory, config) = try await Self.world()
        defer { withExtendedLifetime((server, directory)) {} }
        #expect(try await Self.titles(["list", "--search", "sway"], config) == ["Wayland au quotidien"], "a word near character 450")
        #expect(try await Self.titles(["list", "--search", "KUBE"], config) == ["Kubernetes sans douleur"])
        #expect(try await Self.titles(["list", "--search", "generiques"], config) == ["Rust et les génériques <T>"], "accents")
        #expect(try await Self.titles(["list", "--search", "helm"], config) == ["Épisode 12 — Radio libre", "Kubernetes sans douleur"])
        #expect(try await Self.titles(["list", "--search", "helm -radio"], config) == ["Kubernetes sans douleur"])
        #expect(try await Self.titles(["list", "--search", "\"release candidate\""], config) == ["Rust et les génériques <T>"])
        #expect(try await Self.titles(["list", "--search", "\"candidate release\""], config).isEmpty)
        #expect(try await Self.titles(["list", "--category", "podcast"], config) == ["Épisode 12 — Radio libre"])
        // Over read items too, with --all.
        #expect(try await Self.feedctl(["read", "--all"], config).status == 0)
        #expect(try await Self.titles(["list", "--search", "sway"], config).isEmpty)
        #expect(try await Self.titles(["list", "--all", "--search", "sway"], config) == ["Wayland au quotidien"])
    }

    @Test func listJSONCarriesSummaryEnclosuresStarAndContentOnRequest() async throws {
        let (server, directory, config) = try await Self.world()
        defer { withExtendedLifetime((server, directory)) {} }
        let plain = try await Self.feedctl(["list", "--json"], config).stdout
        let items = try #require(try JSONSerialization.jsonObject(with: Data(plain.utf8)) as? [[String: Any]])
        let episode = try #require(items.first)
        #expect(episode["summary"] as? String == "Résumé de « Épisode 12 — Radio libre »")
        #expect((episode["enclosures"] as? [[String: Any]])?.first?["type"] as? String == "audio/mpeg")
        #expect(episode["starred"] as? Bool == false)
        #expect(episode["content"] == nil)
        let full = try await Self.feedctl(["list", "--json", "--content"], config).stdout
        let withContent = try #require(try JSONSerialization.jsonObject(with: Data(full.utf8)) as? [[String: Any]])
        #expect((withContent.first?["content"] as? String)?.contains("Une émission sur Helm") == true)
    }

    @Test func mistakesAreRefusedWithOneLine() async throws {
        let (server, directory, config) = try await Self.world()
        defer { withExtendedLifetime((server, directory)) {} }
        let unknown = try await Self.feedctl(["list", "--feed", "Le Blgo"], config)
        #expect(unknown.status == 1)
        #expect(unknown.stderr == "feedctl: no feed named Le Blgo in \(config); close: Le Blog\n")
        let conflicting = try await Self.feedctl(["list", "--json", "--format", "tsv"], config)
        #expect(conflicting.status == 2 && conflicting.stderr.contains("--json and --format tsv"))
        let status = try await Self.feedctl(["status", "--json"], config)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
        #expect(object["running"] as? Bool == false)
        let missing = try await Self.feedctl(["show", "ffffffffffffffff"], config)
        #expect(missing.status == 1 && missing.stderr == "feedctl: no item with id ffffffffffffffff\n")
    }
}
