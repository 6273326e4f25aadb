import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The `api:` section: feedd serving the Google Reader API and Fever to reading apps. Without it feedd
/// listens on nothing.
public struct APIConfig: Sendable, Equatable {
    /// Where the API listens.
    public enum Listen: Sendable, Equatable {
        /// An IPv4 or IPv6 address (without brackets) and a port.
        case tcp(host: String, port: Int)
        /// A unix socket at this absolute path.
        case unixSocket(path: String)
    }

    /// Where a user's password hash is read (written by `feedctl api passwd`).
    public enum HashSource: Sendable, Equatable {
        case file(String)
        /// A systemd credential (a file in `$CREDENTIALS_DIRECTORY`).
        case credential(String)
    }

    /// One account the apps log in with.
    public struct User: Sendable, Equatable {
        public var name: String
        public var passwordHash: HashSource
        public var line: Int
    }

    public var listen: Listen
    public var users: [User]
    /// Addresses (or CIDR ranges) whose `X-Forwarded-*` headers are believed: the reverse proxies.
    public var trustedProxies: [String] = []
    /// Whether apps may add, remove and rename feeds (which rewrites the YAML config).
    public var editSubscriptions = false
    public var line: Int

    /// The user with this name (names compare exactly).
    public func user(named name: String) -> User? { users.first { $0.name == name } }

    /// Whether `text` is an IPv4 or IPv6 address.
    static func isAddress(_ text: String) -> Bool {
        var v4 = in_addr()
        var v6 = in6_addr()
        return inet_pton(AF_INET, text, &v4) == 1 || inet_pton(AF_INET6, text, &v6) == 1
    }
}
