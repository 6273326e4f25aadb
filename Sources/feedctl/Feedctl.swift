import FeedCatalog
import FeedConfiguration
import FeedDaemon
import ArgumentParser
import FeedModel
import FeedStore
import Foundation

/// feedctl: read and manage what feedd stores.
@main
struct Feedctl: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "feedctl",
        abstract: "Read the items feedd has stored, mark them read, and debug feeds.",
        discussion: "Exit status: 0 on success, 1 when something failed, 2 for a usage error.",
        version: FeeddVersion.current,
        subcommands: [
            List.self, Tui.self, Show.self, Next.self, Read.self, Unread.self, Star.self, Unstar.self, Rules.self, Hooks.self, API.self, Feeds.self, Add.self, Remove.self, Import.self, Export.self, Fetch.self,
            Status.self, Parse.self, Extract.self, Config.self,
        ])

    /// Like ArgumentParser's, but a usage error exits 2, as Unix tools do (ArgumentParser says 64).
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            let code = exitCode(for: error)
            guard code == .validationFailure else { exit(withError: error) }
            FileHandle.standardError.write(Data((TerminalSafe.escaped(fullMessage(for: error), keepingNewlines: true) + "\n").utf8))
            Foundation.exit(2)
        }
    }
}

/// Options every command that reads the store takes.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: "Configuration file (default: $FEEDD_CONFIG, ~/.config/feedd/config.yaml, /etc/feedd/config.yaml).")
    var config: String?

    /// The configuration file in use, the configuration, and the state directory it points to.
    func resolved() throws -> (path: String, configuration: Configuration, stateDirectory: URL) {
        try Locations.resolve(explicit: config, environment: ProcessInfo.processInfo.environment)
    }

    /// The catalog over the store the configuration points to, with as much of the configuration as
    /// `scope` asks, and what `preload` names read ahead (see `ItemCatalog.open`).
    func catalog(scope: ConfigScope = .whole, preload: ItemCatalog.Preload = []) throws -> ItemCatalog {
        let environment = ProcessInfo.processInfo.environment
        let path = try Locations.configPath(explicit: config, environment: environment)
        return try ItemCatalog.open(configPath: path, environment: environment, scope: scope, preload: preload)
    }
}

/// Reports, one line each on stderr, store files that could not be read (and were moved aside).
func reportStoreWarnings(_ catalog: ItemCatalog) {
    for warning in catalog.store.warnings.drain() {
        FileHandle.standardError.write(Data("feedctl: \(TerminalSafe.escaped(warning))\n".utf8))
    }
}

/// Prints a one-line error and exits 1: what every command does on failure.
func fail(_ error: any Error) -> ExitCode {
    FileHandle.standardError.write(Data("feedctl: \(TerminalSafe.escaped("\(error)"))\n".utf8))
    return .failure
}

func write(_ text: String) {
    FileHandle.standardOutput.write(Data(text.utf8))
}

/// Writes all of `bytes` to standard output, as they come (no copy into a `Data` first).
func writeStandardOutput(_ bytes: UnsafeBufferPointer<UInt8>) {
    var offset = 0
    while offset < bytes.count, let base = bytes.baseAddress {
        let written = Glibc.write(STDOUT_FILENO, base + offset, bytes.count - offset)
        if written < 0 && errno == EINTR { continue }
        guard written > 0 else { return }
        offset += written
    }
}
