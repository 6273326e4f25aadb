import FeedCore
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

    public convenience init(settings: FetchSettings = FetchSettings()) {
        self.init(settings: settings, pollLimit: .seconds(1))
    }

    /// `pollLimit`: the longest the engine thread sleeps with transfers in flight (five times that when
    /// idle) before looking at its queue unwoken; tests make it long, so a missed wake-up shows plainly.
    init(settings: FetchSettings, pollLimit: Duration) {
        core = EngineCore(settings: settings, pollLimit: pollLimit)
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

    /// Holds requests to `host` (a `host:port` key, `FetchRequest.hostKey`) until `until`, as a `Retry-After`
    /// answer would: for a wait an earlier process was told of.
    public func hold(host: String, until: Date) {
        core.hold(host: host, until: until)
    }
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
        /// Jobs not started yet, those running, and the hosts told to wait. A job for a host told to wait
        /// never joins the queue (or leaves it when the host is told), nor does a cancelled one: a pass of the
        /// engine looks only at what it starts.
        var admission: FetchAdmission
        /// The jobs `admission` knows, queued or running, by id.
        var jobs: [UInt64: Job] = [:]
        /// Jobs cancelled in flight (or before they were queued), for the engine thread to abort.
        var cancelled: Set<UInt64> = []
        var nextID: UInt64 = 0
        var stopping = false
    }

    private let settings: FetchSettings
    private let shared: Mutex<Shared>
    private let waker = Waker()

    private static let globalInit: Void = { curl_global_init(Int(CURL_GLOBAL_ALL)) }()

    /// See `FetchEngine.init(settings:pollLimit:)`, in milliseconds.
    private let pollMilliseconds: Int32

    init(settings: FetchSettings, pollLimit: Duration) {
        Self.globalInit
        self.settings = settings
        pollMilliseconds = Int32(clamping: pollLimit.components.seconds * 1000 + pollLimit.components.attoseconds / 1_000_000_000_000_000)
        shared = Mutex(Shared(admission: FetchAdmission(concurrency: settings.concurrency, perHost: settings.perHost)))
    }

    func newID() -> UInt64 {
        shared.withLock { state in
            state.nextID += 1
            return state.nextID
        }
    }

    func enqueue(_ job: Job) {
        let outcome = shared.withLock { state -> Result<Bool, FetchError> in
            if state.stopping || state.cancelled.remove(job.id) != nil { return .failure(.cancelled) }
            switch state.admission.offer(id: job.id, host: job.host, now: Date()) {
            case .refused(let until): return .failure(.hostWaiting(until: until))
            // A job that cannot start yet need not wake the engine thread: the transfer that ends will.
            case .queued(let startsNow):
                state.jobs[job.id] = job
                return .success(startsNow)
            }
        }
        switch outcome {
        case .failure(let refusal): job.continuation.resume(returning: .failure(refusal))
        case .success(let mayStart): if mayStart { waker.wake() }
        }
    }

    func cancel(_ id: UInt64) {
        let queued = shared.withLock { state -> Job? in
            if state.admission.withdraw(id: id) { return state.jobs.removeValue(forKey: id) }
            state.cancelled.insert(id)
            return nil
        }
        if let queued {
            queued.continuation.resume(returning: .failure(.cancelled))
        } else {
            waker.wake()
        }
    }

    /// Drops a cancellation the engine never acted on (the job was over when it came).
    func forget(_ id: UInt64) {
        shared.withLock { _ = $0.cancelled.remove(id) }
    }

    func shutdown() {
        shared.withLock { $0.stopping = true }
        waker.wake()
    }

    func hostWaits() -> [String: Date] {
        shared.withLock { $0.admission.hostWaits }
    }

    func hold(host: String, until: Date) {
        let (refused, wait) = shared.withLock { state in
            let (ids, wait) = state.admission.hold(host: host, until: until)
            return (ids.compactMap { state.jobs.removeValue(forKey: $0) }, wait)
        }
        for job in refused { job.continuation.resume(returning: .failure(.hostWaiting(until: wait))) }
    }

    // MARK: - The engine thread

    private struct Active {
        var job: Job
        var transfer: Transfer
    }

    /// Starts what may start, lets curl work, hands back what finished; sleeps in `poll` until a socket
    /// curl watches is ready, curl's timer is due or the waker is woken.
    func run() {
        let multi = MultiHandle(settings: settings, waker: waker)
        var active: [ObjectIdentifier: Active] = [:]
        while true {
            var startable: [Job] = []
            var refused: [Job] = []
            var abort: [ObjectIdentifier] = []
            let stopping = shared.withLock { state -> Bool in
                if state.stopping {
                    refused = state.admission.withdrawAll().compactMap { state.jobs.removeValue(forKey: $0) }
                } else {
                    startable = state.admission.admit(now: Date()).compactMap { state.jobs[$0.id] }
                }
                if state.stopping || !state.cancelled.isEmpty {
                    for (key, entry) in active where state.stopping || state.cancelled.contains(entry.job.id) {
                        state.cancelled.remove(entry.job.id)
                        abort.append(key)
                    }
                }
                return state.stopping
            }
            for job in refused { job.continuation.resume(returning: .failure(.cancelled)) }
            for key in abort {
                guard let entry = active.removeValue(forKey: key) else { continue }
                multi.remove(entry.transfer)
                ended(entry.job)
                entry.job.continuation.resume(returning: .failure(.cancelled))
            }
            if stopping && active.isEmpty { break }
            // An aborted transfer's slot was counted as taken by this pass: the next one gives it away.
            var slotLeftFree = !abort.isEmpty
            for job in startable {
                guard let transfer = Transfer(request: job.request) else {
                    ended(job)
                    job.continuation.resume(returning: .failure(.forbiddenScheme("libcurl refused the protocol limits")))
                    slotLeftFree = true
                    continue
                }
                if let proxy = settings.proxy { transfer.setProxy(proxy) }
                guard multi.add(transfer) else {
                    ended(job)
                    job.continuation.resume(returning: .failure(.network("libcurl's multi handle could not be set up")))
                    slotLeftFree = true
                    continue
                }
                active[ObjectIdentifier(transfer)] = Active(job: job, transfer: transfer)
            }
            let finished = multi.performAndCollect()
            for (transfer, code) in finished {
                guard let entry = active.removeValue(forKey: ObjectIdentifier(transfer)) else { continue }
                ended(entry.job)
                let result = transfer.finish(code)
                if case .success(let response) = result,
                    let until = HTTPDecisions.retryAfter(status: response.status, headers: response.headers, now: Date())
                {
                    // The host's queued jobs are refused now; later ones when they come (`enqueue`).
                    hold(host: entry.job.host, until: until)
                }
                entry.job.continuation.resume(returning: result)
            }
            // Something finished (or never started): start what waited for it at once, instead of sleeping in
            // poll (file:// transfers, which have no socket to wake it, finish inside curl's timer action).
            if !finished.isEmpty || slotLeftFree { continue }
            multi.poll(milliseconds: active.isEmpty ? pollMilliseconds * 5 : pollMilliseconds)
        }
    }

    /// Frees the slot of a job that started.
    private func ended(_ job: Job) {
        shared.withLock { state in
            state.admission.ended(host: job.host)
            state.jobs.removeValue(forKey: job.id)
        }
    }
}

/// Wakes the engine thread from `poll`, from any thread: an eventfd the thread watches with its sockets.
private final class Waker: Sendable {
    let descriptor = eventfd(0, Int32(EFD_CLOEXEC | EFD_NONBLOCK))

    deinit { if descriptor >= 0 { close(descriptor) } }

    func wake() {
        if descriptor >= 0 { eventfd_write(descriptor, 1) }
    }

    /// Clears the wake-up count, so the next `poll` sleeps again.
    func drain() {
        var count: eventfd_t = 0
        if descriptor >= 0 { eventfd_read(descriptor, &count) }
    }
}

/// The libcurl multi handle, driven through its socket interface on the engine thread only: curl says
/// which sockets and timer it needs (callbacks), one `poll` watches them with the waker, and only the
/// transfers of the sockets that are ready, or whose timer is due, do any work. (`curl_multi_perform`
/// looks at every transfer at every turn: a `poll` system call for each transfer's socket, twice per
/// transfer that ends.)
private final class MultiHandle {
    private let pointer: UnsafeMutableRawPointer?
    private let waker: Waker
    /// The sockets curl wants watched, with their `poll` events; rebuilt into `watched` when it changes.
    private var sockets: [curl_socket_t: Int16] = [:]
    private var watched: [pollfd] = []
    private var socketsChanged = true
    /// When curl's timer is due (nil: no timer).
    private var timerDue: ContinuousClock.Instant?

    /// Without a multi handle, its callbacks or the waker, no transfer could ever make progress: `add`
    /// refuses every one (their fetches fail) rather than let them wait for ever.
    private var usable = false

    init(settings: FetchSettings, waker: Waker) {
        self.waker = waker
        pointer = curl_multi_init()
        guard let pointer else { return }
        feedd_multi_setopt_long(pointer, CURLMOPT_MAX_HOST_CONNECTIONS, settings.perHost)
        feedd_multi_setopt_long(pointer, CURLMOPT_MAXCONNECTS, settings.concurrency * 2)
        feedd_multi_setopt_long(pointer, CURLMOPT_PIPELINING, Int(CURLPIPE_MULTIPLEX))
        let callbacks = feedd_multi_set_callbacks(
            pointer, Self.socketCallback, Self.timerCallback, Unmanaged.passUnretained(self).toOpaque())
        usable = callbacks == CURLM_OK && waker.descriptor >= 0
    }

    deinit {
        if let pointer { curl_multi_cleanup(pointer) }
    }

    private static let socketCallback: curl_socket_callback = { _, socket, what, owner, _ in
        guard let owner else { return 0 }
        let multi = Unmanaged<MultiHandle>.fromOpaque(owner).takeUnretainedValue()
        switch what {
        case CURL_POLL_REMOVE: multi.sockets[socket] = nil
        case CURL_POLL_NONE: multi.sockets[socket] = 0  // kept, watched for errors only
        case CURL_POLL_IN: multi.sockets[socket] = Int16(POLLIN)
        case CURL_POLL_OUT: multi.sockets[socket] = Int16(POLLOUT)
        default: multi.sockets[socket] = Int16(POLLIN | POLLOUT)
        }
        multi.socketsChanged = true
        return 0
    }

    private static let timerCallback: curl_multi_timer_callback = { _, milliseconds, owner in
        guard let owner else { return 0 }
        let multi = Unmanaged<MultiHandle>.fromOpaque(owner).takeUnretainedValue()
        multi.timerDue = milliseconds < 0 ? nil : ContinuousClock.now + .milliseconds(milliseconds)
        return 0
    }

    func add(_ transfer: Transfer) -> Bool {
        usable && curl_multi_add_handle(pointer, transfer.handle) == CURLM_OK
    }

    func remove(_ transfer: Transfer) {
        curl_multi_remove_handle(pointer, transfer.handle)
    }

    /// Runs curl's timer if it is due (a transfer just added starts there, a file:// one runs to its end,
    /// timeouts fire), then returns the transfers that finished, removed from the multi handle.
    func performAndCollect() -> [(Transfer, CURLcode)] {
        guard let pointer else { return [] }
        if let due = timerDue, due <= ContinuousClock.now {
            timerDue = nil
            var running: Int32 = 0
            curl_multi_socket_action(pointer, feedd_socket_timeout, 0, &running)
        }
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

    /// Sleeps until a socket curl watches is ready, its timer is due, the waker is woken or `milliseconds`
    /// pass; then lets curl work on the ready sockets only.
    func poll(milliseconds: Int32) {
        guard let pointer else {
            usleep(UInt32(milliseconds) * 1000)
            return
        }
        if socketsChanged {
            watched = [pollfd(fd: waker.descriptor, events: Int16(POLLIN), revents: 0)]
            for (socket, events) in sockets { watched.append(pollfd(fd: socket, events: events, revents: 0)) }
            socketsChanged = false
        }
        let timeout = timerDue.map { min(milliseconds, Self.milliseconds(until: $0)) } ?? milliseconds
        guard Glibc.poll(&watched, nfds_t(watched.count), timeout) > 0 else { return }
        var ready: [(curl_socket_t, Int32)] = []
        for entry in watched where entry.revents != 0 {
            if entry.fd == waker.descriptor {
                waker.drain()
                continue
            }
            if entry.revents & Int16(POLLNVAL) != 0 {
                // Not an open descriptor: watching it again would make every poll return at once.
                sockets[entry.fd] = nil
                socketsChanged = true
                continue
            }
            var mask: Int32 = 0
            if entry.revents & Int16(POLLIN | POLLHUP) != 0 { mask |= CURL_CSELECT_IN }
            if entry.revents & Int16(POLLOUT) != 0 { mask |= CURL_CSELECT_OUT }
            if entry.revents & Int16(POLLERR) != 0 { mask |= CURL_CSELECT_ERR }
            ready.append((entry.fd, mask))
        }
        var running: Int32 = 0
        for (socket, mask) in ready {
            // An action before this one may have closed the socket (curl's callback then removed it).
            guard sockets[socket] != nil else { continue }
            curl_multi_socket_action(pointer, socket, mask, &running)
        }
    }

    /// Whole milliseconds from now until `instant`, rounded up (0 if it has passed).
    private static func milliseconds(until instant: ContinuousClock.Instant) -> Int32 {
        let now = ContinuousClock.now
        guard instant > now else { return 0 }
        let left = (instant - now).components
        let fraction = (left.attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        return Int32(clamping: left.seconds * 1000 + fraction)
    }
}
