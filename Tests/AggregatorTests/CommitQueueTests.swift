@testable import Aggregator
import Foundation
import Synchronization
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
}
