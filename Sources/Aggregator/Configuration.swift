import Foundation
import Yams

/// One feed as the configuration names it, with defaults applied.
public struct FeedConfig: Sendable, Equatable {
    /// The URL as written (relative file: paths made absolute): the feed's key in the store.
    public var url: URL
    public var name: String?
    public var interval: Duration
    public var timeout: Duration
    /// The config line that names this feed, for messages.
    public var line: Int
}

/// The parsed configuration file.
public struct Configuration: Sendable, Equatable {
    public static let defaultInterval = Duration.seconds(30 * 60)
    public static let defaultTimeout = Duration.seconds(30)

    public var path: String
    /// From `state_dir`, made absolute against the config file's folder.
    public var stateDirectory: URL?
    public var feeds: [FeedConfig]

    /// Reads and validates the file at `path`.
    public static func load(path: String) throws(ConfigError) -> Configuration {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigError(path: path, line: nil, message: "cannot read: \((error as NSError).localizedDescription)")
        }
        return try parse(text, path: path)
    }

    /// Validates YAML text; relative paths resolve against the folder of `path`.
    public static func parse(_ text: String, path: String) throws(ConfigError) -> Configuration {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw ConfigError(path: path, line: Self.line(of: error), message: "invalid YAML: \(Self.summary(of: error))")
        } catch {
            throw ConfigError(path: path, line: nil, message: "invalid YAML: \(error)")
        }
        guard let root else { throw ConfigError(path: path, line: nil, message: "the file is empty; it needs a `feeds:` list") }
        let reader = NodeReader(path: path)
        let top = try reader.mapping(root, allowed: ["state_dir", "defaults", "feeds"], what: "the top level")

        var interval = defaultInterval
        var timeout = defaultTimeout
        if let defaults = top["defaults"] {
            let entries = try reader.mapping(defaults, allowed: ["interval", "timeout"], what: "`defaults`")
            if let node = entries["interval"] { interval = try reader.duration(node, key: "interval") }
            if let node = entries["timeout"] { timeout = try reader.duration(node, key: "timeout") }
        }
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
            let fields = try reader.mapping(entry, allowed: ["url", "name", "interval", "timeout"], what: "a feed")
            guard let urlNode = fields["url"] else {
                throw ConfigError(path: path, line: reader.line(entry), message: "feed without `url`")
            }
            let url = try reader.feedURL(urlNode, folder: folder)
            let line = reader.line(urlNode) ?? 0
            if let first = seen[url.absoluteString] {
                throw ConfigError(path: path, line: line, message: "duplicate feed \(url.absoluteString) (first on line \(first))")
            }
            seen[url.absoluteString] = line
            feeds.append(
                FeedConfig(
                    url: url,
                    name: try fields["name"].map { node throws(ConfigError) in try reader.string(node, key: "name") },
                    interval: try fields["interval"].map { node throws(ConfigError) in try reader.duration(node, key: "interval") }
                        ?? interval,
                    timeout: try fields["timeout"].map { node throws(ConfigError) in try reader.duration(node, key: "timeout") }
                        ?? timeout,
                    line: line))
        }
        return Configuration(path: path, stateDirectory: stateDirectory, feeds: feeds)
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

    /// The longest value each duration key accepts.
    static let limits: [String: Duration] = ["interval": .seconds(365 * 86_400), "timeout": .seconds(600)]

    /// http(s) URLs as written; `file:` URLs with a relative path resolve against the config's folder.
    func feedURL(_ node: Node, folder: URL) throws(ConfigError) -> URL {
        let text = try string(node, key: "url").trimmingCharacters(in: .whitespaces)
        let lower = text.lowercased()
        if lower.hasPrefix("file:") {
            var path = String(text.dropFirst(5))
            if path.hasPrefix("//") { path = String(path.dropFirst(2)) }
            guard !path.isEmpty else { throw fail(node, "bad URL `\(text)`: no file path") }
            return URL(fileURLWithPath: path, relativeTo: folder).standardizedFileURL
        }
        guard lower.hasPrefix("http://") || lower.hasPrefix("https://"), let url = URL(string: text),
            let host = url.host, !host.isEmpty
        else {
            throw fail(node, "bad URL `\(text)`: feeds are fetched over http://, https:// or read from file:")
        }
        return url
    }
}
