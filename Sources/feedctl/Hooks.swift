import ArgumentParser
import FeedHooks
import FeedStore
import Foundation

extension Feedctl {
    struct Hooks: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "hooks",
            abstract: "Show the configured hooks, what waits for them and what failed.",
            discussion: """
                A delivery that kept failing for 24 hours is kept as failed; `feedctl hooks retry` tries it
                again (with the same delivery id). Examples:
                  feedctl hooks
                  feedctl hooks retry
                  feedctl hooks retry 9f3c2a --hook phone
                """,
            subcommands: [Show.self, Retry.self], defaultSubcommand: Show.self)

        struct Show: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "show", abstract: "List hooks and the deliveries in the outbox.")

            @OptionGroup var options: StoreOptions
            @Flag(name: .long, help: "JSON: the hooks and every delivery in the outbox.") var json = false

            func run() throws {
                do {
                    let (_, configuration, stateDirectory) = try options.resolved()
                    let outbox = Outbox(store: try FeedStore(directory: stateDirectory))
                    if json {
                        FileHandle.standardOutput.write(HookReport.json(hooks: configuration.hooks, outbox: outbox))
                    } else {
                        write(HookReport.text(hooks: configuration.hooks, outbox: outbox, now: Date()))
                    }
                } catch {
                    throw fail(error)
                }
            }
        }

        struct Retry: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "retry",
                abstract: "Try failed deliveries again (all, these ids, or one hook's); the daemon picks them up within seconds.")

            @OptionGroup var options: StoreOptions
            @Option(name: .long, help: "Only this hook's deliveries.") var hook: String?
            @Argument(help: "Delivery ids (or their start); none for every failed delivery.") var ids: [String] = []

            func run() throws {
                do {
                    let (_, configuration, stateDirectory) = try options.resolved()
                    if let hook, !configuration.hooks.contains(where: { $0.name == hook }) {
                        throw ValidationError("no hook named \(hook) in the config")
                    }
                    let count = try Outbox(store: try FeedStore(directory: stateDirectory)).retry(ids: ids, hook: hook, now: Date())
                    guard count > 0 || ids.isEmpty else { throw ValidationError("no delivery with id \(ids.joined(separator: ", "))") }
                    write("\(count) deliver\(count == 1 ? "y" : "ies") to try again\n")
                } catch {
                    throw fail(error)
                }
            }
        }
    }
}
