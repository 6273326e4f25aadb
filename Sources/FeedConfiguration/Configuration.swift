import FeedCore
import FeedFetcher
import FeedModel
import FeedRules
import Foundation
import Yams

/// How much of the configuration file a command reads.
public enum ConfigScope: Sendable, Equatable {
    /// Every section, checked against each other.
    case whole
    /// Every section but `feeds:` (left empty): what commands that act on stored items by id need (the
    /// state directory, the hooks), without the cost of reading thousands of feeds.
    case withoutFeeds
}

/// One feed as the configuration names it, with defaults applied.
public struct FeedConfig: Sendable, Equatable {
    /// The URL as written (relative file: paths made absolute): the feed's key in the store.
    public var url: URL
    public var name: String?
    /// How often to fetch; for `interval: auto`, the interval used until the feed has a history.
    public var interval: Duration
    /// `interval: auto`: follow the feed's own posting rate (see `Schedule.adaptiveInterval`).
    public var adaptive = false
    public var timeout: Duration
    /// Overrides `fetch.user_agent` for this feed.
    public var userAgent: String?
    /// Extra request headers, in the order written.
    public var headers: [HTTPHeader] = []
    public var auth: FeedAuth?
    /// Skip TLS verification for this feed; logged at every fetch.
    public var insecure = false
    public var retention = RetentionPolicy()
    /// Labels a person gives feeds, for `feedctl list --tag` (and OPML categories).
    public var tags: [String] = []
    /// Whether an item whose title or content changed becomes unread again.
    public var onUpdate = UpdatePolicy.keep
    /// The feed's own `rules:`, after the global ones (see `RuleSet`).
    public var rules: [ItemRule] = []
    /// Whether new items' web pages are fetched for their full article (`full_text`, `full_text_limit`).
    public var fullText = FullTextPolicy()
    /// The config line that names this feed, for messages.
    public var line: Int
}

extension FeedConfig {
    /// Identifies this entry's settings: a feed disabled by 410 Gone comes back when its entry changes.
    public var fingerprint: String {
        var parts = [url.absoluteString, name ?? "", adaptive ? "auto" : DurationText.format(interval), DurationText.format(timeout)]
        parts.append(userAgent ?? "")
        parts.append(contentsOf: headers.map { "\($0.name)=\($0.value)" })
        parts.append(auth.map { "\($0.username)@\($0.password)" } ?? "")
        parts.append(insecure ? "insecure" : "")
        return StableHash.hex(parts.joined(separator: "\u{1F}"))
    }

    /// Where the feed is fetched from: where a recorded permanent redirect sent it, else its URL.
    public func currentURL(_ state: FetchState?) -> URL { FeedTerms.currentURL(configured: url, state) }

    /// What the core's decisions need of this entry.
    public var terms: FeedTerms {
        FeedTerms(
            url: url, fingerprint: fingerprint, interval: interval, adaptive: adaptive, retention: retention,
            onUpdate: onUpdate)
    }
}

/// A request header from the configuration.
public struct HTTPHeader: Sendable, Equatable {
    public var name: String
    public var value: String
}

/// HTTP basic authentication for one feed. The password is never in the config itself.
public struct FeedAuth: Sendable, Equatable {
    public enum PasswordSource: Sendable, Equatable {
        /// `password_file`: the first line of a file.
        case file(String)
        /// `password_env`: an environment variable.
        case environment(String)
        /// `password_credential`: a systemd credential, `$CREDENTIALS_DIRECTORY/NAME`.
        case credential(String)
    }

    public var username: String
    public var password: PasswordSource

    public init(username: String, password: PasswordSource) {
        self.username = username
        self.password = password
    }

    /// Reads the password now (it may change between fetches); throws a one-line reason.
    public func readPassword(environment: [String: String]) throws(ConfigError) -> String {
        switch password {
        case .environment(let name):
            guard let value = environment[name], !value.isEmpty else {
                throw ConfigError(path: "$\(name)", line: nil, message: "password variable is not set")
            }
            return value
        case .file(let path):
            return try Self.firstLine(of: path)
        case .credential(let name):
            guard let directory = environment["CREDENTIALS_DIRECTORY"], !directory.isEmpty else {
                throw ConfigError(
                    path: name, line: nil, message: "systemd credential asked for, but $CREDENTIALS_DIRECTORY is not set")
            }
            return try Self.firstLine(of: directory + "/" + name)
        }
    }

    private static func firstLine(of path: String) throws(ConfigError) -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigError(path: path, line: nil, message: "cannot read the password file")
        }
        let text = String(decoding: data, as: UTF8.self)
        return String(text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
            .trimmingCharacters(in: CharacterSet(charactersIn: "\r"))
    }
}

/// The `fetch:` section: how feedd talks to servers.
public struct FetchConfig: Sendable, Equatable {
    public static let defaultMaxBytes = 16 << 20

    /// Transfers in flight at once.
    public var concurrency = 16
    /// Transfers in flight to one host at once.
    public var perHost = 2
    /// Largest body accepted, after decompression.
    public var maxBytes = FetchConfig.defaultMaxBytes
    public var proxy: String?
    public var userAgent = FeeddVersion.userAgent
    /// Page fetches (full articles) in flight at once: their own slots, beside the feeds', one per host.
    public var pageConcurrency = 2

    public init() {}

    /// The engine settings these values call for.
    public var engineSettings: FetchSettings {
        FetchSettings(concurrency: concurrency, perHost: perHost, proxy: proxy)
    }

    /// The settings of the engine that fetches web pages for full articles.
    public var pageEngineSettings: FetchSettings {
        FetchSettings(concurrency: pageConcurrency, perHost: 1, proxy: proxy)
    }
}

/// The parsed configuration file.
public struct Configuration: Sendable, Equatable {
    public static let defaultInterval = Duration.seconds(30 * 60)
    public static let defaultTimeout = Duration.seconds(30)

    public var path: String
    /// From `state_dir`, made absolute against the config file's folder.
    public var stateDirectory: URL?
    public var fetch = FetchConfig()
    public var schedule = SchedulePolicy()
    /// The top-level `rules:`, each for every feed or those its `feeds:` names.
    public var rules: [ItemRule] = []
    /// The `hooks:`: what is told of new and starred items.
    public var hooks: [HookConfig] = []
    /// The `api:`: the sync API for reading apps; nil (the default) when feedd serves nothing.
    public var api: APIConfig?
    public var feeds: [FeedConfig]
    /// What was read: `.withoutFeeds` leaves `feeds` empty.
    public var scope = ConfigScope.whole

    /// The rules that act on `feed`'s items: the global ones that apply to it, then its own.
    public func ruleSet(for feed: FeedConfig) -> RuleSet { Self.ruleSet(global: rules, for: feed) }

    /// The rules of `global` that apply to `feed`, then its own.
    public static func ruleSet(global: [ItemRule], for feed: FeedConfig) -> RuleSet {
        RuleSet(global: global.filter { rule in rule.feeds.isEmpty || rule.feeds.contains { selector($0, names: feed) } }, own: feed.rules)
    }

    /// Whether a `feeds:` entry of a global rule names `feed`: its name (case aside), its URL, or `tag:NAME`.
    static func selector(_ selector: String, names feed: FeedConfig) -> Bool {
        if selector.lowercased().hasPrefix("tag:") {
            let tag = selector.dropFirst(4).lowercased()
            return feed.tags.contains { $0.lowercased() == tag }
        }
        return feed.url.absoluteString == selector || feed.name.map { $0.lowercased() == selector.lowercased() } == true
    }

    /// The keys a feed's entry may have: one set for every entry, not one built for each.
    static let feedKeys: Set<String> = [
        "url", "name", "interval", "timeout", "user_agent", "headers", "auth", "insecure", "retention", "on_update", "tags",
        "rules", "full_text", "full_text_limit",
    ]

    /// Reads and validates the file at `path`, or all of it but the feed list (when the file is written
    /// plainly enough to leave that list out safely; else the whole of it).
    public static func load(path: String, scope: ConfigScope = .whole) throws(ConfigError) -> Configuration {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigError(path: path, line: nil, message: "cannot read: \((error as NSError).localizedDescription)")
        }
        return try parse(text, path: path, scope: scope)
    }

    /// Validates YAML text; relative paths resolve against the folder of `path`.
    public static func parse(_ text: String, path: String, scope: ConfigScope = .whole) throws(ConfigError) -> Configuration {
        // Without its feeds the file is not checked against them (the feeds rules and hooks name); when the
        // shortened text does not parse, the whole one gives the error, or the configuration.
        if scope == .withoutFeeds, let shortened = FeedListOmission.text(text),
            var configuration = try? parse(shortened, path: path, checkingFeedNames: false)
        {
            configuration.scope = .withoutFeeds
            return configuration
        }
        return try parse(text, path: path, checkingFeedNames: true)
    }

    private static func parse(_ text: String, path: String, checkingFeedNames: Bool) throws(ConfigError) -> Configuration {
        let folder = URL(fileURLWithPath: path, isDirectory: false).deletingLastPathComponent()
        let folderPath = folder.standardizedFileURL.path
        let root: Node?
        do {
            root = try Yams.compose(yaml: text, .basic)
        } catch let error as YamlError {
            throw ConfigError(path: path, line: Self.line(of: error), message: "invalid YAML: \(Self.summary(of: error))")
        } catch {
            throw ConfigError(path: path, line: nil, message: "invalid YAML: \(error)")
        }
        guard let root else { throw ConfigError(path: path, line: nil, message: "the file is empty; it needs a `feeds:` list") }
        let reader = NodeReader(path: path)
        let top = try reader.mapping(
            root, allowed: ["state_dir", "defaults", "schedule", "fetch", "retention", "rules", "hooks", "api", "feeds"], what: "the top level")

        var interval = defaultInterval
        var adaptive = false
        var timeout = defaultTimeout
        var fullText = FullTextPolicy()
        if let defaults = top["defaults"] {
            let entries = try reader.mapping(
                defaults, allowed: ["interval", "timeout", "full_text", "full_text_limit"], what: "`defaults`")
            if let node = entries["interval"] { (interval, adaptive) = try reader.interval(node, fallback: interval) }
            if let node = entries["timeout"] { timeout = try reader.duration(node, key: "timeout") }
            fullText = try reader.fullText(entries, base: fullText)
        }
        var schedule = SchedulePolicy()
        if let node = top["schedule"] {
            let entries = try reader.mapping(node, allowed: ["min_interval", "max_interval"], what: "`schedule`")
            if let node = entries["min_interval"] { schedule.minInterval = try reader.duration(node, key: "interval") }
            if let node = entries["max_interval"] { schedule.maxInterval = try reader.duration(node, key: "interval") }
            guard schedule.minInterval <= schedule.maxInterval else {
                throw ConfigError(path: path, line: reader.line(node), message: "`schedule.min_interval` is longer than `max_interval`")
            }
        }
        var fetch = FetchConfig()
        if let node = top["fetch"] {
            let entries = try reader.mapping(
                node, allowed: ["concurrency", "per_host", "page_concurrency", "max_bytes", "proxy", "user_agent"], what: "`fetch`")
            if let node = entries["concurrency"] { fetch.concurrency = try reader.integer(node, key: "concurrency", in: 1...256) }
            if let node = entries["per_host"] { fetch.perHost = try reader.integer(node, key: "per_host", in: 1...64) }
            if let node = entries["page_concurrency"] {
                fetch.pageConcurrency = try reader.integer(node, key: "page_concurrency", in: 1...16)
            }
            if let node = entries["max_bytes"] { fetch.maxBytes = try reader.size(node, key: "max_bytes") }
            if let node = entries["proxy"] { fetch.proxy = try reader.string(node, key: "proxy") }
            if let node = entries["user_agent"] { fetch.userAgent = try reader.string(node, key: "user_agent") }
        }
        var retention = RetentionPolicy()
        if let node = top["retention"] { retention = try reader.retention(node, base: retention) }
        var stateDirectory: URL?
        if let node = top["state_dir"] {
            let value = try reader.string(node, key: "state_dir")
            stateDirectory = URL(fileURLWithPath: (value as NSString).expandingTildeInPath, relativeTo: folder).standardizedFileURL
        }
        guard let feedsNode = top["feeds"] else {
            throw ConfigError(path: path, line: reader.line(root), message: "missing `feeds:` list")
        }
        var feeds: [FeedConfig] = []
        var seen: [String: Int] = [:]
        for entry in try reader.sequence(feedsNode, key: "feeds") {
            let fields = try reader.mapping(entry, allowed: Self.feedKeys, what: "a feed")
            guard let urlNode = fields["url"] else {
                throw ConfigError(path: path, line: reader.line(entry), message: "feed without `url`")
            }
            let url = try reader.feedURL(urlNode, folder: folder, folderPath: folderPath)
            let line = reader.line(urlNode) ?? 0
            if let first = seen[url.absoluteString] {
                throw ConfigError(path: path, line: line, message: "duplicate feed \(url.absoluteString) (first on line \(first))")
            }
            seen[url.absoluteString] = line
            var feed = FeedConfig(url: url, interval: interval, adaptive: adaptive, timeout: timeout, line: line)
            feed.retention = retention
            feed.fullText = try reader.fullText(fields, base: fullText)
            if let node = fields["retention"] { feed.retention = try reader.retention(node, base: retention) }
            if let node = fields["tags"] { feed.tags = try reader.tags(node) }
            if let node = fields["on_update"] {
                let text = try reader.string(node, key: "on_update")
                guard let policy = UpdatePolicy(rawValue: text) else {
                    throw reader.fail(node, "`on_update` must be keep or unread, not `\(text)`")
                }
                feed.onUpdate = policy
            }
            if let node = fields["name"] { feed.name = try reader.string(node, key: "name") }
            if let node = fields["interval"] { (feed.interval, feed.adaptive) = try reader.interval(node, fallback: interval) }
            if let node = fields["timeout"] { feed.timeout = try reader.duration(node, key: "timeout") }
            if let node = fields["user_agent"] { feed.userAgent = try reader.string(node, key: "user_agent") }
            if let node = fields["headers"] { feed.headers = try reader.headers(node) }
            if let node = fields["auth"] { feed.auth = try reader.auth(node) }
            if let node = fields["insecure"] { feed.insecure = try reader.boolean(node, key: "insecure") }
            if let node = fields["rules"] { feed.rules = try reader.rules(node, global: false) }
            feeds.append(feed)
        }
        var configuration = Configuration(path: path, stateDirectory: stateDirectory, fetch: fetch, schedule: schedule, feeds: feeds)
        if let node = top["rules"] {
            configuration.rules = try reader.rules(node, global: true)
            // A `feeds:` entry that names no feed is a mistake (a misspelt name or tag), not a rule for nobody.
            for rule in configuration.rules {
                for selector in rule.feeds where checkingFeedNames && !feeds.contains(where: { Self.selector(selector, names: $0) }) {
                    throw ConfigError(path: path, line: rule.line, message: "the rule's `feeds:` entry `\(selector)` names no feed")
                }
            }
        }
        if let node = top["hooks"] {
            configuration.hooks = try reader.hooks(node)
            let givenTags = Set((configuration.rules + feeds.flatMap(\.rules)).compactMap(\.givenTag).map { $0.lowercased() })
            for hook in configuration.hooks {
                for selector in hook.feeds where checkingFeedNames && !feeds.contains(where: { Self.selector(selector, names: $0) }) {
                    throw ConfigError(path: path, line: hook.line, message: "hook `\(hook.name)`: its `feeds:` entry `\(selector)` names no feed")
                }
                for tag in hook.tags where !givenTags.contains(tag.lowercased()) {
                    throw ConfigError(
                        path: path, line: hook.line, message: "hook `\(hook.name)`: no `tag` rule gives the tag `\(tag)` its `tags:` names")
                }
            }
        }
        if let node = top["api"] { configuration.api = try reader.api(node) }
        return configuration
    }

    private static func line(of error: YamlError) -> Int? {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _):
            return mark.line
        default: return nil
        }
    }

    private static func summary(of error: YamlError) -> String {
        switch error {
        case .scanner(_, let problem, _, _), .parser(_, let problem, _, _), .composer(_, let problem, _, _):
            return problem
        default: return "\(error)"
        }
    }
}

/// Typed reads of YAML nodes that fail with the node's line.
struct NodeReader {
    let path: String

    func line(_ node: Node) -> Int? { node.mark.map(\.line) }

    func fail(_ node: Node, _ message: String) -> ConfigError {
        ConfigError(path: path, line: line(node), message: message)
    }

    func mapping(_ node: Node, allowed: Set<String>, what: String) throws(ConfigError) -> [String: Node] {
        guard let mapping = node.mapping else { throw fail(node, "\(what) must be a mapping of `key: value`") }
        var result: [String: Node] = [:]
        for (keyNode, value) in mapping {
            guard let key = keyNode.string else { throw fail(keyNode, "keys must be plain words") }
            guard allowed.contains(key) else {
                throw fail(keyNode, "unknown key `\(key)` in \(what) (known: \(allowed.sorted().joined(separator: ", ")))")
            }
            guard result[key] == nil else { throw fail(keyNode, "`\(key)` is given twice in \(what)") }
            result[key] = value
        }
        return result
    }

    func sequence(_ node: Node, key: String) throws(ConfigError) -> [Node] {
        if case .scalar(let scalar) = node, scalar.string.isEmpty || scalar.string == "null" { return [] }
        guard let sequence = node.sequence else { throw fail(node, "`\(key)` must be a list (lines starting with `- `)") }
        return Array(sequence)
    }

    func string(_ node: Node, key: String) throws(ConfigError) -> String {
        guard case .scalar(let scalar) = node, !scalar.string.isEmpty else { throw fail(node, "`\(key)` must be text") }
        return scalar.string
    }

    func duration(_ node: Node, key: String) throws(ConfigError) -> Duration {
        let text = try string(node, key: key)
        guard let duration = DurationText.parse(text) else {
            throw fail(node, "bad duration `\(text)` for `\(key)`: write it like 90s, 15m, 2h or 1d")
        }
        if let limit = Self.limits[key], duration > limit {
            throw fail(node, "`\(key)` of \(text) is longer than the \(DurationText.format(limit)) allowed")
        }
        return duration
    }

    /// `tags: [a, b]`, or one tag as plain text.
    func tags(_ node: Node) throws(ConfigError) -> [String] {
        if let sequence = node.sequence {
            var tags: [String] = []
            for element in sequence { tags.append(try string(element, key: "tags")) }
            return tags
        }
        return [try string(node, key: "tags")]
    }

    /// A `retention:` mapping; keys not given keep the values of `base`.
    func retention(_ node: Node, base: RetentionPolicy) throws(ConfigError) -> RetentionPolicy {
        let fields = try mapping(node, allowed: ["max_items", "max_age", "delete_unread", "forget_after"], what: "`retention`")
        var policy = base
        if let node = fields["max_items"] { policy.maxItems = try integer(node, key: "max_items", in: 1...1_000_000) }
        if let node = fields["max_age"] { policy.maxAge = try duration(node, key: "max_age") }
        if let node = fields["delete_unread"] { policy.deleteUnread = try boolean(node, key: "delete_unread") }
        if let node = fields["forget_after"] { policy.forgetAfter = try duration(node, key: "forget_after") }
        return policy
    }

    /// A duration, or `auto` for the adaptive mode (which keeps `fallback` until the feed has a history).
    func interval(_ node: Node, fallback: Duration) throws(ConfigError) -> (Duration, Bool) {
        if case .scalar(let scalar) = node, scalar.string.lowercased() == "auto" { return (fallback, true) }
        return (try duration(node, key: "interval"), false)
    }

    func integer(_ node: Node, key: String, in range: ClosedRange<Int>) throws(ConfigError) -> Int {
        let text = try string(node, key: key)
        guard let value = Int(text), range.contains(value) else {
            throw fail(node, "`\(key)` must be a whole number from \(range.lowerBound) to \(range.upperBound), not `\(text)`")
        }
        return value
    }

    func boolean(_ node: Node, key: String) throws(ConfigError) -> Bool {
        switch try string(node, key: key).lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        case let other: throw fail(node, "`\(key)` must be true or false, not `\(other)`")
        }
    }

    /// A byte count: `16777216`, `512KiB`, `16MiB`, `1GiB` (also KB, MB, GB as powers of 1000).
    func size(_ node: Node, key: String) throws(ConfigError) -> Int {
        let text = try string(node, key: key).replacingOccurrences(of: " ", with: "")
        let units: [(String, Int)] = [("KiB", 1 << 10), ("MiB", 1 << 20), ("GiB", 1 << 30), ("KB", 1000), ("MB", 1_000_000), ("GB", 1_000_000_000), ("B", 1)]
        var number = text
        var multiplier = 1
        for (suffix, factor) in units where text.hasSuffix(suffix) {
            number = String(text.dropLast(suffix.count))
            multiplier = factor
            break
        }
        guard let value = Int(number), value > 0, value <= (4 << 30) / multiplier else {
            throw fail(node, "bad size `\(text)` for `\(key)`: write it like 16MiB or 524288 (at most 4GiB)")
        }
        return value * multiplier
    }

    func headers(_ node: Node) throws(ConfigError) -> [HTTPHeader] {
        guard let mapping = node.mapping else { throw fail(node, "`headers` must be a mapping of `Name: value`") }
        var result: [HTTPHeader] = []
        for (nameNode, valueNode) in mapping {
            let name = try string(nameNode, key: "headers")
            let value = try string(valueNode, key: name)
            guard !name.contains(":"), !name.contains(" "), !(name + value).contains("\n"), !(name + value).contains("\r")
            else { throw fail(nameNode, "bad header `\(name)`") }
            result.append(HTTPHeader(name: name, value: value))
        }
        return result
    }

    func auth(_ node: Node) throws(ConfigError) -> FeedAuth {
        let fields = try mapping(
            node, allowed: ["username", "password_file", "password_env", "password_credential", "password"], what: "`auth`")
        guard let usernameNode = fields["username"] else { throw fail(node, "`auth` needs a `username`") }
        if let plain = fields["password"] {
            throw fail(plain, "passwords are not written in the config: use password_file, password_env or password_credential")
        }
        let sources = [
            fields["password_file"].map { ($0, FeedAuth.PasswordSource.file("")) },
            fields["password_env"].map { ($0, FeedAuth.PasswordSource.environment("")) },
            fields["password_credential"].map { ($0, FeedAuth.PasswordSource.credential("")) },
        ].compactMap { $0 }
        guard sources.count == 1, let (sourceNode, kind) = sources.first else {
            throw fail(node, "`auth` needs exactly one of password_file, password_env, password_credential")
        }
        let value = try string(sourceNode, key: "password source")
        let source: FeedAuth.PasswordSource
        switch kind {
        case .file: source = .file(value)
        case .environment: source = .environment(value)
        case .credential: source = .credential(value)
        }
        return FeedAuth(username: try string(usernameNode, key: "username"), password: source)
    }

    /// The longest value each duration key accepts.
    static let limits: [String: Duration] = ["interval": .seconds(365 * 86_400), "timeout": .seconds(600)]  // others: 10 years

    /// http(s) URLs as written; `file:` URLs with a relative path resolve against the config's folder.
    /// Whether a path has no `.`, `..` or empty segment (a leading `/` aside), looked at byte by byte: it is
    /// asked for every feed of the file.
    static func isStandard(_ path: String) -> Bool {
        var segment = 0  // bytes of the segment so far; -1 while it is all dots (at most two)
        var dots = 0
        for (offset, byte) in path.utf8.enumerated() {
            if byte == UInt8(ascii: "/") {
                if offset > 0 && (segment == 0 || (segment == dots && dots <= 2)) { return false }
                segment = 0
                dots = 0
            } else {
                segment += 1
                if byte == UInt8(ascii: "."), dots == segment - 1 { dots += 1 }
            }
        }
        return segment > 0 && !(segment == dots && dots <= 2)
    }

    func feedURL(_ node: Node, folder: URL, folderPath: String) throws(ConfigError) -> URL {
        var trimmed = Substring(try string(node, key: "url"))
        while trimmed.first == " " || trimmed.first == "\t" { trimmed.removeFirst() }
        while trimmed.last == " " || trimmed.last == "\t" { trimmed.removeLast() }
        let text = String(trimmed)
        let lower = text.lowercased()
        if lower.hasPrefix("file:") {
            var path = String(text.dropFirst(5))
            if path.hasPrefix("//") { path = String(path.dropFirst(2)) }
            guard !path.isEmpty else { throw fail(node, "bad URL `\(text)`: no file path") }
            // Foundation's path standardising is slow; a path without `.`, `..` or empty segments is standard.
            if Self.isStandard(path) {
                let absolute = path.hasPrefix("/") ? path : (folderPath.hasSuffix("/") ? folderPath : folderPath + "/") + path
                return URL(fileURLWithPath: absolute, isDirectory: false)
            }
            return URL(fileURLWithPath: path, isDirectory: false, relativeTo: folder).standardizedFileURL
        }
        guard lower.hasPrefix("http://") || lower.hasPrefix("https://"), let url = URL(string: text),
            let host = url.host, !host.isEmpty
        else {
            throw fail(node, "bad URL `\(text)`: feeds are fetched over http://, https:// or read from file:")
        }
        return url
    }
}
