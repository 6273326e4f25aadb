import FeedCore
import Foundation
import Yams

extension NodeReader {
    /// The keys every hook may have, beside its kind.
    static let hookKeys: Set<String> = [
        "name", "exec", "webhook", "email", "events", "feeds", "tags", "include_read", "timeout", "first_retry", "batch", "daily",
        "environment", "secret_file", "secret_env", "secret_credential", "headers",
    ]

    /// A `hooks:` list: each entry a `name`, one kind (`exec: [argv…]`, `webhook: URL`, `email: {to, from,
    /// sendmail}`) and what it is told of.
    ///
    /// ```yaml
    /// hooks:
    ///   - name: desktop
    ///     exec: [notify-send, feedd]
    ///   - name: phone
    ///     webhook: https://ntfy.example.org/feeds
    ///     secret_file: /etc/feedd/webhook.secret
    ///     feeds: [tag:news]
    ///   - name: morning
    ///     email: {to: alice@example.org}
    ///     daily: "07:00"
    /// ```
    func hooks(_ node: Node) throws(ConfigError) -> [HookConfig] {
        var hooks: [HookConfig] = []
        var names: [String: Int] = [:]
        for entry in try sequence(node, key: "hooks") {
            let fields = try mapping(entry, allowed: Self.hookKeys, what: "a hook")
            guard let nameNode = fields["name"] else { throw fail(entry, "a hook needs a `name`") }
            let name = try string(nameNode, key: "name")
            let line = self.line(nameNode) ?? 0
            if let first = names[name] { throw fail(nameNode, "duplicate hook name `\(name)` (first on line \(first))") }
            names[name] = line
            let kinds = ["exec", "webhook", "email"].filter { fields[$0] != nil }
            guard kinds.count == 1, let word = kinds.first, let kindNode = fields[word] else {
                throw fail(entry, "hook `\(name)` needs exactly one of exec, webhook, email")
            }
            for key in ["environment"] where fields[key] != nil && word != "exec" {
                throw fail(entry, "`\(key)` is for exec hooks")
            }
            for key in ["secret_file", "secret_env", "secret_credential", "headers"] where fields[key] != nil && word != "webhook" {
                throw fail(entry, "`\(key)` is for webhook hooks")
            }
            var hook = HookConfig(name: name, kind: try hookKind(word, kindNode, fields: fields), line: line)
            if let node = fields["events"] {
                var events: Set<HookEventKind> = []
                for element in try sequence(node, key: "events") {
                    let text = try string(element, key: "events")
                    guard let event = HookEventKind(rawValue: text) else {
                        throw fail(element, "unknown event `\(text)` (known: new_items, starred)")
                    }
                    events.insert(event)
                }
                guard !events.isEmpty else { throw fail(node, "`events` of hook `\(name)` is empty") }
                hook.events = events
            }
            if let node = fields["feeds"] { hook.feeds = try tags(node) }
            if let node = fields["tags"] { hook.tags = try tags(node) }
            if let node = fields["include_read"] { hook.includeRead = try boolean(node, key: "include_read") }
            if let node = fields["timeout"] { hook.timeout = try duration(node, key: "timeout") }
            if let node = fields["first_retry"] { hook.firstRetry = try duration(node, key: "first_retry") }
            switch (fields["batch"], fields["daily"]) {
            case (.some, .some): throw fail(entry, "hook `\(name)` has both `batch` and `daily`; choose one")
            case (.some(let node), nil): hook.gathering = .batch(try duration(node, key: "batch"))
            case (nil, .some(let node)): hook.gathering = try dailyTime(node)
            case (nil, nil): break
            }
            hooks.append(hook)
        }
        return hooks
    }

    private func hookKind(_ word: String, _ node: Node, fields: [String: Node]) throws(ConfigError) -> HookConfig.Kind {
        switch word {
        case "exec":
            let argv = try arguments(node, key: "exec")
            var environment: [String: String] = [:]
            if let envNode = fields["environment"] {
                guard let mapping = envNode.mapping else { throw fail(envNode, "`environment` must be a mapping of `NAME: value`") }
                for (nameNode, valueNode) in mapping {
                    let name = try string(nameNode, key: "environment")
                    guard name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }), !(name.first?.isNumber ?? true)
                    else { throw fail(nameNode, "bad variable name `\(name)`") }
                    environment[name] = valueNode.string ?? ""
                }
            }
            return .exec(argv: argv, environment: environment)
        case "webhook":
            let text = try string(node, key: "webhook")
            guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme),
                url.host?.isEmpty == false
            else { throw fail(node, "`webhook` must be an http or https URL, not `\(text)`") }
            let sources: [(String, FeedAuth.PasswordSource)] = [
                ("secret_file", .file("")), ("secret_env", .environment("")), ("secret_credential", .credential("")),
            ]
            let given = sources.filter { fields[$0.0] != nil }
            guard given.count <= 1 else { throw fail(node, "a webhook takes one of secret_file, secret_env, secret_credential") }
            var secret: FeedAuth.PasswordSource?
            if let (key, kind) = given.first, let secretNode = fields[key] {
                let value = try string(secretNode, key: key)
                switch kind {
                case .file: secret = .file(value)
                case .environment: secret = .environment(value)
                case .credential: secret = .credential(value)
                }
            }
            return .webhook(url: url, secret: secret, headers: try fields["headers"].map { node throws(ConfigError) in try headers(node) } ?? [])
        default:
            let entries = try mapping(node, allowed: ["to", "from", "sendmail"], what: "`email`")
            guard let toNode = entries["to"] else { throw fail(node, "`email` needs `to`") }
            let to = try tags(toNode)
            for address in to where !Self.looksLikeAddress(address) {
                throw fail(toNode, "`\(address)` is not a mail address")
            }
            let from = try entries["from"].map { node throws(ConfigError) in try string(node, key: "from") } ?? "feedd"
            let sendmail = try entries["sendmail"].map { node throws(ConfigError) in try arguments(node, key: "sendmail") }
                ?? HookConfig.defaultSendmail
            return .email(to: to, from: from, sendmail: sendmail)
        }
    }

    /// An argv list: program first, each argument its own element; no shell ever reads it.
    private func arguments(_ node: Node, key: String) throws(ConfigError) -> [String] {
        guard let sequence = node.sequence else {
            throw fail(node, "`\(key)` must be a list: the program, then each argument (no shell reads it)")
        }
        var argv: [String] = []
        for element in sequence {
            guard case .scalar(let scalar) = element else { throw fail(element, "`\(key)` arguments must be text") }
            argv.append(scalar.string)
        }
        guard let program = argv.first, !program.isEmpty else { throw fail(node, "`\(key)` needs a program") }
        return argv
    }

    /// `daily: "07:00"`, in local time.
    private func dailyTime(_ node: Node) throws(ConfigError) -> HookConfig.Gathering {
        let text = try string(node, key: "daily")
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy({ (1...2).contains($0.count) }), let hour = Int(parts[0]), let minute = Int(parts[1]),
            (0..<24).contains(hour), (0..<60).contains(minute)
        else { throw fail(node, "`daily` must be a local time like \"07:00\", not `\(text)`") }
        return .daily(hour: hour, minute: minute)
    }

    /// `local@domain`, with nothing that would break a header line.
    private static func looksLikeAddress(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && !parts[1].isEmpty
            && !text.contains { $0.isWhitespace || $0 == "," || $0 == "<" || $0 == ">" || $0.asciiValue.map { $0 < 0x20 } == true }
    }
}
