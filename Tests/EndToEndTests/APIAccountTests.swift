import Foundation
import TestSupport
import Testing

/// `feedctl api passwd` writing what the sync API will check logins against, checked by Python's own
/// scrypt and md5.
struct APIAccountTests {
    static func passwd(_ password: String?, user: String, config: String) async throws -> Subprocess {
        let input = password.map { "printf '%s\\n' '\($0)'" } ?? "true"
        return try await Subprocess.runCommand(
            "/bin/sh", ["-c", "\(input) | \"$FEEDCTL\" api passwd \"$USER_NAME\" --config \"$CONFIG\""],
            environment: ["FEEDCTL": Subprocess.path("feedctl"), "USER_NAME": user, "CONFIG": config])
    }

    @Test func passwdWritesAnScryptHashAndTheFeverKeyOnly() async throws {
        let directory = try TemporaryDirectory()
        let config = try directory.write(
            "c.yaml",
            """
            state_dir: s
            api:
              listen: 127.0.0.1:7070
              users:
                - name: alice
                  password_hash_file: alice.hash
                - name: bob
                  password_hash_credential: bob-hash
            feeds:
              - url: https://blog.example.fr/feed/

            """)
        let run = try await Self.passwd("mot de passe « sûr »", user: "alice", config: config)
        let file = directory.url.appendingPathComponent("alice.hash").path
        #expect(run.status == 0 && run.stdout == "password of alice set: \(file)\n", "\(run.stdout)\(run.stderr)")
        let mode = (try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int) ?? 0
        #expect(mode == 0o600)
        let text = try String(contentsOfFile: file, encoding: .utf8)
        #expect(!text.contains("mot de passe"))
        let check = try await Subprocess.runCommand(
            "/usr/bin/env",
            [
                "python3", "-c",
                """
                import base64, hashlib, sys
                line, fever = open(sys.argv[1]).read().split()
                _, kind, settings, salt, digest = line.split('$')
                cost = dict(s.split('=') for s in settings.split(','))
                pad = lambda t: base64.b64decode(t + '=' * (-len(t) % 4))
                derived = hashlib.scrypt(sys.argv[2].encode(), salt=pad(salt), n=2 ** int(cost['ln']), r=int(cost['r']), p=int(cost['p']), maxmem=2 ** 27, dklen=32)
                print(kind, derived == pad(digest), fever == 'fever:' + hashlib.md5(('alice:' + sys.argv[2]).encode()).hexdigest())
                """,
                file, "mot de passe « sûr »",
            ])
        #expect(check.stdout == "scrypt True True\n", "\(check.stdout)\(check.stderr)")

        // A credential user gets the text to store; an unknown user and no password are refused.
        let bob = try await Self.passwd("hunter2", user: "bob", config: config)
        #expect(bob.status == 0 && bob.stdout.hasPrefix("$scrypt$") && bob.stderr.contains("systemd credential bob-hash"), "\(bob.stderr)")
        let unknown = try await Self.passwd("x", user: "carol", config: config)
        #expect(unknown.status == 1 && unknown.stderr == "feedctl: no API user named carol in \(config) (users: alice, bob)\n", "\(unknown.stderr)")
        let empty = try await Self.passwd(nil, user: "alice", config: config)
        #expect(empty.status == 1 && empty.stderr.contains("no password on standard input"), "\(empty.stderr)")
        #expect(try String(contentsOfFile: file, encoding: .utf8) == text, "a refused change leaves the hash as it was")
    }
}
