import FeedConfiguration
import Foundation
import Synchronization

/// Checks the sync API's logins against the password hashes of the `api.users` accounts (the users of the
/// running configuration, their hashes read again at each check, so neither `feedctl api passwd` nor a new
/// user needs a restart). A password check costs a deliberate ~0.1 s and 32 MiB
/// (scrypt): at most `concurrentChecks` run at once, an unknown user costs as much as a known one, and the
/// failures of each client address are slowed by a `LoginThrottle`.
public final class SyncAccounts: Sendable {
    /// Why a login was refused.
    public enum Refusal: Error, Equatable, Sendable {
        /// Wrong name or password (which of the two is not said).
        case badCredentials
        /// Too many failures from this address: try again after this many seconds.
        case throttled(seconds: Int)
        /// The user's hash could not be read; the message names the file.
        case unreadableHash(String)
    }

    private let users: @Sendable () -> [APIConfig.User]
    private let environment: [String: String]
    private let throttle = Mutex(LoginThrottle())
    private let checks = BlockingWork(threads: SyncAccounts.concurrentChecks)
    /// Checked against when the user is unknown, so that takes as long as a wrong password.
    private let decoy: PasswordHash?

    public static let concurrentChecks = 2

    public init(users: @escaping @Sendable () -> [APIConfig.User], environment: [String: String]) {
        self.users = users
        self.environment = environment
        decoy = try? PasswordHash.make(user: "", password: UUID().uuidString)
    }

    /// The user `name`, when `password` is theirs.
    public func logIn(name: String, password: String, client: String, now: Date = Date()) async throws(Refusal) -> String {
        if let wait = throttle.withLock({ $0.wait(for: client, now: now) }) { throw .throttled(seconds: Int(wait.rounded(.up))) }
        let user = users().first { $0.name == name }
        let hash: PasswordHash?
        do {
            hash = try user.map(passwordHash)
        } catch {
            throw .unreadableHash(error.description)
        }
        let accepted = await checks.run { [decoy] in (hash ?? decoy)?.verifies(password) == true && user != nil }
        guard accepted, let user else {
            throttle.withLock { $0.failed(client, now: now) }
            throw .badCredentials
        }
        throttle.withLock { $0.succeeded(client) }
        return user.name
    }

    /// The user whose Fever key (md5 of `name:password`) this is; failures count against the address as
    /// failed logins do.
    public func user(feverKey: String, client: String, now: Date = Date()) throws(Refusal) -> String {
        if let wait = throttle.withLock({ $0.wait(for: client, now: now) }) { throw .throttled(seconds: Int(wait.rounded(.up))) }
        guard let user = users().first(where: { user in (try? passwordHash(user))?.acceptsFeverKey(feverKey) == true }) else {
            throttle.withLock { $0.failed(client, now: now) }
            throw .badCredentials
        }
        throttle.withLock { $0.succeeded(client) }
        return user.name
    }

    private func passwordHash(_ user: APIConfig.User) throws(PasswordHashError) -> PasswordHash {
        let path: String
        switch user.passwordHash {
        case .file(let file): path = file
        case .credential(let name):
            guard let directory = environment["CREDENTIALS_DIRECTORY"], !directory.isEmpty else {
                throw PasswordHashError(path: name, message: "systemd credential asked for, but $CREDENTIALS_DIRECTORY is not set")
            }
            path = directory + "/" + name
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw PasswordHashError(path: path, message: "cannot be read (set it with feedctl api passwd \(user.name))")
        }
        return try PasswordHash.parse(String(decoding: data, as: UTF8.self), path: path)
    }
}
