/// The daemon loop's two deadlines, as values of any clock's instants: when the watchdog is pinged next
/// (systemd restarts a daemon that stops pinging), and when a stop's grace for transfers in flight is over.
/// Pure: the loop passes `now` after each event and does what this says.
public struct DaemonTimers<Instant: InstantProtocol>: Sendable where Instant.Duration == Duration {
    /// Half of systemd's `WATCHDOG_USEC`, or nil without a watchdog.
    public let watchdogInterval: Duration?
    public let shutdownGrace: Duration
    private var lastWatchdog: Instant
    public private(set) var stopDeadline: Instant?

    public init(watchdogInterval: Duration?, shutdownGrace: Duration, now: Instant) {
        self.watchdogInterval = watchdogInterval
        self.shutdownGrace = shutdownGrace
        lastWatchdog = now
    }

    /// How often the loop must wake up, at least: a second, or the watchdog's interval if shorter.
    public var tick: Duration { min(watchdogInterval ?? .seconds(1), .seconds(1)) }

    /// What the loop does after an event at `now`.
    public struct Actions: Sendable, Equatable {
        public var pingWatchdog = false
        /// Abort the transfers still in flight: the grace is over.
        public var abortTransfers = false
        /// Stopping: start nothing new; the loop ends once nothing is in flight.
        public var stopping = false

        public init(pingWatchdog: Bool = false, abortTransfers: Bool = false, stopping: Bool = false) {
            self.pingWatchdog = pingWatchdog
            self.abortTransfers = abortTransfers
            self.stopping = stopping
        }
    }

    /// A stop was asked for at `now`; returns whether it is the first (later ones change nothing).
    public mutating func stop(now: Instant) -> Bool {
        guard stopDeadline == nil else { return false }
        stopDeadline = now.advanced(by: shutdownGrace)
        return true
    }

    public mutating func actions(now: Instant) -> Actions {
        var actions = Actions()
        // From the loop itself: a scheduler that hangs stops these, and systemd restarts it.
        if let interval = watchdogInterval, lastWatchdog.duration(to: now) >= interval {
            actions.pingWatchdog = true
            lastWatchdog = now
        }
        if let deadline = stopDeadline {
            actions.stopping = true
            actions.abortTransfers = now >= deadline
        }
        return actions
    }
}
