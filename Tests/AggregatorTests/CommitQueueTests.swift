@testable import Aggregator
import Foundation
import Synchronization
import TestSupport
import Testing

/// Group commit: jobs submitted while a commit runs are recorded together in the next group (by the next
/// committer, once the first has recorded its own job), two jobs for one feed never share a group, and each
/// submitter gets its own outcome.
struct CommitQueueTests {
    @Test func jobsArrivingDuringACommitFormTheNextGroupWithoutTwoForOneFeed() async throws {
        let queue = CommitQueue<Int, Int>()
        let groups = Mutex<[[Int]]>([])
        let later = Mutex<[Task<Int, Never>]>([])
        // Whoever commits records its group: the first committer, then each one it hands over to.
        let record: @Sendable ([Int]) -> [Int] = { jobs in
            groups.withLock { $0.append(jobs) }
            return jobs.map { $0 * 10 }
        }
        let first = await queue.submit(0, key: "k0") { jobs in
            // While the first group commits, nine more arrive (two of them for the same feed).
            for number in 1...9 {
                let task = Task { await queue.submit(number, key: "k\(number % 8)", run: record) }
                later.withLock { $0.append(task) }
            }
            let deadline = Date().addingTimeInterval(5)
            while queue.waitingCount < 9 && Date() < deadline { usleep(1000) }
            return record(jobs)
        }
        #expect(first == 0)
        var outcomes: [Int] = []
        for task in later.withLock({ $0 }) { outcomes.append(await task.value) }
        #expect(outcomes.sorted() == (1...9).map { $0 * 10 })
        let recorded = groups.withLock { $0 }
        #expect(recorded.count == 3, "\(recorded)")
        #expect(recorded.first == [0])
        if recorded.count == 3 {
            #expect(recorded[1].count == 8)
            #expect(Set(recorded[1] + recorded[2]) == Set(1...9))
            #expect(recorded[2].count == 1 && [1, 9].contains(recorded[2][0]), "the second job for k1 waits for the next group")
        }
        #expect(queue.waitingCount == 0)
    }

    @Test func aCommitterWaitsForAnnouncedJobsAndNotForOthers() async throws {
        let queue = CommitQueue<Int, Int>(gathering: .seconds(5), fullGroup: 4)
        let groups = Mutex<[[Int]]>([])
        let record: @Sendable ([Int]) -> [Int] = { jobs in
            groups.withLock { $0.append(jobs) }
            return jobs
        }
        // Nothing announced: the job is recorded at once, alone.
        let started = ContinuousClock.now
        _ = await queue.submit(0, key: "k0", run: record)
        #expect(ContinuousClock.now - started < .seconds(1))
        // Four fetches under way: the first result waits for the others, and all four make one group.
        for _ in 1...4 { queue.begin() }
        let gathered = ContinuousClock.now
        let tasks = (1...4).map { number in
            Task {
                try? await Task.sleep(for: .milliseconds(30 * number))
                return await queue.submit(number, key: "k\(number)", run: record)
            }
        }
        for task in tasks { _ = await task.value }
        #expect(groups.withLock { $0 } == [[0], [1, 2, 3, 4]])
        #expect(ContinuousClock.now - gathered < .seconds(2), "the fourth job ends the gathering, not its five seconds")
        // One announced job that never comes (cancelled): withdrawn, it keeps nobody waiting.
        queue.begin()
        queue.abandon()
        let alone = ContinuousClock.now
        _ = await queue.submit(5, key: "k5", run: record)
        #expect(ContinuousClock.now - alone < .seconds(1))
    }

    /// A committer gathering for jobs still announced stops when the last of them is withdrawn, or when its
    /// own task is cancelled (the daemon stopping), not when its gathering time is over.
    @Test func aWithdrawalOrACancellationEndsTheGathering() async throws {
        let queue = CommitQueue<Int, Int>(gathering: .seconds(5), fullGroup: 8)
        let record: @Sendable ([Int]) -> [Int] = { $0 }
        queue.begin()
        queue.begin()
        let started = ContinuousClock.now
        let first = Task { await queue.submit(1, key: "k1", run: record) }
        try await Self.waitUntilSubmitted(queue)
        queue.abandon()
        #expect(await first.value == 1)
        #expect(ContinuousClock.now - started < .seconds(2))

        queue.begin()
        queue.begin()
        let cancelledAt = Locked<ContinuousClock.Instant?>(nil)
        let second = Task { await queue.submit(2, key: "k2", run: record) }
        try await Self.waitUntilSubmitted(queue)
        cancelledAt.withLock { $0 = ContinuousClock.now }
        second.cancel()
        #expect(await second.value == 2)
        let cancelled = try #require(cancelledAt.value)
        #expect(ContinuousClock.now - cancelled < .seconds(2))
    }

    /// Until a job waits in the queue (its submitter is then gathering), then 50 ms more for the gathering
    /// to begin.
    static func waitUntilSubmitted(_ queue: CommitQueue<Int, Int>) async throws {
        let deadline = ContinuousClock.now + .seconds(5)
        while queue.waitingCount == 0 && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }
        #expect(queue.waitingCount == 1)
        try await Task.sleep(for: .milliseconds(50))
    }
}
