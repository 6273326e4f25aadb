import FeedConfiguration
import FeedDaemon
import ArgumentParser
import Dispatch
import FeedModel
import Foundation
import Logging

#if canImport(Glibc)
    import Glibc
#endif

/// The feedd daemon: reads the config, opens the store, fetches feeds.
@main
struct Feedd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "feedd",
        abstract: "Fetch the feeds in the configuration on their intervals and keep them in a local store.",
        discussion: """
            Signals: SIGTERM/SIGINT stop (transfers in flight get a few seconds), SIGHUP reloads the
            configuration, SIGUSR1 fetches what `feedctl fetch` asked for. Under systemd (Type=notify) feedd
            reports READY, STATUS, WATCHDOG, RELOADING and STOPPING.
            """,
        version: FeeddVersion.current)

    @Option(name: .long, help: "Configuration file (default: $FEEDD_CONFIG, ~/.config/feedd/config.yaml, /etc/feedd/config.yaml).")
    var config: String?

    @Flag(name: .long, help: "Fetch every feed once, store the results and exit (see README: what --once skips).")
    var once = false

    @Flag(name: .long, help: "With --once: also fetch feeds an earlier run was told to leave alone (Retry-After, 410 Gone).")
    var force = false

    @Option(name: .long, help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: Logger.Level = .info

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let level = logLevel
        LoggingSystem.bootstrap { _ in FeeddLogHandler(level: level, environment: environment) }
        let logger = Logger(label: "feedd")
        // The inbox and the signal handlers come first, so a signal that arrives while the config loads is kept.
        let events = DaemonEvents()
        let signals = SignalForwarder(events: events)
        let daemon: Daemon
        do {
            let (_, configuration, stateDirectory) = try Locations.resolve(explicit: config, environment: environment)
            daemon = try Daemon(
                configuration: configuration, stateDirectory: stateDirectory, logger: logger, environment: environment)
        } catch {
            logger.critical("\(error)")
            throw ExitCode.failure
        }
        if force && !once {
            logger.critical("--force applies to --once only")
            throw ExitCode.validationFailure
        }
        if once {
            let run = await daemon.refreshOnce(force: force, stoppingOn: events)
            let (outcomes, stopped) = (run.outcomes, run.stopped)
            withExtendedLifetime(signals) {}
            if stopped {
                logger.notice("stopped by a signal: the feeds fetched before it stay recorded")
                throw ExitCode.failure
            }
            // A feed that fails is the feed's problem; a store that cannot record is ours.
            if outcomes.contains(where: { if case .storeFailed = $0.result { true } else { false } }) { throw ExitCode.failure }
            return
        }
        await daemon.run(events: events)
        withExtendedLifetime(signals) {}
    }
}

/// Turns signals into daemon events: SIGTERM and SIGINT stop, SIGHUP reloads, SIGUSR1 fetches on request.
final class SignalForwarder {
    private let sources: [any DispatchSourceSignal]

    init(events: DaemonEvents) {
        let mapping: [(Int32, DaemonEvent)] = [(SIGTERM, .stop), (SIGINT, .stop), (SIGHUP, .reload), (SIGUSR1, .fetchRequested)]
        sources = mapping.map { number, event in
            // The default action would end the process before the source sees the signal.
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { events.send(event) }
            source.resume()
            return source
        }
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
