import FeedCatalog
import FeedConfiguration
import FeedDaemon
import ArgumentParser
import FeedModel
import Foundation

extension Feedctl {
    struct Config: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "config",
            abstract: "Check the configuration, or say which files feedd and feedctl use.",
            subcommands: [Check.self, Path.self])

        struct Check: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "check",
                abstract: "Validate the configuration and print the effective settings, defaults applied.",
                discussion: "Example:\n  feedctl config check --config /etc/feedd/config.yaml")

            @OptionGroup var options: StoreOptions

            func run() throws {
                do {
                    let (_, configuration, stateDirectory) = try options.resolved()
                    write(ConfigReport.text(configuration, stateDirectory: stateDirectory))
                } catch {
                    throw fail(error)
                }
            }
        }

        struct Path: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "path",
                abstract: "Print the configuration file and the state directory in use.",
                discussion: "Example:\n  feedctl config path     (with $FEEDD_CONFIG, ~/.config/feedd/config.yaml or /etc/feedd/config.yaml)")

            @OptionGroup var options: StoreOptions

            func run() throws {
                do {
                    let (path, _, stateDirectory) = try options.resolved()
                    write("config: \(TerminalSafe.escaped(path))\nstate_dir: \(TerminalSafe.escaped(stateDirectory.path))\n")
                } catch {
                    throw fail(error)
                }
            }
        }
    }
}
