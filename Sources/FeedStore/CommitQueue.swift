import Synchronization

/// Group commit: whoever submits when no commit is running becomes the committer and records the jobs
/// waiting, its own and those submitted meanwhile, in groups; the others wait for their outcome. Costs paid
/// once per hold of the store lock (shared indexes, folder fsyncs) are then paid once per group, however many
/// feeds finish at the same moment. Two jobs for the same key never share a group. Once its own job is
/// recorded, the committer hands the role to the next waiter and returns, so no refresh is held up by
/// committing for others for long.
final class CommitQueue<Job: Sendable, Outcome: Sendable>: Sendable {
    private enum Wake: Sendable {
        case recorded(Outcome)
        /// The waiter is the committer now.
        case commit
    }

    private struct Waiting {
        var id: UInt64
        var job: Job
        var key: String
        var continuation: CheckedContinuation<Wake, Never>
    }

    private struct State {
        var waiting: [Waiting] = []
        var running = false
        var nextID: UInt64 = 0
        /// Jobs announced by `begin` and not submitted yet.
        var coming = 0
        /// The committer's wait for its group, while it gathers.
        var gathering: GatherWait?

        /// Nothing more to wait for: no job announced, or a full group waiting.
        func groupIsReady(fullGroup: Int) -> Bool { coming == 0 || waiting.count >= fullGroup }

        /// The gathering wait to end now that the group is ready, taken out of the state.
        mutating func takeGatheringIfReady(fullGroup: Int) -> GatherWait? {
            guard gathering != nil, groupIsReady(fullGroup: fullGroup) else { return nil }
            defer { gathering = nil }
            return gathering
        }
    }

    /// A committer's wait for its group to fill, ended once by whichever comes first: the group is ready,
    /// the gathering time is over, or the committer's task is cancelled.
    private final class GatherWait: Sendable {
        private let state = Mutex<(ended: Bool, continuation: CheckedContinuation<Void, Never>?)>((false, nil))

        func wait() async {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let endedAlready = state.withLock { state -> Bool in
                    if !state.ended { state.continuation = continuation }
                    return state.ended
                }
                if endedAlready { continuation.resume() }
            }
        }

        func end() {
            let continuation = state.withLock { state -> CheckedContinuation<Void, Never>? in
                guard !state.ended else { return nil }
                state.ended = true
                defer { state.continuation = nil }
                return state.continuation
            }
            continuation?.resume()
        }
    }

    private let state = Mutex(State())
    /// How long a committer waits for announced jobs to join its group, and how many it waits for at most.
    private let gathering: Duration
    private let fullGroup: Int
    /// What the gathering time is measured on: the continuous clock, or a test's manual one.
    private let clock: any Clock<Duration>

    /// - Parameter gathering: see `begin`; zero commits at once.
    init(gathering: Duration = .milliseconds(20), fullGroup: Int = 32, clock: any Clock<Duration> = ContinuousClock()) {
        self.gathering = gathering
        self.fullGroup = fullGroup
        self.clock = clock
    }

    /// Jobs submitted and not yet taken into a group.
    var waitingCount: Int { state.withLock { $0.waiting.count } }

    /// Announces a job that will be submitted (a fetch under way). While jobs are announced, a committer waits
    /// up to `gathering` for them to join its group: recording a group costs about as much for one feed as
    /// for sixteen (`recent.json`, a directory fsync per folder and step), and in a cold start most groups
    /// held a single feed.
    func begin() {
        state.withLock { $0.coming += 1 }
    }

    /// Withdraws an announced job that will not be submitted after all.
    func abandon() {
        let ready = state.withLock { state in
            state.coming = max(0, state.coming - 1)
            return state.takeGatheringIfReady(fullGroup: fullGroup)
        }
        ready?.end()
    }

    func submit(_ job: Job, key: String, run: ([Job]) -> [Outcome]) async -> Outcome {
        var id: UInt64 = 0
        let wake = await withCheckedContinuation { (continuation: CheckedContinuation<Wake, Never>) in
            let (leads, ready) = state.withLock { state in
                id = state.nextID
                state.nextID += 1
                state.coming = max(0, state.coming - 1)
                state.waiting.append(Waiting(id: id, job: job, key: key, continuation: continuation))
                let ready = state.takeGatheringIfReady(fullGroup: fullGroup)
                guard !state.running else { return (false, ready) }
                state.running = true
                return (true, ready)
            }
            ready?.end()
            if leads { continuation.resume(returning: .commit) }
        }
        switch wake {
        case .recorded(let outcome): return outcome
        case .commit:
            await gather()
            return commit(until: id, run: run)
        }
    }

    /// Lets announced jobs join the group about to be recorded: returns when none is announced any more, a
    /// full group waits, or `gathering` has passed. Sleeps once: `submit` and `abandon` end the wait when
    /// the group is ready.
    private func gather() async {
        guard gathering > .zero else { return }
        let wait = GatherWait()
        let ready = state.withLock { state in
            if state.groupIsReady(fullGroup: fullGroup) { return true }
            state.gathering = wait
            return false
        }
        guard !ready else { return }
        let timer = Task { [gathering, clock] in
            try? await clock.sleep(for: gathering)
            wait.end()
        }
        await withTaskCancellationHandler { await wait.wait() } onCancel: { wait.end() }
        timer.cancel()
        state.withLock { if $0.gathering === wait { $0.gathering = nil } }
    }

    /// Records groups until the job `own` is recorded, then hands over to the next waiter (if any).
    private func commit(until own: UInt64, run: ([Job]) -> [Outcome]) -> Outcome {
        while true {
            let group = state.withLock { state -> [Waiting] in
                var keys: Set<String> = []
                var taken: [Waiting] = []
                var later: [Waiting] = []
                for entry in state.waiting {
                    if keys.insert(entry.key).inserted { taken.append(entry) } else { later.append(entry) }
                }
                state.waiting = later
                return taken
            }
            let outcomes = run(group.map { $0.job })
            precondition(outcomes.count == group.count, "a commit must give one outcome per job")
            var mine: Outcome?
            for (entry, outcome) in zip(group, outcomes) {
                if entry.id == own { mine = outcome } else { entry.continuation.resume(returning: .recorded(outcome)) }
            }
            guard let mine else { continue }  // its own job waits for a later group (same key as an earlier one)
            let next = state.withLock { state -> Waiting? in
                guard let first = state.waiting.first else {
                    state.running = false
                    return nil
                }
                return first
            }
            next?.continuation.resume(returning: .commit)
            return mine
        }
    }
}
