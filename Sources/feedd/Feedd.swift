import Aggregator
import ArgumentParser
import Dispatch
import FeedModel
import Foundation
import Logging
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The feedd daemon: reads the config, opens the store, fetches feeds.
@main
struct Feedd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "feedd",
        abstract: "Fetch the feeds in the configuration on their intervals and keep them in a local store.",
        version: FeeddVersion.current)

    @Option(name: .long, help: "Configuration file (default: $FEEDD_CONFIG, ~/.config/feedd/config.yaml, /etc/feedd/config.yaml).")
    var config: String?

    @Flag(name: .long, help: "Fetch every feed once, store the results and exit.")
    var once = false

    @Option(name: .long, help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: Logger.Level = .info

    func run() async throws {
        let level = logLevel
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "feedd")
        // Signal sources first, so a SIGTERM that arrives while the config loads is not lost.
        let stop = ShutdownSignals(logger: logger)
        let environment = ProcessInfo.processInfo.environment
        let daemon: Daemon
        do {
            let path = try Locations.configPath(explicit: config, environment: environment)
            let configuration = try Configuration.load(path: path)
            daemon = try Daemon(
                configuration: configuration,
                stateDirectory: Locations.stateDirectory(config: configuration, environment: environment),
                logger: logger)
        } catch {
            logger.critical("\(error)")
            throw ExitCode.failure
        }
        let task = Task {
            if once {
                let outcomes = await daemon.refreshAll()
                // A feed that fails is the feed's problem; a store that cannot record is ours.
                return !outcomes.contains { if case .storeFailed = $0.result { true } else { false } }
            }
            await daemon.run()
            return true
        }
        stop.onSignal { task.cancel() }
        guard await task.value else { throw ExitCode.failure }
    }
}

/// SIGTERM and SIGINT as dispatch sources: the first one cancels the daemon's task.
final class ShutdownSignals {
    private final class State: Sendable {
        let action = Mutex<(@Sendable () -> Void)?>(nil)
        let received = Mutex(false)
    }

    private let sources: [any DispatchSourceSignal]
    private let state = State()

    init(logger: Logger) {
        let state = self.state
        sources = [SIGTERM, SIGINT].map { number in
            // The default action would end the process before the source sees the signal.
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                logger.info("signal received, shutting down", metadata: ["signal": "\(number)"])
                state.received.withLock { $0 = true }
                state.action.withLock { $0 }?()
            }
            source.resume()
            return source
        }
    }

    /// Runs `action` on the first signal, or at once if one has already arrived.
    func onSignal(_ action: @escaping @Sendable () -> Void) {
        state.action.withLock { $0 = action }
        if state.received.withLock({ $0 }) { action() }
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
