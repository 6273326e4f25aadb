import Foundation
import TestSupport
import Testing

/// The shipped unit files, checked by systemd's own analyzer (Debian's `systemd` package; `.ci/run` installs it).
struct SystemdUnitTests {
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The unit with ExecStart= pointing at the freshly built binary, as `verify` checks the binary exists.
    static func unitCopy(_ name: String, in directory: TemporaryDirectory) throws -> String {
        let text = try String(contentsOf: repositoryRoot.appendingPathComponent("systemd/\(name)"), encoding: .utf8)
        let built = Subprocess.path("feedd")
        return try directory.write(
            name, text.replacingOccurrences(of: "/usr/local/bin/feedd", with: built)
                .replacingOccurrences(of: "%h/.local/bin/feedd", with: built))
    }

    /// systemd-analyze with its stderr folded into stdout (it reports problems on either).
    /// User-mode analysis needs a runtime directory; a temporary one does.
    static func analyze(_ arguments: [String], runtimeDirectory: String? = nil) async throws -> Subprocess {
        let prefix = runtimeDirectory.map { "XDG_RUNTIME_DIR='\($0)' " } ?? ""
        return try await Subprocess.runCommand("/bin/sh", ["-c", prefix + "exec systemd-analyze \"$@\" 2>&1", "sh"] + arguments)
    }

    @Test func theSystemUnitVerifiesCleanlyAndIsHardened() async throws {
        let directory = try TemporaryDirectory()
        let unit = try Self.unitCopy("feedd.service", in: directory)
        let verify = try await Self.analyze(["verify", unit])
        #expect(verify.status == 0)
        #expect(verify.stdout.isEmpty, "systemd-analyze verify: \(verify.stdout)")
        let security = try await Self.analyze(["security", "--offline=true", unit])
        let line = try #require(security.stdout.split(separator: "\n").last { $0.contains("Overall exposure level") })
        let score = try #require(Double(line.split(separator: ":")[1].split(separator: " ")[0]))
        #expect(score <= 1.5, "\(line)")
    }

    @Test func theUserUnitVerifies() async throws {
        let directory = try TemporaryDirectory()
        let unit = try Self.unitCopy("feedd.user.service", in: directory)
        let verify = try await Self.analyze(["--user", "verify", unit], runtimeDirectory: directory.url.path)
        #expect(verify.status == 0, "\(verify.stdout)")
        #expect(verify.stdout.isEmpty, "systemd-analyze verify: \(verify.stdout)")
    }

    /// Socket activation: feedd.socket starts the forwarder, which starts feedd; both verify, and the
    /// forwarder (no network of its own, feedd's user) is as hardened as feedd.
    @Test func theSocketAndItsForwarderVerifyAndTheForwarderIsHardened() async throws {
        let directory = try TemporaryDirectory()
        _ = try Self.unitCopy("feedd.service", in: directory)
        let socket = try Self.unitCopy("feedd.socket", in: directory)
        let forwarder = try Self.unitCopy("feedd-api.service", in: directory)
        let verify = try await Self.analyze(["verify", socket, forwarder])
        #expect(verify.status == 0, "\(verify.stdout)")
        #expect(verify.stdout.isEmpty, "systemd-analyze verify: \(verify.stdout)")
        let security = try await Self.analyze(["security", "--offline=true", forwarder])
        let line = try #require(security.stdout.split(separator: "\n").last { $0.contains("Overall exposure level") })
        let score = try #require(Double(line.split(separator: ":")[1].split(separator: " ")[0]))
        #expect(score <= 1.5, "\(line)")
    }
}
