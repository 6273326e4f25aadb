import Foundation

/// Runs blocking work (file reads, fsyncs, password hashing) on threads outside Swift's cooperative pool,
/// at most `threads` at once, so neither the fetcher's tasks nor the HTTP server's event loops wait on a
/// disk.
public final class BlockingWork: Sendable {
    private let semaphore: DispatchSemaphore

    public init(threads: Int) { semaphore = DispatchSemaphore(value: threads) }

    public func run<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { [semaphore] in
                semaphore.wait()
                defer { semaphore.signal() }
                continuation.resume(returning: work())
            }
        }
    }
}
