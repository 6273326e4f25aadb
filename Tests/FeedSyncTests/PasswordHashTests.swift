import FeedSync
import Foundation
import Testing

struct PasswordHashTests {
    @Test func aHashVerifiesItsPasswordOnlyAndSurvivesItsFile() throws {
        let hash = try PasswordHash.make(user: "alice", password: "correct horse", logCost: 10)
        #expect(hash.verifies("correct horse"))
        #expect(!hash.verifies("correct horse ") && !hash.verifies("Correct horse") && !hash.verifies(""))
        let again = try PasswordHash.parse(hash.fileText, path: "/etc/feedd/alice.hash")
        #expect(again == hash && again.verifies("correct horse"))
        #expect(try PasswordHash.make(user: "alice", password: "correct horse", logCost: 10).salt != hash.salt, "a new salt each time")
        #expect(hash.fileText.hasPrefix("$scrypt$ln=10,r=8,p=1$") && !hash.fileText.contains("correct"))
    }

    @Test func theFeverKeyIsMD5OfNameColonPassword() throws {
        // Digests from Python's hashlib.md5, for these exact UTF-8 bytes.
        #expect(PasswordHash.feverKey(user: "alice", password: "correct horse") == "23faea553e61d105a779b78a1f289030")
        #expect(PasswordHash.feverKey(user: "zoé", password: "mot de passe « sûr »") == "00d85e40ce999350d9b6c0c6863e53b6")
        let hash = try PasswordHash.make(user: "alice", password: "correct horse", logCost: 10)
        #expect(hash.acceptsFeverKey("23FAEA553E61D105A779B78A1F289030") && !hash.acceptsFeverKey("23faea553e61d105a779b78a1f289031"))
    }

    @Test(arguments: [
        ("", "expected two lines"),
        ("$bcrypt$x$y$z\nfever:23faea553e61d105a779b78a1f289030\n", "the first line is not an scrypt hash"),
        ("$scrypt$ln=40,r=8,p=1$c2FsdHNhbHQ$aGFzaA\nfever:23faea553e61d105a779b78a1f289030\n", "scrypt settings must be"),
        ("$scrypt$ln=15,r=8,p=1$c2FsdHNhbHQ$aGFzaA\nfever:23faea553e61d105a779b78a1f289030\n", "not valid base64 of the right length"),
        ("$scrypt$ln=15,r=8,p=1$c2FsdHNhbHQ$MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY\nfever:xyz\n", "fever: and 32 hex digits"),
    ])
    func aDamagedFileIsRefusedWithItsPath(text: String, message: String) {
        #expect {
            try PasswordHash.parse(text, path: "/etc/feedd/alice.hash")
        } throws: { error in
            "\(error)".hasPrefix("/etc/feedd/alice.hash: ") && "\(error)".contains(message)
        }
    }
}
