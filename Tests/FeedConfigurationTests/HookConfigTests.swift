import FeedConfiguration
import FeedCore
import Foundation
import Testing

struct HookConfigTests {
    static let feeds = """
        feeds:
          - url: https://blog.example.fr/feed/
            name: Le Blog
            tags: [news]
        """

    @Test func everyKindIsReadWithItsFiltersAndGathering() throws {
        let yaml = """
            rules:
              - tag: {content: "(?i)kubernetes", tag: k8s}
            hooks:
              - name: desktop
                exec: [notify-send, "feedd: new"]
                environment: {DISPLAY: ":0"}
              - name: phone
                webhook: https://ntfy.example.org/feeds
                secret_credential: webhook-secret
                events: [new_items, starred]
                feeds: [tag:news]
                tags: [k8s]
                timeout: 10s
              - name: morning
                email: {to: alice@example.org}
                daily: "07:30"
            \(Self.feeds)
            """
        let config = try Configuration.parse(yaml, path: "/etc/feedd/config.yaml")
        #expect(config.hooks.map(\.name) == ["desktop", "phone", "morning"])
        #expect(config.hooks[0].kind == .exec(argv: ["notify-send", "feedd: new"], environment: ["DISPLAY": ":0"]))
        #expect(config.hooks[1].kind == .webhook(url: URL(string: "https://ntfy.example.org/feeds")!, secret: .credential("webhook-secret"), headers: []))
        #expect(config.hooks[1].events == [.newItems, .starred] && config.hooks[1].tags == ["k8s"] && config.hooks[1].timeout == .seconds(10))
        #expect(config.hooks[1].covers(config.feeds[0]))
        #expect(config.hooks[2].kind == .email(to: ["alice@example.org"], from: "feedd", sendmail: HookConfig.defaultSendmail))
        #expect(config.hooks[2].gathering == .daily(hour: 7, minute: 30) && config.hooks[2].events == [.newItems])
    }

    @Test(arguments: [
        ("  - name: a\n    exec: sh -c 'x'\n", "4: `exec` must be a list"),
        ("  - name: a\n    exec: [x]\n  - name: a\n    exec: [y]\n", "5: duplicate hook name `a` (first on line 3)"),
        ("  - name: a\n    webhook: ftp://x.example/\n", "4: `webhook` must be an http or https URL"),
        ("  - name: a\n    exec: [x]\n    secret_file: /s\n", "3: `secret_file` is for webhook hooks"),
        ("  - name: a\n    exec: [x]\n    feeds: [Nope]\n", "3: hook `a`: its `feeds:` entry `Nope` names no feed"),
        ("  - name: a\n    exec: [x]\n    tags: [k8s]\n", "3: hook `a`: no `tag` rule gives the tag `k8s`"),
        ("  - name: a\n    email: {to: not an address}\n", "4: `not an address` is not a mail address"),
        ("  - name: a\n    exec: [x]\n    daily: \"25:00\"\n", "5: `daily` must be a local time"),
        ("  - name: a\n    exec: [x]\n    events: [read]\n", "5: unknown event `read`"),
        ("  - exec: [x]\n", "3: a hook needs a `name`"),
    ])
    func mistakesAreRefusedWithTheirLine(hooks: String, message: String) {
        let yaml = "state_dir: s\nhooks:\n" + hooks + Self.feeds
        #expect {
            try Configuration.parse(yaml, path: "/c.yaml")
        } throws: { error in
            "\(error)".contains("/c.yaml:" + message)
        }
    }
}
