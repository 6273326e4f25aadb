/// Runs a test's CPU-heavy part on a thread shared by all such parts rather than on the cooperative pool.
/// Swift Testing runs tests side by side on that pool, one thread per core: on two cores, tests that compute
/// for seconds without suspending hold it, and every test waiting on a socket or a timer stalls behind them.
/// The work stays in its test's task, so its expectations are recorded as usual.
public func heavyWork<T, Failure: Error>(_ body: () async throws(Failure) -> T) async throws(Failure) -> T {
    try await withTaskExecutorPreference(heavyWorkExecutor, operation: body)
}

/// One thread for every `heavyWork` part: they take their turns on it, leaving the other core to the rest.
private let heavyWorkExecutor = OwnThreadExecutor(name: "feedd-tests-heavy-work")
