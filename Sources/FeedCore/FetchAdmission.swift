import Foundation

/// Which queued transfers may start: at most `concurrency` in flight, at most `perHost` to one `host:port`,
/// oldest first past the jobs of hosts at their limit; and which hosts asked (`Retry-After`) not to be
/// contacted until when. Pure: the fetch engine keeps one under its lock and passes `now`. Jobs are known
/// by id here; what they carry stays with the engine.
public struct FetchAdmission: Sendable {
    /// A job waiting to start.
    public struct Queued: Sendable, Equatable {
        public var id: UInt64
        /// `host:port` (`HTTPDecisions.hostKey`).
        public var host: String
    }

    /// What became of a job offered to the queue.
    public enum Entry {
        /// Queued; `startsNow` when a slot is free for it (the engine should look at the queue).
        case queued(startsNow: Bool)
        /// Its host asked to wait until then: nothing is sent before.
        case refused(until: Date)
    }

    public let concurrency: Int
    public let perHost: Int
    /// Waiting jobs, oldest first.
    public private(set) var queue: [Queued] = []
    /// Waits hosts asked for, by `host:port`; forgotten once over.
    public private(set) var hostWaits: [String: Date] = [:]
    /// Jobs started and not ended, by host.
    private var runningByHost: [String: Int] = [:]
    public private(set) var running = 0

    public init(concurrency: Int, perHost: Int) {
        self.concurrency = max(1, concurrency)
        self.perHost = max(1, perHost)
    }

    /// Whether every slot is taken: a new job then has nothing to start until one ends.
    public var isFull: Bool { running >= concurrency }

    /// Queues a job, unless its host asked to wait past `now`.
    public mutating func offer(id: UInt64, host: String, now: Date) -> Entry {
        if let until = hostWaits[host], until > now { return .refused(until: until) }
        queue.append(Queued(id: id, host: host))
        return .queued(startsNow: !isFull && runningByHost[host, default: 0] < perHost)
    }

    /// Takes a job that has not started out of the queue (it was cancelled); false when it is not queued.
    public mutating func withdraw(id: UInt64) -> Bool {
        guard let index = queue.firstIndex(where: { $0.id == id }) else { return false }
        queue.remove(at: index)
        return true
    }

    /// Takes every job that has not started out of the queue (shutdown); returns their ids.
    public mutating func withdrawAll() -> [UInt64] {
        defer { queue.removeAll() }
        return queue.map(\.id)
    }

    /// The jobs that start now, oldest first, counted as running until `ended`; waits over at `now` are
    /// forgotten.
    public mutating func admit(now: Date) -> [Queued] {
        if hostWaits.values.contains(where: { $0 <= now }) { hostWaits = hostWaits.filter { $0.value > now } }
        var free = concurrency - running
        var taken: [Int] = []
        var index = 0
        while free > 0 && index < queue.count {
            let host = queue[index].host
            if runningByHost[host, default: 0] < perHost {
                runningByHost[host, default: 0] += 1
                taken.append(index)
                free -= 1
            }
            index += 1
        }
        running += taken.count
        let starting = taken.map { queue[$0] }
        if taken.last == taken.count - 1 {
            queue.removeFirst(taken.count)
        } else {
            for index in taken.reversed() { queue.remove(at: index) }
        }
        return starting
    }

    /// A job `admit` started has ended: finished, aborted, or never set up.
    public mutating func ended(host: String) {
        running = max(0, running - 1)
        runningByHost[host] = max(0, runningByHost[host, default: 1] - 1)
        if runningByHost[host] == 0 { runningByHost[host] = nil }
    }

    /// The host asked to wait until `until` (or a wait recorded earlier says so): its queued jobs leave the
    /// queue, refused, and later ones are refused when offered. Returns their ids and the wait in force (the
    /// later of the two when one was already).
    public mutating func hold(host: String, until: Date) -> (refused: [UInt64], until: Date) {
        let wait = max(until, hostWaits[host] ?? until)
        hostWaits[host] = wait
        let refused = queue.filter { $0.host == host }.map(\.id)
        if !refused.isEmpty { queue.removeAll { $0.host == host } }
        return (refused, wait)
    }
}
