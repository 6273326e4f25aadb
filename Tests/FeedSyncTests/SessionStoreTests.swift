import Foundation
import Testing

@testable import FeedSync

struct SessionStoreTests {
    static func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("sessions-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func aTokenOpensItsSessionUntilRevokedAndOnlyItsDigestIsWritten() throws {
        let folder = try Self.folder()
        let sessions = SessionStore(stateDirectory: folder)
        let alice = try sessions.open(user: "alice", client: "192.0.2.1")
        let bob = try sessions.open(user: "bob", client: "192.0.2.2")
        #expect(alice.count == 64 && alice.allSatisfy(\.isHexDigit) && alice != bob)
        #expect(sessions.user(presenting: alice) == "alice" && sessions.user(presenting: bob) == "bob")
        #expect(sessions.user(presenting: String(repeating: "0", count: 64)) == nil && sessions.user(presenting: "") == nil)
        let text = try String(contentsOfFile: sessions.path, encoding: .utf8)
        #expect(!text.contains(alice) && !text.contains(bob))

        // Another process (feedctl) revokes: this one sees it at the next check.
        let elsewhere = SessionStore(stateDirectory: folder)
        let aliceSession = try #require(try elsewhere.list().first { $0.user == "alice" })
        #expect(try elsewhere.revoke(ids: [aliceSession.id]) == 1)
        #expect(sessions.user(presenting: alice) == nil && sessions.user(presenting: bob) == "bob")
        #expect(try elsewhere.revoke(user: "bob") == 1)
        #expect(sessions.user(presenting: bob) == nil)
    }

    @Test func aUserKeepsOnlyTheirNewestSessions() throws {
        let sessions = SessionStore(stateDirectory: try Self.folder())
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        let first = try sessions.open(user: "alice", client: "c", now: start)
        for step in 1...SessionStore.perUserLimit {
            _ = try sessions.open(user: "alice", client: "c", now: start.addingTimeInterval(Double(step)))
        }
        #expect(try sessions.list().count == SessionStore.perUserLimit)
        #expect(sessions.user(presenting: first) == nil, "the oldest went")
    }

    @Test func anUnreadableFileLetsNobodyIn() throws {
        let folder = try Self.folder()
        let sessions = SessionStore(stateDirectory: folder)
        let token = try sessions.open(user: "alice", client: "c")
        try Data("{ not json".utf8).write(to: URL(fileURLWithPath: sessions.path))
        #expect(sessions.user(presenting: token) == nil)
        #expect(throws: (any Error).self) { try sessions.list() }
    }
}
