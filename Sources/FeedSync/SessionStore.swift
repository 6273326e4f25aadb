import Crypto
import FeedCore
import FeedStore
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The sync API's sessions: each login gets a random token (256 bits, 64 hex digits, so no `=` in it), of which
/// only its SHA-256 digest is kept, in `STATE_DIR/api/sessions.json` (mode 0600). feedd checks tokens
/// against the file as it last read it, and reads it again when it changes, so `feedctl api tokens revoke`
/// takes effect at the next request. Writers (a login in feedd, a revocation in feedctl) take the file's
/// lock first (`APIFileLock`), so neither loses the other's change.
public final class SessionStore: Sendable {
    /// One session, as `feedctl api tokens` lists it.
    public struct Session: Codable, Sendable, Equatable {
        /// The first 12 hex digits of the token's digest: what `feedctl api tokens revoke` takes.
        public var id: String { String(digest.prefix(12)) }
        public var user: String
        /// SHA-256 of the token, in hex.
        public var digest: String
        public var created: Date
        /// The client address the login came from.
        public var client: String
    }

    private struct File: Codable {
        var schema = 1
        var sessions: [Session] = []
    }

    public let path: String
    /// The sessions by digest, with the stamp of the file they were read from.
    private let cache = Mutex<(stamp: [Int64], byDigest: [String: Session])>(([], [:]))
    /// Sessions kept per user: the oldest go first past this, so a client that logs in on every sync cannot
    /// grow the file without bound.
    public static let perUserLimit = 100

    public init(stateDirectory: URL) {
        path = stateDirectory.appendingPathComponent("api/sessions.json").path
    }

    /// A new session for `user`; returns its token, which is not kept anywhere.
    public func open(user: String, client: String, now: Date = Date()) throws(StoreError) -> String {
        let token = SymmetricKey(size: .bits256).withUnsafeBytes { HexText.lowercase(Array($0)) }
        let session = Session(user: user, digest: Self.digest(token), created: now, client: client)
        try update { sessions in
            sessions.append(session)
            let mine = sessions.filter { $0.user == user }
            if mine.count > Self.perUserLimit {
                let dropped = Set(mine.prefix(mine.count - Self.perUserLimit).map(\.digest))
                sessions.removeAll { dropped.contains($0.digest) }
            }
        }
        return token
    }

    /// The user a token belongs to, nil for an unknown or revoked one (or an unreadable file: no access).
    public func user(presenting token: String) -> String? {
        guard token.utf8.count == 64 else { return nil }
        let digest = Self.digest(token)
        guard let sessions = try? current() else { return nil }
        // The lookup is by digest, so timing says nothing about the token itself.
        return sessions[digest]?.user
    }

    /// Every session, oldest first.
    public func list() throws(StoreError) -> [Session] {
        try current().values.sorted { ($0.created, $0.digest) < ($1.created, $1.digest) }
    }

    /// Ends the sessions whose id (or digest) starts with one of `ids`, or all of a user's with `user`;
    /// returns how many ended.
    @discardableResult
    public func revoke(ids: [String] = [], user: String? = nil) throws(StoreError) -> Int {
        var ended = 0
        try update { sessions in
            let before = sessions.count
            sessions.removeAll { session in
                (user != nil && session.user == user) || ids.contains { !$0.isEmpty && session.digest.hasPrefix($0.lowercased()) }
            }
            ended = before - sessions.count
        }
        return ended
    }

    static func digest(_ token: String) -> String {
        HexText.lowercase(Array(SHA256.hash(data: Data(token.utf8))))
    }

    private func current() throws(StoreError) -> [String: Session] {
        var status = stat()
        let stamp: [Int64] =
            stat(path, &status) == 0
            ? [Int64(status.st_ino), Int64(status.st_size), Int64(status.st_mtim.tv_sec), Int64(status.st_mtim.tv_nsec)] : []
        if let cached = cache.withLock({ $0.stamp == stamp && !stamp.isEmpty ? $0.byDigest : nil }) { return cached }
        let byDigest = Dictionary(try read().sessions.map { ($0.digest, $0) }) { first, _ in first }
        cache.withLock { $0 = (stamp, byDigest) }
        return byDigest
    }

    private func read() throws(StoreError) -> File {
        guard let data = FileManager.default.contents(atPath: path) else {
            if FileManager.default.fileExists(atPath: path) { throw StoreError.cannotRead(path: path, reason: "permission denied or unreadable") }
            return File()
        }
        do {
            return try Self.decoder.decode(File.self, from: data)
        } catch {
            throw StoreError.cannotRead(path: path, reason: "not a sessions file: \(error)")
        }
    }

    private func update(_ change: (inout [Session]) -> Void) throws(StoreError) {
        try APIFileLock.withLock(for: path) { () throws(StoreError) in
            var file = try read()
            change(&file.sessions)
            let data: Data
            do {
                data = try Self.encoder.encode(file)
            } catch {
                throw StoreError.cannotWrite(path: path, reason: "\(error)")
            }
            try AtomicFile.write(data, toPath: path, mode: 0o600)
            cache.withLock { $0 = ([], [:]) }
        }
    }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return encoder
    }()

    private static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()
}
