@testable import FeedStore
import Foundation
import Synchronization
import TestSupport
import Testing

/// Group commit: jobs submitted while a commit runs are recorded together in the next group (by the next
/// committer, once the first has recorded its own job), two jobs for one feed never share a group, and each
/// submitter gets its own outcome.
struct CommitQueueTests {
    /// Ten jobs announced, on a manual clock that never moves: the committer waits for all ten (no timer
    /// could end its wait), then records them in two groups, since two feeds have two jobs each.
    @Test(.timeLimit(.minutes(1))) func twoJobsForOneFeedNeverShareAGroup() async throws {
        let queue = CommitQueue<Int, Int>(gathering: .seconds(5), fullGroup: 32, clock: ManualClock())
        let groups = Mutex<[[Int]]>([])
        let record: @Sendable ([Int]) -> [Int] = { jobs in
            groups.withLock { $0.append(jobs) }
            return jobs.map { $0 * 10 }
        }
        for _ in 0..<10 { queue.begin() }
        // Keys k0…k7, then k0 and k1 again.
        let tasks = (0..<10).map { number in Task { await queue.submit(number, key: "k\(number % 8)", run: record) } }
        var outcomes: [Int] = []
        for task in tasks { outcomes.append(await task.value) }
        #expect(outcomes == (0..<10).map { $0 * 10 }, "each submitter gets its own outcome")
        let recorded = groups.withLock { $0 }
        #expect(recorded.map(\.count) == [8, 2], "\(recorded)")
        for group in recorded { #expect(Set(group.map { $0 % 8 }).count == group.count, "one job per feed in \(group)") }
        #expect(Set(recorded.joined()) == Set(0..<10))
        #expect(queue.waitingCount == 0)
    }

    /// On a manual clock that never moves: a committer that returns did not wait for its gathering time.
    @Test(.timeLimit(.minutes(1))) func aCommitterWaitsForAnnouncedJobsAndNotForOthers() async throws {
        let clock = ManualClock()
        let queue = CommitQueue<Int, Int>(gathering: .seconds(5), fullGroup: 4, clock: clock)
        let groups = Mutex<[[Int]]>([])
        let record: @Sendable ([Int]) -> [Int] = { jobs in
            groups.withLock { $0.append(jobs) }
            return jobs
        }
        // Nothing announced: the job is recorded at once, alone.
        _ = await queue.submit(0, key: "k0", run: record)
        // Four fetches under way: the first result waits for the others, and all four make one group.
        for _ in 1...4 { queue.begin() }
        let first = Task { await queue.submit(1, key: "k1", run: record) }
        await clock.waitForSleepers()  // the first submitter is gathering
        let others = (2...4).map { number in Task { await queue.submit(number, key: "k\(number)", run: record) } }
        _ = await first.value
        for task in others { _ = await task.value }
        let recorded = groups.withLock { $0 }
        #expect(recorded.count == 2 && recorded.first == [0] && Set(recorded.last ?? []) == [1, 2, 3, 4], "\(recorded)")
        #expect(clock.sleeperCount == 0, "the fourth job ended the gathering, not its five seconds")
        // One announced job that never comes (cancelled): withdrawn, it keeps nobody waiting.
        queue.begin()
        queue.abandon()
        _ = await queue.submit(5, key: "k5", run: record)
        #expect(groups.withLock { $0.last } == [5])
    }

    /// The gathering time does end a wait for jobs that never come.
    @Test(.timeLimit(.minutes(1))) func aGatheringEndsWhenItsTimeIsOver() async throws {
        let clock = ManualClock()
        let queue = CommitQueue<Int, Int>(gathering: .seconds(5), fullGroup: 8, clock: clock)
        queue.begin()
        queue.begin()
        let lone = Task { await queue.submit(1, key: "k1") { $0 } }
        await clock.waitForSleepers()
        clock.advance(by: .seconds(4))
        #expect(queue.waitingCount == 1, "still gathering before its time")
        clock.advance(by: .seconds(1))
        #expect(await lone.value == 1)
    }

    /// A committer gathering for jobs still announced stops when the last of them is withdrawn, or when its
    /// own task is cancelled (the daemon stopping), not when its gathering time is over (the manual clock
    /// never gets there).
    @Test(.timeLimit(.minutes(1))) func aWithdrawalOrACancellationEndsTheGathering() async throws {
        let clock = ManualClock()
        let queue = CommitQueue<Int, Int>(gathering: .seconds(5), fullGroup: 8, clock: clock)
        let record: @Sendable ([Int]) -> [Int] = { $0 }
        queue.begin()
        queue.begin()
        let first = Task { await queue.submit(1, key: "k1", run: record) }
        await clock.waitForSleepers()
        queue.abandon()
        #expect(await first.value == 1)

        queue.begin()
        queue.begin()
        let second = Task { await queue.submit(2, key: "k2", run: record) }
        await clock.waitForSleepers()
        second.cancel()
        #expect(await second.value == 2)
        #expect(clock.now.offset == .zero)
    }
}
