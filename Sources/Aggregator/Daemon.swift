import FeedCore
import FeedFetcher
import FeedModel
import FeedStore
import Foundation
import Logging
import Synchronization

/// What the daemon's loop reacts to: its timer, its own refreshes finishing, and the signals feedd forwards.
public enum DaemonEvent: Sendable {
    case tick
    case finished(RefreshOutcome)
    /// SIGHUP: read the configuration again.
    case reload
    /// SIGUSR1: `feedctl fetch` left requests under `STATE_DIR/requests/`.
    case fetchRequested
    /// SIGTERM or SIGINT.
    case stop
}

/// The daemon's inbox. Created before the configuration is read, so a signal that arrives early is kept.
public final class DaemonEvents: Sendable {
    let stream: AsyncStream<DaemonEvent>
    private let continuation: AsyncStream<DaemonEvent>.Continuation

    public init() {
        (stream, continuation) = AsyncStream.makeStream(of: DaemonEvent.self)
    }

    public func send(_ event: DaemonEvent) {
        continuation.yield(event)
    }
}

/// feedd's main job: fetch every configured feed when it is due and keep the store up to date.
public final class Daemon: Sendable {
    public let store: FeedStore
    private let initialConfiguration: Configuration
    private let engine: FetchEngine
    private let logger: Logger
    private let environment: [String: String]
    private let notifier: SystemdNotifier
    /// Records refreshes in groups, across reloads of the configuration.
    private let committer: RefreshCommitter
    /// Feeds being refreshed at once: their transfers queue in the fetch engine, which enforces
    /// `fetch.concurrency` and `fetch.per_host`; this only bounds the memory of bodies waiting to be parsed.
    static let refreshesInFlight = 64
    /// On a first start, feeds never fetched are spread over this window.
    static let firstStartWindow = Duration.seconds(30)
    /// After SIGTERM, transfers in flight get this long to finish before they are aborted.
    public static let shutdownGrace = Duration.seconds(5)

    /// Opens the store and checks it can be locked and written: a daemon that cannot store is refused at start.
    public init(
        configuration: Configuration, stateDirectory: URL, logger: Logger,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws {
        initialConfiguration = configuration
        store = try FeedStore(directory: stateDirectory)
        try store.checkWritable()
        try store.prepareIndexes()
        self.logger = logger
        self.environment = environment
        notifier = SystemdNotifier(environment: environment)
        engine = FetchEngine(settings: configuration.fetch.engineSettings)
        committer = RefreshCommitter(store: store)
    }

    private func refresher(for configuration: Configuration) -> Refresher {
        Refresher(
            store: store, engine: engine, fetch: configuration.fetch, schedule: configuration.schedule, logger: logger,
            environment: environment, committer: committer)
    }

    /// What a one-shot run did: the outcomes of the feeds it fetched, in config order, and the feeds it
    /// left alone, with why.
    public struct OneShotResult: Sendable {
        public var outcomes: [RefreshOutcome]
        public var skipped: [(feed: FeedConfig, reason: OneShotPlan.Skip)]
        /// A stop (SIGINT, SIGTERM) ended it early.
        public var stopped: Bool
    }

    /// `feedd --once` and `feedctl fetch` with no daemon: the given feeds (all by default) once, concurrently,
    /// except those `OneShotPlan` leaves alone unless `force` (each logged), and unless `.stop` (SIGINT,
    /// SIGTERM) comes first: then the transfers in flight are aborted at once and what was recorded before
    /// stays.
    public func refreshOnce(_ selection: [FeedConfig]? = nil, force: Bool, stoppingOn events: DaemonEvents? = nil) async -> OneShotResult {
        let feeds = selection ?? initialConfiguration.feeds
        var states: [String: FetchState] = [:]
        for feed in feeds { states[feed.url.absoluteString] = try? store.loadFetchState(url: feed.url.absoluteString) }
        let plan = OneShotPlan.plan(feeds.map(\.terms), states: states, now: Date(), force: force)
        var skipped: [(feed: FeedConfig, reason: OneShotPlan.Skip)] = []
        var wanted: [FeedConfig] = []
        for (feed, skip) in zip(feeds, plan) {
            guard let reason = skip else {
                wanted.append(feed)
                continue
            }
            logger.notice("not fetched: \(reason); --force fetches it anyway", metadata: ["feed_url": "\(feed.url.absoluteString)"])
            skipped.append((feed, reason))
        }
        let selected = wanted
        guard let events else { return OneShotResult(outcomes: await refreshAll(selected), skipped: skipped, stopped: false) }
        return await withTaskGroup(of: [RefreshOutcome]?.self) { group in
            group.addTask { await self.refreshAll(selected) }
            group.addTask {
                for await event in events.stream {
                    if case .stop = event { return nil }
                }
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            if let outcomes = first { return OneShotResult(outcomes: outcomes, skipped: skipped, stopped: false) }
            // Stopped: the refreshes end, cancelled, and say what they recorded.
            while let next = await group.next() {
                if let outcomes = next { return OneShotResult(outcomes: outcomes, skipped: skipped, stopped: true) }
            }
            return OneShotResult(outcomes: [], skipped: skipped, stopped: true)
        }
    }

    /// Fetches the given feeds once, concurrently; returns the outcomes in their order.
    func refreshAll(_ feeds: [FeedConfig]) async -> [RefreshOutcome] {
        let refresher = refresher(for: initialConfiguration)
        return await withTaskGroup(of: (Int, RefreshOutcome).self) { group in
            var outcomes = [RefreshOutcome?](repeating: nil, count: feeds.count)
            var next = 0
            func startNext() {
                guard next < feeds.count else { return }
                let index = next
                let feed = feeds[index]
                next += 1
                group.addTask { (index, await refresher.refresh(feed)) }
            }
            for _ in 0..<min(Self.refreshesInFlight, feeds.count) { startNext() }
            while let (index, outcome) = await group.next() {
                outcomes[index] = outcome
                if !Task.isCancelled { startNext() }
            }
            return outcomes.compactMap { $0 }
        }
    }

    private func isDisabled(_ feed: FeedConfig) -> Bool {
        guard let fingerprint = (try? store.loadFetchState(url: feed.url.absoluteString))?.disabledFor else { return false }
        return fingerprint == feed.fingerprint
    }

    // MARK: - The loop

    /// What the loop knows about the feeds: kept in memory, loaded from the state files once.
    private struct Book {
        var configuration: Configuration
        var nextFetch: [String: Date] = [:]
        var failing: Set<String> = []
        var disabled: Set<String> = []
        var inFlight: Set<String> = []

        /// Schedules feeds the book does not know yet from their stored state; those never fetched are spread
        /// over `window` from `now`. Returns the `Retry-After` waits an earlier run recorded for them and
        /// still in force, by `host:port`.
        @discardableResult
        mutating func adopt(_ feeds: [FeedConfig], store: FeedStore, now: Date, window: Duration) -> [String: Date] {
            var newcomers: [String] = []
            var states: [String: FetchState] = [:]
            for feed in feeds {
                let key = feed.url.absoluteString
                let state = try? store.loadFetchState(url: key)
                if let next = state?.nextFetch { nextFetch[key] = next } else { newcomers.append(key) }
                if (state?.consecutiveFailures ?? 0) > 0 { failing.insert(key) }
                if let fingerprint = state?.disabledFor, fingerprint == feed.fingerprint { disabled.insert(key) }
                states[key] = state
            }
            for (index, key) in newcomers.enumerated() {
                let delay = Schedule.initialDelay(index: index, count: newcomers.count, window: window)
                nextFetch[key] = now.addingTimeInterval(Schedule.seconds(delay))
            }
            return OneShotPlan.recordedHostWaits(feeds.map(\.terms), states: states, now: now)
        }

        func status(started: Date, now: Date) -> DaemonStatus {
            let keys = Set(configuration.feeds.map { $0.url.absoluteString })
            let upcoming = nextFetch.filter { keys.contains($0.key) && !disabled.contains($0.key) }.values.min()
            return DaemonStatus(
                pid: getpid(), started: started, updated: now, version: FeeddVersion.current, feeds: keys.count,
                failing: failing.intersection(keys).count, disabled: disabled.intersection(keys).count,
                inFlight: inFlight.count, nextFetch: upcoming)
        }
    }

    /// Runs until a `.stop` event: fetches each feed when due, reloads on `.reload`, fetches on request,
    /// reports to systemd, and on stop lets transfers in flight finish for `shutdownGrace` before aborting them.
    public func run(events: DaemonEvents) async {
        let started = Date()
        var book = Book(configuration: initialConfiguration)
        // Spreading first fetches over more than the shortest allowed interval would only delay them.
        let window = min(Self.firstStartWindow, book.configuration.schedule.minInterval)
        // A host that asked the last run to wait is left alone by this one too, for all its feeds.
        let recordedWaits = book.adopt(book.configuration.feeds, store: store, now: started, window: window)
        for (host, until) in recordedWaits { engine.hold(host: host, until: until) }
        var refresher = refresher(for: book.configuration)
        logger.info("started", metadata: ["feeds": "\(book.configuration.feeds.count)", "state_dir": "\(store.directory.path)"])
        for warning in store.warnings.drain() { logger.error("\(warning)") }
        var lastStatus: DaemonStatus?
        publish(book.status(started: started, now: Date()), last: &lastStatus, ready: true)

        let tick = min(notifier.watchdogInterval ?? .seconds(1), .seconds(1))
        var lastWatchdog = ContinuousClock.now
        var stopDeadline: ContinuousClock.Instant?
        events.send(.tick)  // start what is due now, without waiting for the first timer
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                while !Task.isCancelled {
                    try? await Task.sleep(for: tick)
                    events.send(.tick)
                }
            }
            eventLoop: for await event in events.stream {
                let now = Date()
                switch event {
                case .tick:
                    break
                case .finished(let outcome):
                    book.inFlight.remove(outcome.feedURL)
                    record(outcome, in: &book)
                case .reload:
                    notifier.reloading()
                    if reload(into: &book, now: now) { refresher = self.refresher(for: book.configuration) }
                    publish(book.status(started: started, now: now), last: &lastStatus, ready: true)
                case .fetchRequested:
                    for request in FetchRequestFile.takeAll(from: store) {
                        let wanted = request.feeds.isEmpty ? book.configuration.feeds.map(\.url.absoluteString) : request.feeds
                        for key in wanted where book.nextFetch[key] != nil {
                            book.nextFetch[key] = .distantPast
                            book.disabled.remove(key)  // a person asked for it
                        }
                        logger.info("fetch requested", metadata: ["feeds": "\(request.feeds.isEmpty ? "all" : "\(wanted.count)")"])
                    }
                case .stop:
                    if stopDeadline == nil {
                        logger.info("stopping", metadata: ["in_flight": "\(book.inFlight.count)"])
                        notifier.stopping()
                        stopDeadline = ContinuousClock.now + Self.shutdownGrace
                    }
                }
                if let interval = notifier.watchdogInterval, ContinuousClock.now - lastWatchdog >= interval {
                    // From the loop itself: a scheduler that hangs stops these, and systemd restarts it.
                    notifier.watchdog()
                    lastWatchdog = ContinuousClock.now
                }
                if let deadline = stopDeadline {
                    if book.inFlight.isEmpty { break eventLoop }
                    if ContinuousClock.now >= deadline { group.cancelAll() }
                    continue
                }
                for feed in book.configuration.feeds where book.inFlight.count < Self.refreshesInFlight {
                    let key = feed.url.absoluteString
                    guard !book.inFlight.contains(key), !book.disabled.contains(key),
                        Schedule.isDue(nextFetch: book.nextFetch[key], now: now)
                    else { continue }
                    book.inFlight.insert(key)
                    let current = refresher
                    group.addTask { events.send(.finished(await current.refresh(feed))) }
                }
                publish(book.status(started: started, now: now), last: &lastStatus, ready: false)
            }
            group.cancelAll()
        }
        try? store.saveFile(book.status(started: started, now: Date()), named: DaemonStatus.fileName)
        logger.info("stopped")
    }

    private func record(_ outcome: RefreshOutcome, in book: inout Book) {
        let key = outcome.feedURL
        guard book.configuration.feeds.contains(where: { $0.url.absoluteString == key }) else { return }  // removed by a reload
        switch outcome.result {
        case .cancelled:
            return
        case .updated, .notModified:
            book.failing.remove(key)
        case .failed, .storeFailed:
            book.failing.insert(key)
        }
        book.nextFetch[key] = outcome.nextFetch
        if outcome.status == 410 { book.disabled.insert(key) }
    }

    /// Reads the configuration again. New feeds are scheduled soon, removed ones dropped, the others keep
    /// their schedule. An invalid file is refused with its error and the running configuration kept.
    private func reload(into book: inout Book, now: Date) -> Bool {
        let path = book.configuration.path
        let fresh: Configuration
        do {
            fresh = try Configuration.load(path: path)
        } catch {
            logger.error("reload refused, keeping the running configuration", metadata: ["error": "\(error)"])
            return false
        }
        let old = Set(book.configuration.feeds.map { $0.url.absoluteString })
        let new = Set(fresh.feeds.map { $0.url.absoluteString })
        let added = fresh.feeds.filter { !old.contains($0.url.absoluteString) }
        for key in old.subtracting(new) {
            book.nextFetch.removeValue(forKey: key)
            book.failing.remove(key)
            book.disabled.remove(key)
        }
        // A feed whose entry changed comes back from a 410: its fingerprint no longer matches.
        for feed in fresh.feeds where book.disabled.contains(feed.url.absoluteString) && !isDisabled(feed) {
            book.disabled.remove(feed.url.absoluteString)
        }
        book.configuration = fresh
        book.adopt(added, store: store, now: now, window: .seconds(5))
        if fresh.fetch.engineSettings != initialConfiguration.fetch.engineSettings {
            logger.warning("fetch.concurrency, per_host and proxy take effect at the next restart")
        }
        logger.info("configuration reloaded", metadata: ["feeds": "\(fresh.feeds.count)", "added": "\(added.count)", "removed": "\(old.subtracting(new).count)"])
        return true
    }

    /// Tells systemd (`STATUS=`) and `status.json` how the daemon is doing, each when what it shows changed.
    private func publish(_ status: DaemonStatus, last: inout DaemonStatus?, ready: Bool) {
        let summary = status.summary(now: status.updated)
        if ready {
            notifier.ready(status: summary)
        } else if summary != last?.summary(now: last?.updated ?? status.updated) {
            notifier.status(summary)
        }
        var comparable = status
        comparable.updated = last?.updated ?? status.updated
        guard ready || comparable != last else { return }
        last = status
        do {
            try store.saveFile(status, named: DaemonStatus.fileName)
        } catch {
            logger.error("\(error)")
        }
    }
}
