import Foundation

/// A thread that runs a task's jobs in the order they come, instead of the cooperative pool: see
/// `heavyWork` and the `.ownThread` trait. Jobs that come after `finish` go to the global executor.
final class OwnThreadExecutor: TaskExecutor, @unchecked Sendable {
    /// Guards `jobs` and `finished`; signalled when either changes.
    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []
    private var finished = false

    init(name: String) {
        let thread = Thread { [self] in
            while true {
                condition.lock()
                while jobs.isEmpty && !finished { condition.wait() }
                guard !jobs.isEmpty else {
                    condition.unlock()
                    return
                }
                let job = jobs.removeFirst()
                condition.unlock()
                job.runSynchronously(on: asUnownedTaskExecutor())
            }
        }
        thread.name = name
        thread.start()
    }

    func enqueue(_ job: UnownedJob) {
        condition.lock()
        guard !finished else {
            condition.unlock()
            globalConcurrentExecutor.enqueue(job)
            return
        }
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    /// Lets the thread end once the jobs it has are run.
    func finish() {
        condition.lock()
        finished = true
        condition.signal()
        condition.unlock()
    }
}
