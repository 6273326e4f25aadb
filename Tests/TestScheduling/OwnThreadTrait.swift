import Testing

/// Runs each test of a suite with a thread of its own for its task and the tasks it starts, instead of the
/// cooperative pool, for tests that measure what the code under test does in time (a transfer aborted
/// within its low-speed window, a watchdog ping every second): on a pool busy with other tests running in
/// parallel, a resumed task waits behind every job queued before it, and such a test would measure that.
public struct OwnThreadTrait: TestTrait, SuiteTrait, TestScoping {
    public var isRecursive: Bool { true }

    public func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        let executor = OwnThreadExecutor(name: "feedd-tests-\(test.name)")
        defer { executor.finish() }
        try await withTaskExecutorPreference(executor) { try await function() }
    }
}

extension Trait where Self == OwnThreadTrait {
    /// See `OwnThreadTrait`.
    public static var ownThread: Self { Self() }
}
