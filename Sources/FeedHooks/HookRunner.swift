import FeedConfiguration
import FeedCore
import FeedFetcher
import FeedStore
import Foundation
import Logging
import Synchronization

/// feedd's hooks at work: hands the events the store recorded to the hooks that want them (a delivery in
/// the outbox, or a digest being gathered), then makes each due delivery's attempt. Every hook has its own
/// queue, one attempt at a time, oldest first, so a slow or dead receiver holds back only its own
/// deliveries; and all of it runs beside fetching, never in its way. One log line per attempt.
public final class HookRunner: Sendable {
    private struct Settings {
        var hooks: [String: HookConfig] = [:]
        var feeds: [String: FeedConfig] = [:]
    }

    private struct State {
        /// The outbox as this process knows it: read at start and when `feedctl hooks retry` changed it.
        var deliveries: [String: Delivery]?
        var gatherings: [String: Gathering] = [:]
        /// Hooks with an attempt in flight.
        var busy: Set<String> = []
        var seenChange: timespec?
    }

    public let store: FeedStore
    private let outbox: Outbox
    private let sender: HookSender
    private let logger: Logger
    private let calendar: Calendar
    private let settings: Mutex<Settings>
    private let state = Mutex(State())
    private let wakeup = Wakeup()
    /// The longest the loop sleeps before looking at the events and the outbox unwoken (events that
    /// `feedctl star` recorded, a `hooks retry`).
    static let idleLook = Duration.seconds(5)

    public init(
        store: FeedStore, configuration: Configuration, logger: Logger, environment: [String: String], calendar: Calendar = .current
    ) {
        self.store = store
        outbox = Outbox(store: store)
        self.logger = logger
        self.calendar = calendar
        let fetch = configuration.fetch
        sender = HookSender(
            engineSettings: FetchSettings(concurrency: 8, perHost: fetch.perHost, proxy: fetch.proxy), userAgent: fetch.userAgent,
            environment: environment)
        settings = Mutex(Self.settings(configuration))
    }

    private static func settings(_ configuration: Configuration) -> Settings {
        Settings(
            hooks: Dictionary(configuration.hooks.map { ($0.name, $0) }) { first, _ in first },
            feeds: Dictionary(configuration.feeds.map { ($0.url.absoluteString, $0) }) { first, _ in first })
    }

    /// A reloaded configuration: its hooks from the next event on.
    public func configure(_ configuration: Configuration) {
        settings.withLock { $0 = Self.settings(configuration) }
        wakeup.signal()
    }

    /// Something was recorded: look now rather than at the next idle look.
    public func poke() { wakeup.signal() }

    /// Until cancelled: events handed out, digests made when due, deliveries attempted when due. Attempts
    /// in flight when it is cancelled are abandoned (a program is stopped); they stay in the outbox.
    public func run() async {
        await withDiscardingTaskGroup { group in
            while !Task.isCancelled {
                let (starting, nextDue) = pass(now: Date())
                for (delivery, hook) in starting {
                    group.addTask {
                        await self.attempt(delivery, hook: hook)
                        self.wakeup.signal()
                    }
                }
                // With no hook configured nothing is recorded for one: sleep until a reload brings some.
                let idle = self.settings.withLock { $0.hooks.isEmpty } ? 3600 : 5.0
                let wait = nextDue.map { max(0.05, min($0.timeIntervalSinceNow, idle)) } ?? idle
                await wakeup.wait(upTo: .milliseconds(Int(wait * 1000)))
            }
            group.cancelAll()
        }
    }

    /// One pass for `feedd --once`: what is due now is attempted once, each hook's deliveries in turn;
    /// returns when they are done. What fails waits in the outbox for the daemon.
    public func deliverDue() async {
        let now = Date()
        // An attempt that fails is due again later than `now`, one that succeeds is gone: this ends.
        while true {
            let starting = pass(now: now).starting
            if starting.isEmpty { return }
            await withDiscardingTaskGroup { group in
                for (delivery, hook) in starting { group.addTask { await self.attempt(delivery, hook: hook) } }
            }
        }
    }

    // MARK: - A pass

    /// Hands out events, makes due digests, and returns the attempts to start now (marking their hooks
    /// busy) and when the next one is due.
    private func pass(now: Date) -> (starting: [(Delivery, HookConfig)], nextDue: Date?) {
        let settings = self.settings.withLock { $0 }
        reloadIfChanged()
        handOut(settings, now: now)
        makeDigests(settings, now: now)
        return state.withLock { state in
            var starting: [(Delivery, HookConfig)] = []
            var nextDue: Date?
            let waiting = (state.deliveries ?? [:]).values.filter { !$0.failed }.sorted { ($0.created, $0.id) < ($1.created, $1.id) }
            for delivery in waiting {
                guard let hook = settings.hooks[delivery.hook], !state.busy.contains(hook.name) else { continue }
                if delivery.nextAttempt <= now {
                    state.busy.insert(hook.name)
                    starting.append((delivery, hook))
                } else {
                    nextDue = min(nextDue ?? delivery.nextAttempt, delivery.nextAttempt)
                }
            }
            for gathering in state.gatherings.values {
                guard let hook = settings.hooks[gathering.hook], let due = DigestSchedule.due(hook.gathering, started: gathering.started, calendar: calendar)
                else { continue }
                nextDue = min(nextDue ?? due, due)
            }
            return (starting, nextDue)
        }
    }

    /// The outbox read again at the first pass, and whenever `feedctl hooks retry` changed it.
    private func reloadIfChanged() {
        let stamp = outbox.changeStamp()
        state.withLock { state in
            let changed = stamp.map { new in state.seenChange.map { $0.tv_sec != new.tv_sec || $0.tv_nsec != new.tv_nsec } ?? true } ?? false
            guard state.deliveries == nil || changed else { return }
            state.seenChange = stamp
            var known: [String: Delivery] = [:]
            for delivery in outbox.deliveries() { known[delivery.id] = delivery }
            // An attempt in flight keeps its own copy; what it records wins.
            state.deliveries = known
            state.gatherings = Dictionary(outbox.gatherings().map { ("\($0.hook)\n\($0.event.rawValue)", $0) }) { first, _ in first }
        }
    }

    /// Every recorded event to the hooks that want it: a delivery, or a part of a digest, written before
    /// the event is forgotten. An event no hook wants is forgotten at once.
    private func handOut(_ settings: Settings, now: Date) {
        let (events, damaged) = store.pendingEvents()
        for path in damaged { logger.error("hook event file could not be read; set aside", metadata: ["file": "\(path)"]) }
        for event in events {
            do throws(StoreError) {
                for hook in settings.hooks.values.sorted(by: { $0.name < $1.name }) {
                    let entries = HookSelection.entries(of: event, for: hook, feeds: settings.feeds)
                    guard !entries.isEmpty else { continue }
                    let names = Self.feedNames(entries, feeds: settings.feeds)
                    if case .none = hook.gathering {
                        let id = Delivery.id(event: event.id, hook: hook.name)
                        let known = state.withLock { $0.deliveries?[id] != nil }
                        guard !known, !outbox.contains(id: id) else { continue }
                        let delivery = Delivery(id: id, hook: hook.name, event: event.kind, created: event.created, entries: entries, feedNames: names)
                        try outbox.save(delivery)
                        state.withLock { $0.deliveries?[id] = delivery }
                    } else {
                        let key = "\(hook.name)\n\(event.kind.rawValue)"
                        var gathering = state.withLock { $0.gatherings[key] } ?? Gathering(hook: hook.name, event: event.kind, started: event.created)
                        guard !gathering.events.contains(event.id) else { continue }
                        gathering.events.append(event.id)
                        gathering.entries.append(contentsOf: entries)
                        gathering.feedNames.merge(names) { first, _ in first }
                        try outbox.save(gathering)
                        state.withLock { $0.gatherings[key] = gathering }
                    }
                }
                try store.removeEvent(id: event.id)
            } catch {
                logger.error("hook event not handed out; tried again later", metadata: ["event": "\(event.id)", "error": "\(error)"])
            }
        }
    }

    /// Digests whose time has come (or whose hook no longer gathers) become deliveries.
    private func makeDigests(_ settings: Settings, now: Date) {
        let gatherings = state.withLock { $0.gatherings }
        for (key, gathering) in gatherings {
            guard let hook = settings.hooks[gathering.hook] else { continue }
            if let due = DigestSchedule.due(hook.gathering, started: gathering.started, calendar: calendar), due > now { continue }
            let delivery = gathering.digest(now: now)
            do throws(StoreError) {
                if !outbox.contains(id: delivery.id) { try outbox.save(delivery) }
                try outbox.remove(gathering)
                state.withLock { state in
                    state.gatherings[key] = nil
                    if state.deliveries?[delivery.id] == nil { state.deliveries?[delivery.id] = delivery }
                }
            } catch {
                logger.error("hook digest not made; tried again later", metadata: ["hook": "\(hook.name)", "error": "\(error)"])
            }
        }
    }

    private static func feedNames(_ entries: [HookEvent.Entry], feeds: [String: FeedConfig]) -> [String: String] {
        var names: [String: String] = [:]
        for entry in entries {
            if let name = feeds[entry.feed]?.name ?? entry.feedTitle { names[entry.feed] = name }
        }
        return names
    }

    // MARK: - An attempt

    private func attempt(_ delivery: Delivery, hook: HookConfig) async {
        let started = ContinuousClock.now
        let result = await sender.attempt(delivery, hook: hook)
        let elapsed = ContinuousClock.now - started
        defer { _ = state.withLock { $0.busy.remove(hook.name) } }
        // Cancelled (feedd stopping): not an attempt that failed; the delivery stays as it was.
        if Task.isCancelled, case .failed = result { return }
        var metadata: Logger.Metadata = [
            "hook": "\(hook.name)", "kind": "\(hook.kind.word)", "event": "\(delivery.event.rawValue)", "delivery": "\(delivery.id)",
            "items": "\(delivery.entries.count)", "attempt": "\(delivery.attempts + 1)",
            "duration_ms": "\(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000)",
        ]
        switch result {
        case .delivered(let detail):
            metadata["outcome"] = "\(detail)"
            do throws(StoreError) {
                try outbox.remove(id: delivery.id)
                state.withLock { _ = $0.deliveries?.removeValue(forKey: delivery.id) }
                logger.info("hook delivered", metadata: metadata)
            } catch {
                metadata["error"] = "\(error)"
                logger.error("hook delivered, but its outbox file stays: it may be sent again", metadata: metadata)
            }
        case .failed(let reason, let retryAfter):
            var failed = delivery
            let now = Date()
            failed.attempts += 1
            failed.lastAttempt = now
            failed.lastError = reason
            metadata["error"] = "\(reason)"
            if let next = DeliveryPolicy.nextAttempt(
                afterFailures: failed.attempts, created: delivery.retriedSince ?? delivery.created, now: now, firstRetry: hook.firstRetry, retryAfter: retryAfter)
            {
                failed.nextAttempt = next
                metadata["next_attempt"] = "\(ISO8601DateFormatter().string(from: next))"
                logger.warning("hook attempt failed", metadata: metadata)
            } else {
                failed.failed = true
                logger.error("hook delivery failed for 24 hours; kept as failed (feedctl hooks retry)", metadata: metadata)
            }
            do throws(StoreError) {
                try outbox.save(failed)
            } catch {
                logger.error("hook attempt not recorded", metadata: ["delivery": "\(delivery.id)", "error": "\(error)"])
            }
            state.withLock { state in
                if state.deliveries?[delivery.id] != nil { state.deliveries?[delivery.id] = failed }
            }
        }
    }
}
