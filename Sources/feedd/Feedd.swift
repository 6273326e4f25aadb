import Aggregator
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
        if once {
            await daemon.refreshAll()
            return
        }
        let task = Task { await daemon.run() }
        let signals = [SIGTERM, SIGINT].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .main)
            source.setEventHandler {
                logger.info("signal received, shutting down", metadata: ["signal": "\(number)"])
                task.cancel()
            }
            source.resume()
            return source
        }
        await task.value
        signals.forEach { $0.cancel() }
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
