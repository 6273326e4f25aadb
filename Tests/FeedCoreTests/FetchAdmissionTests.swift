import FeedCore
import Foundation
import Testing

/// Admission as the fetch engine's thread sees it, one pass at a time, with `now` given: slots, the per-host
/// limit, jobs past a busy host, and the waits hosts ask for.
struct FetchAdmissionTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    func queue(_ admission: inout FetchAdmission<String>, _ jobs: [(String, String)]) {
        for (index, (job, host)) in jobs.enumerated() { _ = admission.offer(job, id: UInt64(index), host: host, now: now) }
    }

    @Test func slotsAndThePerHostLimitAreNeverExceeded() {
        var admission = FetchAdmission<String>(concurrency: 3, perHost: 2)
        queue(&admission, [("a1", "a"), ("a2", "a"), ("a3", "a"), ("b1", "b"), ("b2", "b")])
        // Oldest first; the third for a waits behind the limit while b's first takes the last slot.
        #expect(admission.admit(now: now).map(\.job) == ["a1", "a2", "b1"])
        #expect(admission.isFull && admission.admit(now: now).isEmpty)
        admission.ended(host: "a")
        #expect(admission.admit(now: now).map(\.job) == ["a3"])
        admission.ended(host: "b")
        #expect(admission.admit(now: now).map(\.job) == ["b2"])
        #expect(admission.queue.isEmpty && admission.running == 3)
    }

    @Test func aJobForAnotherHostStartsPastABusyHostsQueue() {
        var admission = FetchAdmission<String>(concurrency: 2, perHost: 1)
        queue(&admission, [("slow0", "slow")])
        #expect(admission.admit(now: now).map(\.job) == ["slow0"])
        queue(&admission, [("slow1", "slow"), ("slow2", "slow"), ("fast", "fast")])
        #expect(admission.admit(now: now).map(\.job) == ["fast"])
        #expect(admission.queue.map(\.job) == ["slow1", "slow2"])
    }

    @Test func anOfferSaysWhetherItCanStartNow() {
        var admission = FetchAdmission<String>(concurrency: 1, perHost: 1)
        guard case .queued(startsNow: true) = admission.offer("a", id: 1, host: "a", now: now) else {
            Issue.record("a free slot")
            return
        }
        _ = admission.admit(now: now)
        // Every slot taken: nothing can start until a transfer ends, so the engine need not be woken.
        guard case .queued(startsNow: false) = admission.offer("b", id: 2, host: "b", now: now) else {
            Issue.record("no free slot")
            return
        }
        #expect(admission.withdraw(id: 2) == "b" && admission.withdraw(id: 2) == nil)
    }

    @Test func aHostThatAsksToWaitIsLeftAloneUntilThen() {
        var admission = FetchAdmission<String>(concurrency: 4, perHost: 1)
        queue(&admission, [("a1", "a")])
        _ = admission.admit(now: now)
        queue(&admission, [("a2", "a"), ("b1", "b")])
        // a1 came back 429 with Retry-After: 120 s; a2, queued, is refused with the wait.
        let held = admission.hold(host: "a", until: now + 120)
        #expect(held.refused == ["a2"] && held.until == now + 120)
        admission.ended(host: "a")
        // A shorter wait does not shorten it.
        #expect(admission.hold(host: "a", until: now + 60).until == now + 120)
        guard case .refused(let until) = admission.offer("a3", id: 9, host: "a", now: now + 119) else {
            Issue.record("a3 must be refused while a waits")
            return
        }
        #expect(until == now + 120)
        #expect(admission.admit(now: now + 119).map(\.job) == ["b1"])
        // Over: forgotten, and a's jobs are taken again.
        #expect(admission.admit(now: now + 120).isEmpty && admission.hostWaits.isEmpty)
        guard case .queued = admission.offer("a4", id: 10, host: "a", now: now + 120) else {
            Issue.record("a4 must be queued once the wait is over")
            return
        }
    }

    @Test func shutdownTakesEveryQueuedJob() {
        var admission = FetchAdmission<String>(concurrency: 1, perHost: 1)
        queue(&admission, [("a", "a"), ("b", "b"), ("c", "c")])
        _ = admission.admit(now: now)
        #expect(admission.withdrawAll() == ["b", "c"] && admission.queue.isEmpty)
    }
}
