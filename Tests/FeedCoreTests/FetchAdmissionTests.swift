import FeedCore
import Foundation
import Testing

/// Admission as the fetch engine's thread sees it, one pass at a time, with `now` given: slots, the per-host
/// limit, jobs past a busy host, and the waits hosts ask for.
struct FetchAdmissionTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    /// An admission whose jobs are named, for readable tables: a job's id is its place in `names`.
    struct Named {
        var admission: FetchAdmission
        var names: [String] = []

        init(concurrency: Int, perHost: Int) {
            admission = FetchAdmission(concurrency: concurrency, perHost: perHost)
        }

        @discardableResult
        mutating func offer(_ name: String, host: String, now: Date = FetchAdmissionTests.now) -> FetchAdmission.Entry {
            names.append(name)
            return admission.offer(id: UInt64(names.count - 1), host: host, now: now)
        }

        mutating func admit(now: Date = FetchAdmissionTests.now) -> [String] {
            admission.admit(now: now).map { names[Int($0.id)] }
        }

        func named(_ ids: [UInt64]) -> [String] { ids.map { names[Int($0)] } }
    }

    @Test func slotsAndThePerHostLimitAreNeverExceeded() {
        var jobs = Named(concurrency: 3, perHost: 2)
        for (name, host) in [("a1", "a"), ("a2", "a"), ("a3", "a"), ("b1", "b"), ("b2", "b")] { jobs.offer(name, host: host) }
        // Oldest first; the third for a waits behind the limit while b's first takes the last slot.
        #expect(jobs.admit() == ["a1", "a2", "b1"])
        #expect(jobs.admission.isFull && jobs.admit().isEmpty)
        jobs.admission.ended(host: "a")
        #expect(jobs.admit() == ["a3"])
        jobs.admission.ended(host: "b")
        #expect(jobs.admit() == ["b2"])
        #expect(jobs.admission.queue.isEmpty && jobs.admission.running == 3)
    }

    @Test func aJobForAnotherHostStartsPastABusyHostsQueue() {
        var jobs = Named(concurrency: 2, perHost: 1)
        jobs.offer("slow0", host: "slow")
        #expect(jobs.admit() == ["slow0"])
        for (name, host) in [("slow1", "slow"), ("slow2", "slow"), ("fast", "fast")] { jobs.offer(name, host: host) }
        #expect(jobs.admit() == ["fast"])
        #expect(jobs.named(jobs.admission.queue.map(\.id)) == ["slow1", "slow2"])
    }

    @Test func anOfferSaysWhetherItCanStartNow() {
        var jobs = Named(concurrency: 1, perHost: 1)
        guard case .queued(startsNow: true) = jobs.offer("a", host: "a") else {
            Issue.record("a free slot")
            return
        }
        _ = jobs.admit()
        // Every slot taken: nothing can start until a transfer ends, so the engine need not be woken.
        guard case .queued(startsNow: false) = jobs.offer("b", host: "b") else {
            Issue.record("no free slot")
            return
        }
        let first = jobs.admission.withdraw(id: 1)
        let again = jobs.admission.withdraw(id: 1)
        #expect(first && !again)
    }

    @Test func aHostThatAsksToWaitIsLeftAloneUntilThen() {
        let now = Self.now
        var jobs = Named(concurrency: 4, perHost: 1)
        jobs.offer("a1", host: "a")
        _ = jobs.admit()
        jobs.offer("a2", host: "a")
        jobs.offer("b1", host: "b")
        // a1 came back 429 with Retry-After: 120 s; a2, queued, is refused with the wait.
        let held = jobs.admission.hold(host: "a", until: now + 120)
        #expect(jobs.named(held.refused) == ["a2"] && held.until == now + 120)
        jobs.admission.ended(host: "a")
        // A shorter wait does not shorten it.
        #expect(jobs.admission.hold(host: "a", until: now + 60).until == now + 120)
        guard case .refused(let until) = jobs.offer("a3", host: "a", now: now + 119) else {
            Issue.record("a3 must be refused while a waits")
            return
        }
        #expect(until == now + 120)
        #expect(jobs.admit(now: now + 119) == ["b1"])
        // Over: forgotten, and a's jobs are taken again.
        #expect(jobs.admit(now: now + 120).isEmpty && jobs.admission.hostWaits.isEmpty)
        guard case .queued = jobs.offer("a4", host: "a", now: now + 120) else {
            Issue.record("a4 must be queued once the wait is over")
            return
        }
    }

    @Test func shutdownTakesEveryQueuedJob() {
        var jobs = Named(concurrency: 1, perHost: 1)
        for (name, host) in [("a", "a"), ("b", "b"), ("c", "c")] { jobs.offer(name, host: host) }
        _ = jobs.admit()
        #expect(jobs.named(jobs.admission.withdrawAll()) == ["b", "c"] && jobs.admission.queue.isEmpty)
    }
}
