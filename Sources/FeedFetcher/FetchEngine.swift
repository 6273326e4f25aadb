import Foundation
import Synchronization
internal import CCurl

/// How many transfers run at once, per host and in all, and through which proxy.
public struct FetchSettings: Sendable, Equatable {
    /// Transfers in flight at once (config `fetch.concurrency`).
    public var concurrency: Int
    /// Transfers in flight to one `host:port` at once (config `fetch.per_host`).
    public var perHost: Int
    /// A proxy URL for every transfer (config `fetch.proxy`); otherwise libcurl reads `http_proxy`,
    /// `https_proxy` and `no_proxy` from the environment.
    public var proxy: String?

    public init(concurrency: Int = 16, perHost: Int = 2, proxy: String? = nil) {
        self.concurrency = max(1, concurrency)
        self.perHost = max(1, perHost)
        self.proxy = proxy
    }
}

/// Fetches feeds with one libcurl multi handle driven by one dedicated thread: up to `concurrency` transfers
/// in flight, at most `perHost` per host, the next one started as soon as one finishes (no batches), and
/// connections reused. Callers `await` results from Swift concurrency without blocking its thread pool;
/// cancelling the calling task aborts its transfer at once.
public final class FetchEngine: Sendable {
    public static let maxRedirects = 5

    private let core: EngineCore

    public init(settings: FetchSettings = FetchSettings()) {
        core = EngineCore(settings: settings)
        let core = self.core
        let thread = Thread { core.run() }
        thread.name = "feedd-fetch"
        thread.start()
    }

    deinit { core.shutdown() }

    /// Performs the request. Every HTTP status comes back as a response; transport failures throw.
    /// A 429 or 503 with `Retry-After` makes later requests to the same `host:port` fail with `.hostWaiting`
    /// until that time, without contacting the host.
    public func fetch(_ request: FetchRequest) async throws(FetchError) -> FetchResponse {
        let id = core.newID()
        let host = request.hostKey
        let result = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                core.enqueue(EngineCore.Job(id: id, request: request, host: host, continuation: continuation))
            }
        } onCancel: {
            core.cancel(id)
        }
        // A cancellation that came after the job was over left its id behind.
        if Task.isCancelled { core.forget(id) }
        return try result.get()
    }

    /// The `Retry-After` waits in force, by `host:port`.
    public var hostWaits: [String: Date] { core.hostWaits() }
}

/// The state shared between callers and the engine thread, and the engine thread's loop.
final class EngineCore: Sendable {
    struct Job: Sendable {
        var id: UInt64
        var request: FetchRequest
        /// `request.hostKey`, worked out once: the engine looks at it on every pass.
        var host: String
        var continuation: CheckedContinuation<Result<FetchResponse, FetchError>, Never>
    }

    private struct Shared {
        /// Jobs not started yet, oldest first. A job for a host told to wait never joins it (or leaves it
        /// when the host is told), nor does a cancelled one: a pass of the engine looks only at what it starts.
        var pending: [Job] = []
        /// Jobs cancelled in flight (or before they were queued), for the engine thread to abort.
        var cancelled: Set<UInt64> = []
        var hostWaits: [String: Date] = [:]
        var nextID: UInt64 = 0
        var stopping = false
    }

    private let settings: FetchSettings
    private let shared = Mutex(Shared())
    private let multi: MultiHandle

    private static let globalInit: Void = { curl_global_init(Int(CURL_GLOBAL_ALL)) }()

    init(settings: FetchSettings) {
        Self.globalInit
        self.settings = settings
        multi = MultiHandle(settings: settings)
    }

    func newID() -> UInt64 {
        shared.withLock { state in
            state.nextID += 1
            return state.nextID
        }
    }

    func enqueue(_ job: Job) {
        let refusal = shared.withLock { state -> FetchError? in
            if state.stopping || state.cancelled.remove(job.id) != nil { return .cancelled }
            if let until = state.hostWaits[job.host], until > Date() { return .hostWaiting(until: until) }
            state.pending.append(job)
            return nil
        }
        if let refusal {
            job.continuation.resume(returning: .failure(refusal))
        } else {
            multi.wakeup()
        }
    }

    func cancel(_ id: UInt64) {
        let queued = shared.withLock { state -> Job? in
            if let index = state.pending.firstIndex(where: { $0.id == id }) { return state.pending.remove(at: index) }
            state.cancelled.insert(id)
            return nil
        }
        if let queued {
            queued.continuation.resume(returning: .failure(.cancelled))
        } else {
            multi.wakeup()
        }
    }

    /// Drops a cancellation the engine never acted on (the job was over when it came).
    func forget(_ id: UInt64) {
        shared.withLock { _ = $0.cancelled.remove(id) }
    }

    func shutdown() {
        shared.withLock { $0.stopping = true }
        multi.wakeup()
    }

    func hostWaits() -> [String: Date] {
        shared.withLock { $0.hostWaits }
    }

    // MARK: - The engine thread

    private struct Active {
        var job: Job
        var transfer: Transfer
    }

    /// Starts what may start, lets curl work, hands back what finished; sleeps in `curl_multi_poll` until a
    /// socket is ready, a timer is due or `wakeup` is called.
    func run() {
        var active: [ObjectIdentifier: Active] = [:]
        var perHost: [String: Int] = [:]
        while true {
            let now = Date()
            var startable: [Job] = []
            var refused: [(Job, FetchError)] = []
            var abort: [ObjectIdentifier] = []
            let stopping = shared.withLock { state -> Bool in
                if state.hostWaits.values.contains(where: { $0 <= now }) { state.hostWaits = state.hostWaits.filter { $0.value > now } }  // over: forgotten
                if state.stopping {
                    refused = state.pending.map { ($0, .cancelled) }
                    state.pending = []
                } else {
                    // Oldest first, past the jobs of hosts at their limit, until every slot is taken.
                    var free = settings.concurrency - active.count
                    var starting: [String: Int] = [:]
                    var taken: [Int] = []
                    var index = 0
                    while free > 0 && index < state.pending.count {
                        let host = state.pending[index].host
                        if perHost[host, default: 0] + starting[host, default: 0] < settings.perHost {
                            starting[host, default: 0] += 1
                            taken.append(index)
                            free -= 1
                        }
                        index += 1
                    }
                    startable = taken.map { state.pending[$0] }
                    if taken.last == taken.count - 1 {
                        state.pending.removeFirst(taken.count)
                    } else {
                        for index in taken.reversed() { state.pending.remove(at: index) }
                    }
                }
                if state.stopping || !state.cancelled.isEmpty {
                    for (key, entry) in active where state.stopping || state.cancelled.contains(entry.job.id) {
                        state.cancelled.remove(entry.job.id)
                        abort.append(key)
                    }
                }
                return state.stopping
            }
            for (job, error) in refused { job.continuation.resume(returning: .failure(error)) }
            for key in abort {
                guard let entry = active.removeValue(forKey: key) else { continue }
                multi.remove(entry.transfer)
                perHost[entry.job.host, default: 1] -= 1
                entry.job.continuation.resume(returning: .failure(.cancelled))
            }
            if stopping && active.isEmpty { break }
            var slotLeftFree = false
            for job in startable {
                guard let transfer = Transfer(request: job.request) else {
                    job.continuation.resume(returning: .failure(.forbiddenScheme("libcurl refused the protocol limits")))
                    slotLeftFree = true
                    continue
                }
                if let proxy = settings.proxy { transfer.setProxy(proxy) }
                multi.add(transfer)
                active[ObjectIdentifier(transfer)] = Active(job: job, transfer: transfer)
                perHost[job.host, default: 0] += 1
            }
            let finished = multi.performAndCollect()
            for (transfer, code) in finished {
                guard let entry = active.removeValue(forKey: ObjectIdentifier(transfer)) else { continue }
                let host = entry.job.host
                perHost[host, default: 1] -= 1
                let result = transfer.finish(code)
                if case .success(let response) = result,
                    let until = HTTPDecisions.retryAfter(status: response.status, headers: response.headers, now: Date())
                {
                    // The host's queued jobs are refused now; later ones when they come (`enqueue`).
                    let (held, wait) = shared.withLock { state in
                        let wait = max(until, state.hostWaits[host] ?? until)
                        state.hostWaits[host] = wait
                        let held = state.pending.filter { $0.host == host }
                        if !held.isEmpty { state.pending.removeAll { $0.host == host } }
                        return (held, wait)
                    }
                    for job in held { job.continuation.resume(returning: .failure(.hostWaiting(until: wait))) }
                }
                entry.job.continuation.resume(returning: result)
            }
            // Something finished (or never started): start what waited for it at once, instead of sleeping in
            // poll (file:// transfers, which have no socket to wake it, finish inside perform).
            if !finished.isEmpty || slotLeftFree { continue }
            multi.poll(milliseconds: active.isEmpty ? 5000 : 1000)
        }
    }
}

/// The libcurl multi handle. `wakeup` is the one call made from other threads: libcurl documents
/// `curl_multi_wakeup` as safe to call from any thread; everything else runs on the engine thread.
private final class MultiHandle: Sendable {
    /// The CURLM pointer, kept as a number so the class stays Sendable; 0 if curl_multi_init failed.
    private let address: UInt

    private var pointer: UnsafeMutableRawPointer? { UnsafeMutableRawPointer(bitPattern: address) }

    init(settings: FetchSettings) {
        let multi = curl_multi_init()
        address = UInt(bitPattern: multi)
        guard let multi else { return }
        feedd_multi_setopt_long(multi, CURLMOPT_MAX_HOST_CONNECTIONS, settings.perHost)
        feedd_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, settings.concurrency * 2)
        feedd_multi_setopt_long(multi, CURLMOPT_PIPELINING, Int(CURLPIPE_MULTIPLEX))
    }

    deinit {
        if let pointer { curl_multi_cleanup(pointer) }
    }

    func wakeup() {
        if let pointer { curl_multi_wakeup(pointer) }
    }

    func add(_ transfer: Transfer) {
        curl_multi_add_handle(pointer, transfer.handle)
    }

    func remove(_ transfer: Transfer) {
        curl_multi_remove_handle(pointer, transfer.handle)
    }

    /// Lets curl move every transfer forward, then returns those that finished, removed from the multi handle.
    func performAndCollect() -> [(Transfer, CURLcode)] {
        guard let pointer else { return [] }
        var running: Int32 = 0
        curl_multi_perform(pointer, &running)
        var finished: [(Transfer, CURLcode)] = []
        var left: Int32 = 0
        while let message = curl_multi_info_read(pointer, &left) {
            guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle else { continue }
            var owner: UnsafeMutablePointer<CChar>?
            feedd_easy_getinfo_string(easy, CURLINFO_PRIVATE, &owner)
            guard let owner else { continue }
            let transfer = Unmanaged<Transfer>.fromOpaque(UnsafeRawPointer(owner)).takeUnretainedValue()
            let code = message.pointee.data.result
            curl_multi_remove_handle(pointer, easy)
            finished.append((transfer, code))
        }
        return finished
    }

    func poll(milliseconds: Int32) {
        guard let pointer else {
            usleep(UInt32(milliseconds) * 1000)
            return
        }
        curl_multi_poll(pointer, nil, 0, milliseconds, nil)
    }
}
