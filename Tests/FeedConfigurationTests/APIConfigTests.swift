import FeedConfiguration
import Foundation
import Testing

struct APIConfigTests {
    static let feeds = "feeds:\n  - url: https://blog.example.fr/feed/\n"

    @Test func listenUsersAndProxiesAreRead() throws {
        let yaml = """
            api:
              listen: "[::1]:7070"
              users:
                - name: alice
                  password_hash_file: hashes/alice.hash
                - name: bob@example.org
                  password_hash_credential: bob-hash
              trusted_proxies: [127.0.0.1, "10.0.0.0/8", "fd00::/8"]
              edit_subscriptions: true
            \(Self.feeds)
            """
        let config = try Configuration.parse(yaml, path: "/etc/feedd/config.yaml")
        let api = try #require(config.api)
        #expect(api.listen == .tcp(host: "::1", port: 7070))
        #expect(api.users.map(\.name) == ["alice", "bob@example.org"])
        #expect(api.user(named: "alice")?.passwordHash == .file("/etc/feedd/hashes/alice.hash"), "relative to the config's folder")
        #expect(api.user(named: "bob@example.org")?.passwordHash == .credential("bob-hash"))
        #expect(api.trustedProxies == ["127.0.0.1", "10.0.0.0/8", "fd00::/8"] && api.editSubscriptions)
        #expect(try Configuration.parse(Self.feeds, path: "/c.yaml").api == nil, "off without an api: section")
        let unix = try Configuration.parse("api:\n  listen: /run/feedd/api.sock\n  users:\n    - {name: a, password_hash_file: /h}\n" + Self.feeds, path: "/c.yaml")
        #expect(unix.api?.listen == .unixSocket(path: "/run/feedd/api.sock") && unix.api?.editSubscriptions == false)
    }

    @Test(arguments: [
        ("  listen: localhost:7070\n  users:\n    - {name: a, password_hash_file: /h}\n", "3: `listen: localhost:7070`: `localhost` is not an IP address"),
        ("  listen: 127.0.0.1:70000\n  users:\n    - {name: a, password_hash_file: /h}\n", "3: `listen: 127.0.0.1:70000`: the port must be"),
        ("  listen: ::1:7070\n  users:\n    - {name: a, password_hash_file: /h}\n", "3: `listen` must be ADDRESS:PORT"),
        ("  listen: 127.0.0.1:7070\n", "3: `api` needs `users`"),
        ("  listen: 127.0.0.1:7070\n  users: []\n", "4: `api.users` is empty"),
        ("  listen: 127.0.0.1:7070\n  users:\n    - {name: a}\n", "5: API user `a` needs password_hash_file"),
        ("  listen: 127.0.0.1:7070\n  users:\n    - {name: a, password_hash_file: /h, password_hash_credential: c}\n", "5: API user `a` has both"),
        ("  listen: 127.0.0.1:7070\n  users:\n    - {name: a, password_hash_file: /h}\n    - {name: a, password_hash_file: /i}\n", "6: duplicate API user `a` (first on line 5)"),
        ("  listen: 127.0.0.1:7070\n  users:\n    - {name: \"a b\", password_hash_file: /h}\n", "5: API user name `a b` may use only"),
        ("  listen: 127.0.0.1:7070\n  users:\n    - {name: a, password_hash_file: /h}\n  trusted_proxies: [10.0.0.0/33]\n", "6: `10.0.0.0/33` in `trusted_proxies`"),
        ("  listen: 127.0.0.1:7070\n  users:\n    - {name: a, password_hash_file: /h}\n  password: x\n", "6: unknown key `password` in `api`"),
    ])
    func mistakesAreRefusedWithTheirLine(api: String, message: String) {
        let yaml = "state_dir: s\napi:\n" + api + Self.feeds
        #expect {
            try Configuration.parse(yaml, path: "/c.yaml")
        } throws: { error in
            "\(error)".contains("/c.yaml:" + message)
        }
    }

    @Test func configCheckSaysWhatTheHooksAndTheAPIAre() throws {
        let yaml = """
            hooks:
              - name: morning
                email: {to: alice@example.org}
                daily: "07:05"
              - name: phone
                webhook: https://ntfy.example.org/feeds
                events: [starred, new_items]
            api:
              listen: "[::1]:7070"
              users:
                - {name: alice, password_hash_file: /h}
            \(Self.feeds)
            """
        let report = ConfigReport.text(try Configuration.parse(yaml, path: "/c.yaml"), stateDirectory: URL(fileURLWithPath: "/s"))
        #expect(report.contains("\nhooks: 2\n- morning: email, new_items, daily at 07:05, timeout 30s\n- phone: webhook, new_items and starred, timeout 30s\n"), "\(report)")
        #expect(report.hasSuffix("api: listen [::1]:7070, users alice, trusted_proxies none, edit_subscriptions false\n"), "\(report)")
    }
}

