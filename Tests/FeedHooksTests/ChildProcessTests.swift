import Foundation
import Testing

@testable import FeedHooks

#if canImport(Glibc)
    import Glibc
#endif

@Suite struct ChildProcessTests {
    @Test func aChildHoldsNoDescriptorOfFeeddsBeyondItsStandardThree() async throws {
        // A descriptor without close-on-exec, as a store file or an accepted socket may be.
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("child-fd-\(UUID().uuidString)").path
        let held = open(path, O_CREAT | O_RDWR, 0o600)
        try #require(held >= 0)
        defer {
            close(held)
            unlink(path)
        }
        let outcome = try await ChildProcess.run(
            ["/bin/sh", "-c", "ls /proc/$$/fd"], environment: [:], input: Data(), timeout: .seconds(10))
        #expect(outcome.succeeded)
        let descriptors = outcome.output.split(whereSeparator: \.isNewline).compactMap { Int($0) }.sorted()
        #expect(descriptors == [0, 1, 2], "inherited: \(descriptors), feedd holds \(held)")
    }

    @Test func aChildGetsOnlyTheEnvironmentItIsGivenAndItsInput() async throws {
        let outcome = try await ChildProcess.run(
            ["/bin/sh", "-c", "env; cat"], environment: ["ONLY": "this", "PATH": "/usr/bin:/bin"],
            input: Data("« entrée »".utf8), timeout: .seconds(10))
        let lines = outcome.output.split(whereSeparator: \.isNewline).map(String.init)
        #expect(lines.contains("ONLY=this"))
        #expect(!lines.contains { $0.hasPrefix("HOME=") })
        #expect(outcome.output.hasSuffix("« entrée »"))
    }

    @Test func aChildPastItsLimitIsStoppedAndSaysSo() async throws {
        let outcome = try await ChildProcess.run(
            ["/bin/sleep", "30"], environment: [:], input: Data(), timeout: .milliseconds(200))
        #expect(outcome.timedOut)
        #expect(outcome.signal == SIGTERM)
        #expect(!outcome.succeeded)
    }
}
