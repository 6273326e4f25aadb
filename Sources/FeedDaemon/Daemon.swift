import FeedAPIServer
import FeedConfiguration
import FeedCore
import FeedFetcher
import FeedHooks
import FeedModel
import FeedStore
import FeedSync
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
    /// The sync API listens, or cannot: what systemd is told READY after, so that a unit ordered after
    /// feedd (the socket forwarder of `feedd-api.service`) finds it listening.
    case apiSettled
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
    /// Full articles of new items (`full_text`), fetched beside the feeds.
    private let articles: ArticleFetcher
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
        articles = ArticleFetcher(store: store, feedEngine: engine, fetch: configuration.fetch, environment: environment, logger: logger)
    }

    private func refresher(for configuration: Configuration) -> Refresher {
        Refresher(
            store: store, engine: engine, fetch: configuration.fetch, schedule: configuration.schedule, logger: logger,
            environment: environment, committer: committer, rules: configuration.rules,
            recordsEvents: !configuration.hooks.isEmpty, articles: articles)
    }

    /// `feedd --once` and `feedctl fetch` with no daemon: the given feeds (all by default) once, concurrently,
    /// except those `OneShotPlan` leaves alone unless `force` (each logged), and unless `.stop` (SIGINT,
    /// SIGTERM) comes first: then the transfers in flight are aborted at once and what was recorded before
    /// stays. Then each hook's due deliveries are attempted once, unless `deliveringHooks` is false (a
    /// `HookRunner` of the caller's runs beside, as in the daemon).
    public func refreshOnce(
        _ selection: [FeedConfig]? = nil, force: Bool, stoppingOn events: DaemonEvents? = nil, deliveringHooks: Bool = true
    ) async -> OneShotResult {
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
        guard let events else {
            let outcomes = await refreshAll(selected)
            if deliveringHooks { await deliverHooksOnce() }
            return OneShotResult(outcomes: outcomes, skipped: skipped, stopped: false)
        }
        return await withTaskGroup(of: [RefreshOutcome]?.self) { group in
            group.addTask { await self.refreshAll(selected) }
            group.addTask {
                for await event in events.stream {
                    if case .stop = event { return nil }
                }
                return nil
            }
            let first = await group.next() ?? nil
            if let outcomes = first {
                // The hooks' first attempts for what was stored, unless a signal stops them too.
                group.addTask {
                    if deliveringHooks { await self.deliverHooksOnce() }
                    return nil
                }
                _ = await group.next()
                group.cancelAll()
                return OneShotResult(outcomes: outcomes, skipped: skipped, stopped: false)
            }
            group.cancelAll()
            // Stopped: the refreshes end, cancelled, and say what they recorded.
            while let next = await group.next() {
                if let outcomes = next { return OneShotResult(outcomes: outcomes, skipped: skipped, stopped: true) }
            }
            return OneShotResult(outcomes: [], skipped: skipped, stopped: true)
        }
    }

    /// `--once`: each hook's due deliveries attempted once (what fails waits in the outbox for the daemon).
    private func deliverHooksOnce() async {
        guard !initialConfiguration.hooks.isEmpty else { return }
        await HookRunner(store: store, configuration: initialConfiguration, logger: logger, environment: environment).deliverDue()
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
            // The full articles of what was stored, unless stopped.
            if Task.isCancelled { await articles.cancelAll() } else { await articles.drain() }
            return outcomes.compactMap { $0 }
        }
    }

    // MARK: - The loop

    /// The stored fetch states of these feeds, by key (a feed whose state cannot be read has none).
    private func states(of feeds: [FeedConfig]) -> [String: FetchState] {
        var states: [String: FetchState] = [:]
        for feed in feeds { states[feed.url.absoluteString] = try? store.loadFetchState(url: feed.url.absoluteString) }
        return states
    }

    /// Runs until a `.stop` event: fetches each feed when due, reloads on `.reload`, fetches on request,
    /// reports to systemd, and on stop lets transfers in flight finish for `shutdownGrace` before aborting them.
    /// What to do when is `DaemonSchedule`'s and `DaemonTimers`' to say; this loop does it.
    public func run(events: DaemonEvents) async {
        let started = Date()
        var configuration = initialConfiguration
        // The configured feeds by key, for the refreshes the schedule starts.
        var feedsByKey = Self.byKey(configuration.feeds)
        var schedule = DaemonSchedule(feeds: configuration.feeds.map(\.terms), inFlightLimit: Self.refreshesInFlight)
        // Spreading first fetches over more than the shortest allowed interval would only delay them.
        let window = min(Self.firstStartWindow, configuration.schedule.minInterval)
        // A host that asked the last run to wait is left alone by this one too, for all its feeds.
        let recordedWaits = schedule.adopt(schedule.feeds, states: states(of: configuration.feeds), now: started, window: window)
        for (host, until) in recordedWaits { engine.hold(host: host, until: until) }
        var refresher = refresher(for: configuration)
        logger.info("started", metadata: ["feeds": "\(configuration.feeds.count)", "state_dir": "\(store.directory.path)"])
        for warning in store.warnings.drain() { logger.error("\(warning)") }
        var lastStatus: DaemonStatus?
        // With the API on, READY waits until it listens (or has failed to: fetching goes on without it).
        publish(DaemonStatus(schedule, started: started, now: Date()), last: &lastStatus, ready: configuration.api == nil)
        // The search index catches up with what was stored while feedd did not run, then with each refresh.
        let indexKeeper = IndexKeeper(store: store, logger: logger)
        indexKeeper.storeChanged()
        // Hooks run beside fetching: their own engine, their own tasks.
        let hooks = HookRunner(store: store, configuration: configuration, logger: logger, environment: environment)

        var timers = DaemonTimers(watchdogInterval: notifier.watchdogInterval, shutdownGrace: Self.shutdownGrace, now: ContinuousClock.now)
        events.send(.tick)  // start what is due now, without waiting for the first timer
        // What the sync API reads: the store under the configuration running now.
        let running = RunningConfiguration(configuration)
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await hooks.run() }
            if let api = configuration.api {
                let server = SyncServer(
                    configuration: api, store: store, environment: environment, logger: logger,
                    subscriptionsChanged: { edited in
                        // Read at once by the API's next request; the schedule follows at the reload.
                        running.current = edited
                        events.send(.reload)
                    },
                    running: { [store, decodedFeeds = DecodedFeeds()] in
                        SyncLibrary(store: store, configuration: running.current, decodedFeeds: decodedFeeds)
                    })
                group.addTask { [logger] in
                    do {
                        try await server.run(ready: { events.send(.apiSettled) })
                    } catch {
                        logger.error("api cannot listen; feeds are still fetched", metadata: ["address": "\(server.address)", "error": "\(error)"])
                        events.send(.apiSettled)
                    }
                }
            }
            group.addTask { [tick = timers.tick] in
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
                    schedule.finished(outcome.feedURL, Self.ending(of: outcome))
                    if case .updated = outcome.result {
                        indexKeeper.storeChanged()
                        hooks.poke()
                    }
                case .reload:
                    notifier.reloading()
                    if let fresh = reload(&schedule, now: now) {
                        if fresh.api?.listen != configuration.api?.listen || fresh.api?.trustedProxies != configuration.api?.trustedProxies {
                            logger.warning("api: a new listen address or trusted_proxies takes effect when feedd restarts")
                        }
                        configuration = fresh
                        running.current = fresh
                        hooks.configure(fresh)
                        feedsByKey = Self.byKey(configuration.feeds)
                        refresher = self.refresher(for: configuration)
                    }
                    publish(DaemonStatus(schedule, started: started, now: now), last: &lastStatus, ready: true)
                case .apiSettled:
                    publish(DaemonStatus(schedule, started: started, now: now), last: &lastStatus, ready: true)
                case .fetchRequested:
                    for request in FetchRequestFile.takeAll(from: store) {
                        let count = schedule.request(request.feeds.isEmpty ? nil : request.feeds)
                        logger.info("fetch requested", metadata: ["feeds": "\(request.feeds.isEmpty ? "all" : "\(count)")"])
                    }
                case .stop:
                    if timers.stop(now: ContinuousClock.now) {
                        logger.info("stopping", metadata: ["in_flight": "\(schedule.inFlight.count)"])
                        notifier.stopping()
                    }
                }
                let actions = timers.actions(now: ContinuousClock.now)
                if actions.pingWatchdog { notifier.watchdog() }
                if actions.stopping {
                    if schedule.inFlight.isEmpty { break eventLoop }
                    if actions.abortTransfers { group.cancelAll() }
                    continue
                }
                for terms in schedule.startDue(now: now) {
                    guard let feed = feedsByKey[terms.key] else { continue }
                    let current = refresher
                    group.addTask { events.send(.finished(await current.refresh(feed))) }
                }
                publish(DaemonStatus(schedule, started: started, now: now), last: &lastStatus, ready: false)
            }
            group.cancelAll()
        }
        await articles.cancelAll()
        try? store.saveFile(DaemonStatus(schedule, started: started, now: Date()), named: DaemonStatus.fileName)
        logger.info("stopped")
    }

    private static func byKey(_ feeds: [FeedConfig]) -> [String: FeedConfig] {
        Dictionary(feeds.map { ($0.url.absoluteString, $0) }) { first, _ in first }
    }

    /// What a refresh's outcome means for its schedule.
    private static func ending(of outcome: RefreshOutcome) -> DaemonSchedule.Ending {
        switch outcome.result {
        case .cancelled: return .cancelled
        case .updated, .notModified: return .succeeded(nextFetch: outcome.nextFetch)
        case .failed, .storeFailed: return .failed(nextFetch: outcome.nextFetch, gone: outcome.status == 410)
        }
    }

    /// Reads the configuration again; returns it, or nil when it is refused (invalid: its error is logged and
    /// the running configuration kept). New feeds are scheduled soon, removed ones dropped, the others keep
    /// their schedule.
    private func reload(_ schedule: inout DaemonSchedule, now: Date) -> Configuration? {
        let fresh: Configuration
        do {
            fresh = try Configuration.load(path: initialConfiguration.path)
        } catch {
            logger.error("reload refused, keeping the running configuration", metadata: ["error": "\(error)"])
            return nil
        }
        let (added, removed) = schedule.reload(fresh.feeds.map(\.terms), states: states(of: fresh.feeds), now: now, window: .seconds(5))
        if fresh.fetch.engineSettings != initialConfiguration.fetch.engineSettings {
            logger.warning("fetch.concurrency, per_host and proxy take effect at the next restart")
        }
        logger.info("configuration reloaded", metadata: ["feeds": "\(fresh.feeds.count)", "added": "\(added.count)", "removed": "\(removed.count)"])
        return fresh
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
