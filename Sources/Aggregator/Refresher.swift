import FeedFetcher
import FeedModel
import FeedParser
import FeedStore
import Foundation
import Logging
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// How one refresh of one feed ended.
public struct RefreshOutcome: Sendable, Equatable {
    public enum Result: Sendable, Equatable {
        case updated(new: Int, changed: Int)
        case notModified
        /// The feed failed (network, HTTP status, not a feed); recorded on the feed.
        case failed(String)
        /// The store could not record the result: the daemon's own problem, not the feed's.
        case storeFailed(String)
        /// Shutdown interrupted the transfer; nothing was recorded.
        case cancelled
    }

    public var feedURL: String
    public var result: Result
    public var bytes: Int
    public var status: Int?
    /// When the feed should be fetched next, also when the store could not record it.
    public var nextFetch: Date
    /// CPU time spent reading the body (parsing it, or finding it unchanged); zero when there was none.
    /// Not part of equality: it differs from run to run.
    public var parseCPUTime: Duration = .zero

    public static func == (a: RefreshOutcome, b: RefreshOutcome) -> Bool {
        a.feedURL == b.feedURL && a.result == b.result && a.bytes == b.bytes && a.status == b.status && a.nextFetch == b.nextFetch
    }
}

/// The refresh pipeline for one feed: conditional fetch, parse, merge into the store, record the fetch state.
/// A failure is recorded on the feed and returned; it never throws past the feed.
public struct Refresher: Sendable {
    public let store: FeedStore
    public let engine: FetchEngine
    public let fetch: FetchConfig
    public let schedule: SchedulePolicy
    public let logger: Logger
    /// Where passwords named by the config are read from.
    public let environment: [String: String]
    /// 0..<1, spreading the backoff of failing feeds; fixed in tests.
    public let jitter: @Sendable () -> Double
    /// Results waiting to be recorded, shared by every copy of this refresher.
    private let commits = CommitQueue<PendingCommit, CommitOutcome>()

    public init(
        store: FeedStore, engine: FetchEngine, fetch: FetchConfig = FetchConfig(), schedule: SchedulePolicy = SchedulePolicy(),
        logger: Logger, environment: [String: String] = ProcessInfo.processInfo.environment,
        jitter: @escaping @Sendable () -> Double = {
            var random = ProcessRandom()
            return Double.random(in: 0..<1, using: &random)
        }
    ) {
        self.store = store
        self.engine = engine
        self.fetch = fetch
        self.schedule = schedule
        self.logger = logger
        self.environment = environment
        self.jitter = jitter
    }

    public func refresh(_ feed: FeedConfig, now: @Sendable () -> Date = Date.init) async -> RefreshOutcome {
        let key = feed.url.absoluteString
        let started = ContinuousClock.now
        var outcome = RefreshOutcome(feedURL: key, result: .notModified, bytes: 0, status: nil, nextFetch: now())
        var state: FetchState
        do {
            state = try store.loadFetchState(url: key) ?? FetchState()
        } catch {
            return finish(outcome, .storeFailed(error.description), feed: feed, failures: 1, elapsed: ContinuousClock.now - started)
        }
        if !store.hasItemsFile(url: key) {
            // Validators and the body digest stand for items no longer stored (set aside, deleted): fetch in full.
            state.etag = nil
            state.lastModified = nil
            state.bodyHash = nil
        }
        let interpreted: Result<(FetchResponse, ParsedFeed?), RefreshFailure>
        // Announced to the commit queue; withdrawn on any way out that does not submit.
        commits.begin()
        var submitted = false
        defer { if !submitted { commits.abandon() } }
        do {
            let request = try makeRequest(feed, state: state)
            if feed.insecure {
                logger.warning("TLS verification is off for this feed (insecure: true)", metadata: ["feed_url": "\(key)"])
            }
            let response = try await engine.fetch(request)
            outcome.status = response.finalURL.isFileURL ? nil : response.status
            outcome.bytes = response.body.count
            let parseStarted = Self.threadCPUTime()
            interpreted = Self.interpret(response, previousBodyHash: state.bodyHash)
            outcome.parseCPUTime = Self.threadCPUTime() - parseStarted
        } catch let error as FetchError {
            switch error {
            case .cancelled:
                return finish(outcome, .cancelled, feed: feed, failures: 0, elapsed: ContinuousClock.now - started)
            case .hostWaiting(let until):
                interpreted = .failure(RefreshFailure(message: error.description, notBefore: until, countsAsFailure: false))
            default:
                interpreted = .failure(RefreshFailure(message: error.description))
            }
        } catch {
            interpreted = .failure(RefreshFailure(message: "\(error)"))
        }
        submitted = true
        switch await commit(PendingCommit(interpreted: interpreted, feed: feed, now: now())) {
        case .success((let result, let failures, let next)):
            var done = finish(outcome, result, feed: feed, failures: failures, elapsed: ContinuousClock.now - started)
            done.nextFetch = next
            return done
        case .failure(let error):
            return finish(
                outcome, .storeFailed("\(error)"), feed: feed, failures: state.consecutiveFailures + 1,
                elapsed: ContinuousClock.now - started)
        }
    }

    /// The request for this feed: its current URL (after a recorded permanent redirect), validators, identity,
    /// headers and credentials.
    func makeRequest(_ feed: FeedConfig, state: FetchState) throws(ConfigError) -> FetchRequest {
        let url = feed.currentURL(state)
        // Credentials are for the host the configuration names; a permanent move elsewhere does not get them.
        let sameHost = HTTPDecisions.hostKey(url) == HTTPDecisions.hostKey(feed.url)
        let auth = try feed.auth.flatMap { auth throws(ConfigError) in
            sameHost ? (user: auth.username, password: try auth.readPassword(environment: environment)) : nil
        }
        return FetchRequest(
            url: url, etag: state.etag, lastModified: state.lastModified, userAgent: feed.userAgent ?? fetch.userAgent,
            headers: feed.headers.map { ($0.name, $0.value) }, basicAuth: auth, insecure: feed.insecure,
            timeout: feed.timeout, maxBodyBytes: fetch.maxBytes)
    }

    struct RefreshFailure: Error, Sendable {
        var message: String
        /// The server's `Retry-After`, if it gave one.
        var notBefore: Date?
        /// False for a wait the host asked for before we contacted it: not the feed's failure.
        var countsAsFailure = true
        /// 410 Gone: the feed is disabled.
        var gone = false
    }

    /// Decides what a response means: not modified (304, or the same bytes as last time), a feed, or a failure.
    static func interpret(_ response: FetchResponse, previousBodyHash: String?) -> Result<(FetchResponse, ParsedFeed?), RefreshFailure> {
        if response.isNotModified { return .success((response, nil)) }
        guard (200..<300).contains(response.status) else {
            let notBefore = HTTPDecisions.retryAfter(status: response.status, headers: response.headers, now: Date())
            return .failure(
                RefreshFailure(message: "HTTP \(response.status)", notBefore: notBefore, gone: response.status == 410))
        }
        if HTTPDecisions.isUnchanged(bodyHash: HTTPDecisions.bodyHash(response.body), previous: previousBodyHash) {
            return .success((response, nil))
        }
        do {
            let feed = try StreamingFeedParser.parse(response.body, url: response.finalURL, contentType: response.contentType)
            return .success((response, feed))
        } catch {
            return .failure(RefreshFailure(message: error.description))
        }
    }

    /// CPU time this thread has used (the parse runs without suspending, so on one thread).
    static func threadCPUTime() -> Duration {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return .seconds(time.tv_sec) + .nanoseconds(time.tv_nsec)
    }

    /// One fetch result waiting to be recorded in the store.
    struct PendingCommit: Sendable {
        var interpreted: Result<(FetchResponse, ParsedFeed?), RefreshFailure>
        var feed: FeedConfig
        var now: Date
    }

    /// What recording one result gave: the result, the feed's consecutive failures after it, its next fetch.
    typealias CommitOutcome = Result<(RefreshOutcome.Result, Int, Date), any Error>

    /// Records a result, together with the others that finish meanwhile (see `CommitQueue`).
    private func commit(_ pending: PendingCommit) async -> CommitOutcome {
        await commits.submit(pending, key: pending.feed.url.absoluteString) { group in commitGroup(group) }
    }

    /// One feed's part of a group commit, worked out before anything is written.
    private struct Prepared {
        var pending: PendingCommit
        var fetchState: FetchState
        var result: RefreshOutcome.Result
        /// Set when the items file must be rewritten (items, title or link changed).
        var changedFeed: StoredFeed?
        var merge: ItemMerge.Outcome?
    }

    /// A merge's changes to the indexes (see `indexChanges`).
    private struct IndexChanges {
        var feed: String
        /// New items, and whether each is unread (not read already).
        var added: [(entry: IndexEntry, unread: Bool)] = []
        var updated: [IndexEntry] = []
        /// Whether a changed item is unread again (config `on_update: unread`), else it stays as it was.
        var updatedBecomeUnread: Bool
        /// Keys of the items retention deleted.
        var removedKeys: [String] = []

        func apply(toUnread unread: inout ItemIndexFile) {
            var newlyUnread: [IndexEntry] = []
            newlyUnread.reserveCapacity(added.count)
            for (entry, isUnread) in added where isUnread { newlyUnread.append(entry) }
            unread.upsert(contentsOf: newlyUnread)
            for entry in updated where updatedBecomeUnread || unread.contains(key: entry.key) { unread.upsert(entry) }
            for key in removedKeys { unread.remove(key: key, feed: feed) }
        }

        /// `keys`: every key `recent` holds, and maybe more; kept so.
        func apply(toRecent recent: inout ItemIndexFile, keys: inout Set<String>) {
            for (entry, _) in added {
                if keys.insert(entry.key).inserted { recent.insertNew(entry) } else { recent.upsert(entry) }
            }
            for entry in updated where keys.contains(entry.key) && recent.contains(key: entry.key) { recent.upsert(entry) }
            for key in removedKeys { recent.remove(key: key, feed: feed) }
            if recent.items.count > ItemIndexFile.recentCapacity {
                recent.items.removeLast(recent.items.count - ItemIndexFile.recentCapacity)
            }
        }
    }

    /// Under one hold of the store lock, re-reads each feed's files (another process may have written them)
    /// and merges; then writes in durable steps (`syncingTogether`): (1) the indexes — the group's unread
    /// records, one append to `unread.log`, then `recent.json` once; (2) the feeds' items files; (3) their
    /// fetch states, one append to `fetch-state.log`; (4) the read marks. A crash between steps leaves index
    /// entries for items whose feed file is the old one (the next fetch merges them again; an entry is added
    /// once, by key), never a feed file or a fetch state ahead of what the steps before it record. Every index
    /// the group needs is read before anything is written, so a rebuild of a damaged one cannot undo this
    /// group's first writes.
    private func commitGroup(_ group: [PendingCommit]) -> [CommitOutcome] {
        var failures: [Int: any Error] = [:]
        var done: [Int: (RefreshOutcome.Result, Int, Date)] = [:]
        do {
            try store.withWriteLock { () throws in
                var marks = ReadMarks(store: store)
                var prepared: [(index: Int, work: Prepared)] = []
                for (index, pending) in group.enumerated() {
                    do {
                        prepared.append((index, try prepare(pending, marks: &marks)))
                    } catch {
                        failures[index] = error
                    }
                }
                // Read first: a damaged index is rebuilt here, before this group has written anything.
                var unreadFiles: [Int: ItemIndexFile] = [:]
                var recent: ItemIndexFile?
                for (index, work) in prepared where work.merge?.touchesIndexes == true {
                    do {
                        unreadFiles[index] = try store.loadUnread(feedURL: work.pending.feed.url.absoluteString, lockHeld: true)
                    } catch {
                        failures[index] = error
                    }
                }
                if !unreadFiles.isEmpty { recent = try store.loadIndex(ItemIndexFile.recentName, lockHeld: true) }
                prepared.removeAll { failures[$0.index] != nil }

                try store.syncingTogether { () throws(StoreError) in
                    guard let recent else { return }
                    var newest = recent
                    // Keys `newest` may hold (more once entries fall off its end): a key not in it needs no search.
                    var newestKeys = Set(newest.items.map { $0.key })
                    for (index, work) in prepared {
                        guard let merge = work.merge, var unread = unreadFiles.removeValue(forKey: index) else { continue }
                        do {
                            let changes = try indexChanges(with: merge, feed: work.pending.feed, marks: &marks)
                            unread.title = work.fetchState.title
                            changes.apply(toUnread: &unread)
                            try store.saveUnread(unread, feedURL: work.pending.feed.url.absoluteString)
                            changes.apply(toRecent: &newest, keys: &newestKeys)
                        } catch {
                            failures[index] = error
                        }
                    }
                    if newest != recent { try store.saveIndex(newest, named: ItemIndexFile.recentName) }
                }
                prepared.removeAll { failures[$0.index] != nil }
                try store.syncingTogether {
                    for (index, work) in prepared {
                        guard var changedFeed = work.changedFeed else { continue }
                        changedFeed.fetch = work.fetchState
                        do {
                            try store.saveItems(changedFeed)
                        } catch {
                            failures[index] = error
                        }
                    }
                }
                prepared.removeAll { failures[$0.index] != nil }
                try store.syncingTogether {
                    for (index, work) in prepared {
                        do {
                            try store.saveFetchState(url: work.pending.feed.url.absoluteString, fetch: work.fetchState)
                        } catch {
                            failures[index] = error
                        }
                    }
                }
                try store.syncingTogether { () throws(StoreError) in try marks.save() }
                for (index, work) in prepared {
                    done[index] = (work.result, work.fetchState.consecutiveFailures, work.fetchState.nextFetch ?? work.pending.now)
                }
            }
        } catch {
            for index in group.indices where failures[index] == nil { failures[index] = error }
        }
        return group.indices.map { index in
            if let recorded = done[index], failures[index] == nil { return .success(recorded) }
            return .failure(failures[index] ?? StoreError.cannotWrite(path: store.directory.path, reason: "not recorded"))
        }
    }

    /// Works out what a result changes for its feed: its fetch state, and for a new document the merge.
    /// The caller holds the lock.
    private func prepare(_ pending: PendingCommit, marks: inout ReadMarks) throws(StoreError) -> Prepared {
        let feed = pending.feed
        let now = pending.now
        let key = feed.url.absoluteString
        // Only the small state file is read unless there are items to merge.
        var fetchState = try store.loadFetchState(url: key, quarantine: true) ?? FetchState()
        fetchState.lastFetch = now
        let result: RefreshOutcome.Result
        var notBefore: Date?
        var changedFeed: StoredFeed?
        var mergeOutcome: ItemMerge.Outcome?
        switch pending.interpreted {
        case .failure(let failure):
            if failure.countsAsFailure { fetchState.consecutiveFailures += 1 }
            if failure.gone { fetchState.disabledFor = feed.fingerprint }
            // The server's own answer; a wait another feed's answer imposed is the host's, not recorded here.
            if failure.countsAsFailure, let until = failure.notBefore { fetchState.retryAfter = until }
            fetchState.lastResult = failure.gone ? "gone (HTTP 410): disabled until its config entry changes" : failure.message
            notBefore = failure.notBefore
            result = .failed(failure.message)
        case .success((let response, let document)):
            fetchState.freshUntil = HTTPDecisions.freshUntil(headers: response.headers, now: now)
            if let etag = response.etag { fetchState.etag = etag }
            if let lastModified = response.lastModified { fetchState.lastModified = lastModified }
            if let moved = response.permanentRedirect { fetchState.movedTo = moved.absoluteString }
            fetchState.consecutiveFailures = 0
            fetchState.lastSuccess = now
            fetchState.disabledFor = nil
            fetchState.retryAfter = nil
            if let document {
                // The state was read above: only the items file now.
                let stored = try store.loadItems(url: key, quarantine: true) ?? StoredFeed(url: key)
                let merge = try ItemMerge.merge(
                    stored, document: document.items, now: now, retention: feed.retention,
                    isRead: { key throws(StoreError) in try marks.isRead(key) })
                var updatedFeed = merge.feed
                updatedFeed.title = document.title ?? stored.title
                updatedFeed.link = document.link ?? stored.link
                if merge.changed || updatedFeed.title != stored.title || updatedFeed.link != stored.link
                    || stored.schema < StoredFeed.currentSchema
                {
                    changedFeed = updatedFeed
                }
                mergeOutcome = merge
                fetchState.itemCount = updatedFeed.items.count
                fetchState.title = updatedFeed.title
                fetchState.link = updatedFeed.link
                fetchState.bodyHash = HTTPDecisions.bodyHash(response.body)
                fetchState.hints = document.hints.isEmpty ? nil : document.hints
                if feed.adaptive {
                    let dates = updatedFeed.items.map { $0.sortDate }
                    let adaptive = Schedule.adaptiveInterval(itemDates: dates, now: now, policy: schedule)
                    fetchState.adaptiveSeconds = Int(adaptive.components.seconds)
                }
                fetchState.lastResult = "ok"
                result = .updated(new: merge.newCount, changed: merge.updatedCount)
                for warning in document.warnings.prefix(3) {
                    logger.debug("feed warning", metadata: ["feed_url": "\(key)", "warning": "\(warning)"])
                }
            } else {
                fetchState.lastResult = response.isNotModified ? "not modified" : "unchanged (same body)"
                result = .notModified
            }
        }
        fetchState.nextFetch = Schedule.nextFetch(
            now: now, interval: interval(feed, fetchState), failures: fetchState.consecutiveFailures,
            advice: Self.advice(fetchState, retryAfter: notBefore), policy: schedule, jitter: jitter())
        return Prepared(
            pending: pending, fetchState: fetchState, result: result, changedFeed: changedFeed, merge: mergeOutcome)
    }

    /// What a merge changes in the feed's unread list and in the store's newest items (`recent.json`), worked
    /// out first: the read marks are consulted (and an item whose change makes it unread again loses its
    /// mark) before either list changes, so a failure leaves both lists as they were (marks cleared before
    /// it stay cleared, as the item is unread again either way once its feed is fetched next).
    private func indexChanges(with merge: ItemMerge.Outcome, feed: FeedConfig, marks: inout ReadMarks) throws(StoreError) -> IndexChanges {
        let key = feed.url.absoluteString
        var changes = IndexChanges(feed: key, updatedBecomeUnread: feed.onUpdate == .unread)
        for item in merge.added {
            // Read already: the same article reached through another feed, or an item that came back.
            changes.added.append((IndexEntry(item, feed: key), unread: try !marks.isRead(item.key)))
        }
        for item in merge.updated {
            if changes.updatedBecomeUnread { try marks.markUnread(item.key) }
            changes.updated.append(IndexEntry(item, feed: key))
        }
        if !merge.removed.isEmpty {
            let stillCarried = Set(merge.feed.items.map { $0.key })
            changes.removedKeys = merge.removed.map { $0.key }.filter { !stillCarried.contains($0) }
        }
        return changes
    }

    /// The feed's interval: as configured, or for `interval: auto` the one its posting rate calls for.
    private func interval(_ feed: FeedConfig, _ state: FetchState) -> Duration {
        guard feed.adaptive, let seconds = state.adaptiveSeconds else { return feed.interval }
        return .seconds(seconds)
    }

    /// What the publisher asked, from the stored state and this response's `Retry-After`.
    static func advice(_ state: FetchState, retryAfter: Date?) -> PollingAdvice {
        PollingAdvice(
            feedInterval: state.hints?.minimumInterval, freshUntil: state.freshUntil, retryAfter: retryAfter,
            skipHours: Set(state.hints?.skipHours ?? []), skipDays: state.hints?.skipWeekdays ?? [])
    }

    private func finish(
        _ outcome: RefreshOutcome, _ result: RefreshOutcome.Result, feed: FeedConfig, failures: Int, elapsed: Duration
    ) -> RefreshOutcome {
        var outcome = outcome
        outcome.result = result
        outcome.nextFetch = Schedule.nextFetch(
            now: outcome.nextFetch, interval: feed.interval, failures: failures, policy: schedule, jitter: jitter())
        log(outcome, elapsed: elapsed)
        return outcome
    }

    private func log(_ outcome: RefreshOutcome, elapsed: Duration) {
        var metadata: Logger.Metadata = [
            "feed_url": "\(outcome.feedURL)", "bytes": "\(outcome.bytes)",
            "duration_ms": "\(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000)",
        ]
        if let status = outcome.status { metadata["status"] = "\(status)" }
        switch outcome.result {
        case .updated(let new, let changed):
            metadata["items_new"] = "\(new)"
            metadata["items_updated"] = "\(changed)"
            let parse = outcome.parseCPUTime.components
            metadata["parse_cpu_us"] = "\(parse.seconds * 1_000_000 + parse.attoseconds / 1_000_000_000_000)"
            logger.info("fetched", metadata: metadata)
        case .notModified:
            logger.info("not modified", metadata: metadata)
        case .failed(let message):
            metadata["error"] = "\(message)"
            logger.warning("fetch failed", metadata: metadata)
        case .storeFailed(let message):
            metadata["error"] = "\(message)"
            logger.error("store failed", metadata: metadata)
        case .cancelled:
            logger.info("fetch cancelled by shutdown", metadata: metadata)
        }
        for warning in store.warnings.drain() { logger.error("\(warning)") }
    }
}

extension ItemMerge.Outcome {
    /// Whether the merge adds, changes or removes an item the indexes list.
    fileprivate var touchesIndexes: Bool { !added.isEmpty || !updated.isEmpty || !removed.isEmpty }
}

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
