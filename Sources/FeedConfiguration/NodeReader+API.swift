import Foundation
import Yams

extension NodeReader {
    static let apiKeys: Set<String> = ["listen", "users", "trusted_proxies", "edit_subscriptions"]

    /// `api:`:
    /// ```yaml
    /// api:
    ///   listen: 127.0.0.1:7070          # [::1]:7070, or /run/feedd/api.sock
    ///   users:
    ///     - name: alice
    ///       password_hash_file: /etc/feedd/alice.hash   # or password_hash_credential: NAME
    ///   trusted_proxies: [127.0.0.1]
    /// ```
    func api(_ node: Node) throws(ConfigError) -> APIConfig {
        let fields = try mapping(node, allowed: Self.apiKeys, what: "`api`")
        guard let listenNode = fields["listen"] else { throw fail(node, "`api` needs `listen` (like 127.0.0.1:7070)") }
        guard let usersNode = fields["users"] else { throw fail(node, "`api` needs `users`: no app could log in") }
        var config = APIConfig(listen: try listen(listenNode), users: try users(usersNode), line: line(node) ?? 0)
        guard !config.users.isEmpty else { throw fail(usersNode, "`api.users` is empty: no app could log in") }
        if let proxies = fields["trusted_proxies"] {
            for element in try sequence(proxies, key: "trusted_proxies") {
                let text = try string(element, key: "trusted_proxies")
                guard Self.isAddressOrRange(text) else {
                    throw fail(element, "`\(text)` in `trusted_proxies` is not an IP address or a CIDR range like 10.0.0.0/8")
                }
                config.trustedProxies.append(text)
            }
        }
        if let node = fields["edit_subscriptions"] { config.editSubscriptions = try boolean(node, key: "edit_subscriptions") }
        return config
    }

    private func listen(_ node: Node) throws(ConfigError) -> APIConfig.Listen {
        let text = try string(node, key: "listen")
        if text.hasPrefix("/") { return .unixSocket(path: text) }
        let host: String
        let portText: Substring
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
            host = String(text[text.index(after: text.startIndex)..<close])
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":") else { throw fail(node, "`listen: \(text)` needs a port after the address, like [::1]:7070") }
            portText = rest.dropFirst()
        } else if let colon = text.lastIndex(of: ":"), !text[..<colon].contains(":") {
            host = String(text[..<colon])
            portText = text[text.index(after: colon)...]
        } else {
            throw fail(node, "`listen` must be ADDRESS:PORT (127.0.0.1:7070, [::1]:7070) or a unix socket's absolute path, not `\(text)`")
        }
        guard APIConfig.isAddress(host) else {
            throw fail(node, "`listen: \(text)`: `\(host)` is not an IP address (names are not resolved here)")
        }
        guard let port = Int(portText), (1...65535).contains(port) else {
            throw fail(node, "`listen: \(text)`: the port must be a number from 1 to 65535")
        }
        return .tcp(host: host, port: port)
    }

    private func users(_ node: Node) throws(ConfigError) -> [APIConfig.User] {
        var users: [APIConfig.User] = []
        var lines: [String: Int] = [:]
        for entry in try sequence(node, key: "users") {
            let fields = try mapping(entry, allowed: ["name", "password_hash_file", "password_hash_credential"], what: "an API user")
            guard let nameNode = fields["name"] else { throw fail(entry, "an API user needs a `name`") }
            let name = try string(nameNode, key: "name")
            guard name.unicodeScalars.allSatisfy({ $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "._@-".unicodeScalars.contains($0)) })
            else { throw fail(nameNode, "API user name `\(name)` may use only letters, digits and . _ @ -") }
            if let first = lines[name] { throw fail(nameNode, "duplicate API user `\(name)` (first on line \(first))") }
            let line = self.line(nameNode) ?? 0
            lines[name] = line
            let source: APIConfig.HashSource
            switch (fields["password_hash_file"], fields["password_hash_credential"]) {
            case (.some(let file), nil):
                // Relative to the config's folder, as state_dir is.
                let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
                let value = (try string(file, key: "password_hash_file") as NSString).expandingTildeInPath
                source = .file(URL(fileURLWithPath: value, relativeTo: folder).standardizedFileURL.path)
            case (nil, .some(let credential)): source = .credential(try string(credential, key: "password_hash_credential"))
            case (.some, .some): throw fail(entry, "API user `\(name)` has both password_hash_file and password_hash_credential; choose one")
            case (nil, nil):
                throw fail(entry, "API user `\(name)` needs password_hash_file (written by `feedctl api passwd \(name)`) or password_hash_credential")
            }
            users.append(APIConfig.User(name: name, passwordHash: source, line: line))
        }
        return users
    }

    /// An address, or an address and a prefix length that fits it.
    private static func isAddressOrRange(_ text: String) -> Bool {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2, APIConfig.isAddress(String(parts[0])) else { return false }
        guard parts.count == 2 else { return true }
        let limit = parts[0].contains(":") ? 128 : 32
        return Int(parts[1]).map { (0...limit).contains($0) } ?? false
    }
}
