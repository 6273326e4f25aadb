import FeedConfiguration
import FeedCore
import FeedFetcher
import FeedModel
import FeedParser
import FeedRules
import FeedStore
import Foundation
import Logging

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
    /// New items the rules kept out of the store.
    public var blockedItems = 0

    public static func == (a: RefreshOutcome, b: RefreshOutcome) -> Bool {
        a.feedURL == b.feedURL && a.result == b.result && a.bytes == b.bytes && a.status == b.status && a.nextFetch == b.nextFetch
    }
}

/// The refresh pipeline for one feed: fetch, decide what the response means, parse, and record it in the
/// store. A failure is recorded on the feed and returned; it never throws past the feed.
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
    /// Records results in groups; shared by every refresh of a run.
    public let committer: RefreshCommitter
    /// The configuration's global rules; each feed's own come with it.
    public let rules: [ItemRule]
    /// Whether hooks are configured: new items are then recorded as events for them.
    public let recordsEvents: Bool
    /// Fetches the full articles of new items of feeds with `full_text`.
    public let articles: ArticleFetcher?

    public init(
        store: FeedStore, engine: FetchEngine, fetch: FetchConfig = FetchConfig(), schedule: SchedulePolicy = SchedulePolicy(),
        logger: Logger, environment: [String: String] = ProcessInfo.processInfo.environment,
        committer: RefreshCommitter? = nil, rules: [ItemRule] = [], recordsEvents: Bool = false, articles: ArticleFetcher? = nil,
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
        self.committer = committer ?? RefreshCommitter(store: store)
        self.rules = rules
        self.recordsEvents = recordsEvents
        self.articles = articles
        self.jitter = jitter
    }

    /// Refreshes one feed, top to bottom: what is known of it, fetch, decide, parse, record. `now` gives the
    /// time its decisions are made at.
    public func refresh(_ feed: FeedConfig, now: @Sendable () -> Date = Date.init) async -> RefreshOutcome {
        let started = ContinuousClock.now
        var outcome = RefreshOutcome(feedURL: feed.url.absoluteString, result: .notModified, bytes: 0, status: nil, nextFetch: now())
        /// `next`: the next fetch the store recorded; otherwise one is worked out from the failures.
        func end(_ result: RefreshOutcome.Result, failures: Int, next: Date? = nil) -> RefreshOutcome {
            finish(outcome, result, feed: feed, failures: failures, next: next, elapsed: ContinuousClock.now - started)
        }

        // 1. What is known of the feed: validators, the digest of its last body.
        let state: FetchState
        do {
            state = try knownState(of: feed)
        } catch {
            return end(.storeFailed(error.description), failures: 1)
        }
        // A group about to be recorded waits a moment for this refresh (withdrawn if it is cancelled).
        committer.begin()

        // 2. Fetch, 3. decide what the answer means, 4. parse a new document.
        let verdict: FetchVerdict
        do {
            let response = try await engine.fetch(try makeRequest(feed, state: state))
            outcome.status = response.finalURL.isFileURL ? nil : response.status
            outcome.bytes = response.body.count
            let parseStarted = Self.threadCPUTime()
            verdict = interpret(response, previousBodyHash: state.bodyHash, feed: feed, now: now())
            outcome.parseCPUTime = Self.threadCPUTime() - parseStarted
        } catch FetchError.cancelled {
            committer.abandon()
            return end(.cancelled, failures: 0)
        } catch FetchError.hostWaiting(let until) {
            let message = FetchError.hostWaiting(until: until).description
            verdict = .failed(FetchFailure(message: message, notBefore: until, countsAsFailure: false))
        } catch {
            verdict = .failed(FetchFailure(message: "\(error)"))
        }

        // 5. Record it: items merged, indexes and fetch state written, in the store's group commit.
        let ruleSet = Configuration.ruleSet(global: rules, for: feed)
        var decide: (@Sendable (StoredItem, Date) -> RuleVerdict)?
        if !ruleSet.isEmpty { decide = { item, date in ruleSet.verdict(for: item, now: date) } }
        let record = RefreshRecord(terms: feed.terms, verdict: verdict, now: now(), schedule: schedule, jitter: jitter(), rules: decide, recordsEvents: recordsEvents)
        switch await committer.record(record) {
        case .success(let recorded):
            outcome.blockedItems = recorded.blockedItems
            if let articles, feed.fullText.mode != .never, !recorded.added.isEmpty {
                await articles.enqueue(feed: feed, added: recorded.added)
            }
            return end(
                Self.result(of: verdict, recorded), failures: recorded.state.consecutiveFailures,
                next: recorded.state.nextFetch ?? record.now)
        case .failure(let error):
            return end(.storeFailed(error.description), failures: state.consecutiveFailures + 1)
        }
    }

    /// The feed's fetch state, without validators when its items are no longer stored (set aside, deleted):
    /// then it is fetched in full.
    private func knownState(of feed: FeedConfig) throws(StoreError) -> FetchState {
        let key = feed.url.absoluteString
        let state = try store.loadFetchState(url: key) ?? FetchState()
        return store.hasItemsFile(url: key) ? state : FetchTransition.forgettingValidators(state)
    }

    /// The request for this feed: its current URL (after a recorded permanent redirect), validators, identity,
    /// headers and credentials.
    func makeRequest(_ feed: FeedConfig, state: FetchState) throws(ConfigError) -> FetchRequest {
        let url = feed.currentURL(state)
        if feed.insecure {
            logger.warning("TLS verification is off for this feed (insecure: true)", metadata: ["feed_url": "\(feed.url.absoluteString)"])
        }
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

    /// What a response means (`ResponseDecision`), with the document parsed when there is a new one.
    func interpret(_ response: FetchResponse, previousBodyHash: String?, feed: FeedConfig, now: Date) -> FetchVerdict {
        let bodyHash = HTTPDecisions.bodyHash(response.body)
        let facts = ResponseFacts(
            headers: response.headers, etag: response.etag, lastModified: response.lastModified,
            permanentRedirect: response.permanentRedirect?.absoluteString, isNotModified: response.isNotModified,
            bodyHash: response.isNotModified ? nil : bodyHash)
        let decision = ResponseDecision.decide(
            status: response.status, isNotModified: response.isNotModified, headers: response.headers,
            bodyHash: bodyHash, previousBodyHash: previousBodyHash, now: now)
        switch decision {
        case .notModified, .sameBody:
            return .unchanged(facts)
        case .failed(let failure):
            return .failed(failure)
        case .parse:
            do {
                let document = try StreamingFeedParser.parse(response.body, url: response.finalURL, contentType: response.contentType)
                for warning in document.warnings.prefix(3) {
                    logger.debug("feed warning", metadata: ["feed_url": "\(feed.url.absoluteString)", "warning": "\(warning)"])
                }
                return .document(facts, document)
            } catch {
                return .failed(FetchFailure(message: error.description))
            }
        }
    }

    /// How the refresh ended, as `RefreshOutcome` says it.
    private static func result(of verdict: FetchVerdict, _ recorded: RecordedRefresh) -> RefreshOutcome.Result {
        switch verdict {
        case .failed(let failure): return .failed(failure.message)
        case .unchanged: return .notModified
        case .document: return .updated(new: recorded.newItems, changed: recorded.changedItems)
        }
    }

    /// CPU time this thread has used (the parse runs without suspending, so on one thread).
    static func threadCPUTime() -> Duration {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return .seconds(time.tv_sec) + .nanoseconds(time.tv_nsec)
    }

    private func finish(
        _ outcome: RefreshOutcome, _ result: RefreshOutcome.Result, feed: FeedConfig, failures: Int, next: Date?,
        elapsed: Duration
    ) -> RefreshOutcome {
        var outcome = outcome
        outcome.result = result
        outcome.nextFetch = next ?? Schedule.nextFetch(
            now: outcome.nextFetch, interval: feed.interval, failures: failures, policy: schedule, jitter: jitter())
        log(outcome, elapsed: elapsed)
        return outcome
    }

    private func log(_ outcome: RefreshOutcome, elapsed: Duration) {
        var metadata: Logger.Metadata = [
            "feed_url": "\(outcome.feedURL)", "bytes": "\(outcome.bytes)",
            "duration_ms": "\(elapsed.wholeMilliseconds)",
        ]
        if let status = outcome.status { metadata["status"] = "\(status)" }
        switch outcome.result {
        case .updated(let new, let changed):
            metadata["items_new"] = "\(new)"
            metadata["items_updated"] = "\(changed)"
            if outcome.blockedItems > 0 { metadata["items_blocked"] = "\(outcome.blockedItems)" }
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
