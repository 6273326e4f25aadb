import Crypto
import CryptoExtras
import FeedCore
import Foundation

/// What `feedctl api passwd` stores for one API user, and what logins are checked against: an scrypt
/// hash of the password for the Google Reader login, and the Fever key, md5("name:password"), which
/// Fever clients send as is (the protocol's own design; it is all Fever ever needs).
///
/// The file holds two lines:
/// ```
/// $scrypt$ln=15,r=8,p=1$SALT$HASH
/// fever:HEX
/// ```
/// (salt and hash in unpadded base64).
public struct PasswordHash: Sendable, Equatable {
    /// log2 of scrypt's cost N, its block size r and parallelism p.
    public var logCost: Int
    public var blockSize: Int
    public var parallelism: Int
    public var salt: [UInt8]
    public var hash: [UInt8]
    /// md5("name:password") in lower-case hex.
    public var feverKey: String

    /// Costs for new hashes: N = 2^15, r = 8 (32 MiB, about 0.1 s on one core).
    public static let defaultLogCost = 15
    static let hashBytes = 32

    /// A new hash of `password` for `user`, with a random salt.
    public static func make(user: String, password: String, logCost: Int = defaultLogCost) throws(PasswordHashError) -> PasswordHash {
        var generator = SystemRandomNumberGenerator()
        let salt = (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let hash = try derive(password, salt: salt, logCost: logCost, blockSize: 8, parallelism: 1)
        return PasswordHash(
            logCost: logCost, blockSize: 8, parallelism: 1, salt: salt, hash: hash, feverKey: feverKey(user: user, password: password))
    }

    /// The Fever API key of this user and password.
    public static func feverKey(user: String, password: String) -> String {
        HexText.lowercase(Insecure.MD5.hash(data: Data("\(user):\(password)".utf8)))
    }

    /// Whether `password` is the one hashed (compared in constant time).
    public func verifies(_ password: String) -> Bool {
        guard let derived = try? Self.derive(password, salt: salt, logCost: logCost, blockSize: blockSize, parallelism: parallelism) else {
            return false
        }
        return Self.sameBytes(derived, hash)
    }

    /// Whether a key a Fever client sent is this user's (compared in constant time).
    public func acceptsFeverKey(_ key: String) -> Bool {
        Self.sameBytes(Array(key.lowercased().utf8), Array(feverKey.utf8))
    }

    /// The file's text.
    public var fileText: String {
        "$scrypt$ln=\(logCost),r=\(blockSize),p=\(parallelism)$\(Self.base64(salt))$\(Self.base64(hash))\nfever:\(feverKey)\n"
    }

    /// Reads a file's text; `path` names it in the error.
    public static func parse(_ text: String, path: String) throws(PasswordHashError) -> PasswordHash {
        let lines = text.split(whereSeparator: \.isNewline).map(String.init)
        func bad(_ why: String) -> PasswordHashError { PasswordHashError(path: path, message: why) }
        guard lines.count == 2 else { throw bad("expected two lines (the scrypt hash, then fever:KEY); run `feedctl api passwd` again") }
        let parts = lines[0].split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count == 5, parts[0].isEmpty, parts[1] == "scrypt" else { throw bad("the first line is not an scrypt hash") }
        var costs: [String: Int] = [:]
        for setting in parts[2].split(separator: ",") {
            let pair = setting.split(separator: "=", maxSplits: 1)
            guard pair.count == 2, let value = Int(pair[1]) else { throw bad("bad scrypt setting `\(setting)`") }
            costs[String(pair[0])] = value
        }
        guard let logCost = costs["ln"], (10...20).contains(logCost), let blockSize = costs["r"], (1...32).contains(blockSize),
            let parallelism = costs["p"], (1...16).contains(parallelism)
        else { throw bad("scrypt settings must be ln (10-20), r (1-32) and p (1-16)") }
        guard let salt = unbase64(parts[3]), salt.count >= 8, let hash = unbase64(parts[4]), hash.count == hashBytes else {
            throw bad("the salt or the hash is not valid base64 of the right length")
        }
        let fever = lines[1]
        guard fever.hasPrefix("fever:"), fever.count == 6 + 32, fever.dropFirst(6).allSatisfy(\.isHexDigit) else {
            throw bad("the second line must be fever: and 32 hex digits")
        }
        return PasswordHash(
            logCost: logCost, blockSize: blockSize, parallelism: parallelism, salt: salt, hash: hash, feverKey: String(fever.dropFirst(6)).lowercased())
    }

    private static func derive(_ password: String, salt: [UInt8], logCost: Int, blockSize: Int, parallelism: Int) throws(PasswordHashError)
        -> [UInt8]
    {
        do {
            let key = try KDF.Scrypt.deriveKey(
                from: Array(password.utf8), salt: salt, outputByteCount: hashBytes, rounds: 1 << logCost, blockSize: blockSize,
                parallelism: parallelism, maxMemory: 256 << 20)
            return key.withUnsafeBytes { Array($0) }
        } catch {
            throw PasswordHashError(path: "", message: "scrypt failed: \(error)")
        }
    }

    private static func sameBytes(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }

    private static func base64(_ bytes: [UInt8]) -> String {
        var text = Data(bytes).base64EncodedString()
        while text.hasSuffix("=") { text.removeLast() }
        return text
    }

    private static func unbase64(_ text: Substring) -> [UInt8]? {
        var padded = String(text)
        while padded.count % 4 != 0 { padded += "=" }
        return Data(base64Encoded: padded).map(Array.init)
    }
}

/// A password hash file that cannot be used, with its path.
public struct PasswordHashError: Error, Equatable, Sendable, CustomStringConvertible {
    public var path: String
    public var message: String

    public var description: String { path.isEmpty ? message : "\(path): \(message)" }
}
