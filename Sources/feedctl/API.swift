import ArgumentParser
import FeedConfiguration
import FeedModel
import FeedStore
import FeedSync
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

extension Feedctl {
    struct API: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "api", abstract: "The sync API's accounts and sessions (the `api:` section of the config).",
            subcommands: [Passwd.self, Tokens.self])

        struct Tokens: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "tokens",
                abstract: "List the sessions apps logged in with, or end some.",
                discussion: """
                    Each login through the API opens a session; only a digest of its token is kept. An app whose
                    session ends is asked to log in again at its next request. Examples:
                      feedctl api tokens
                      feedctl api tokens revoke 3f9a0c2b17de
                      feedctl api tokens revoke --user alice
                    """,
                subcommands: [List.self, Revoke.self], defaultSubcommand: List.self)

            struct List: ParsableCommand {
                static let configuration = CommandConfiguration(commandName: "list", abstract: "List the sessions: id, user, when and from where.")

                @OptionGroup var options: StoreOptions

                func run() throws {
                    do {
                        let (_, _, stateDirectory) = try options.resolved()
                        let sessions = try SessionStore(stateDirectory: stateDirectory).list()
                        guard !sessions.isEmpty else { return write("No sessions.\n") }
                        let width = max(4, sessions.map(\.user.count).max() ?? 0)
                        for session in sessions {
                            let user = session.user.padding(toLength: width, withPad: " ", startingAt: 0)
                            write("\(session.id)  \(TerminalSafe.escaped(user))  \(session.created.formatted(.iso8601))  \(TerminalSafe.escaped(session.client))\n")
                        }
                    } catch {
                        throw fail(error)
                    }
                }
            }

            struct Revoke: ParsableCommand {
                static let configuration = CommandConfiguration(commandName: "revoke", abstract: "End sessions by id (or its start), or all of a user's.")

                @OptionGroup var options: StoreOptions
                @Option(name: .long, help: "End every session of this user.") var user: String?
                @Flag(name: .long, help: "End every session.") var all = false
                @Argument(help: "Session ids, as `feedctl api tokens` lists them.") var ids: [String] = []

                func validate() throws {
                    if ids.isEmpty && user == nil && !all { throw ValidationError("name sessions to end: ids, --user NAME or --all") }
                }

                func run() throws {
                    do {
                        let (_, _, stateDirectory) = try options.resolved()
                        let sessions = SessionStore(stateDirectory: stateDirectory)
                        let ended = all ? try sessions.revoke(ids: try sessions.list().map(\.digest)) : try sessions.revoke(ids: ids, user: user)
                        guard ended > 0 || all else { throw ValidationError("no session matches \((ids + (user.map { ["--user \($0)"] } ?? [])).joined(separator: ", "))") }
                        write("\(ended) session(s) ended\n")
                    } catch {
                        throw fail(error)
                    }
                }
            }
        }

        struct Passwd: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "passwd",
                abstract: "Set an API user's password: writes the hash file the config names for the user (mode 0600).",
                discussion: """
                    The password is asked twice on the terminal, or read as the first line of standard input when
                    that is not a terminal. Only a salted scrypt hash, and the Fever key derived from the
                    password, are written. For a user with password_hash_credential, the file's text is printed,
                    to be stored as that systemd credential. Examples:
                      feedctl api passwd alice
                      printf '%s\\n' "$PASSWORD" | feedctl api passwd alice
                    """)

            @OptionGroup var options: StoreOptions
            @Argument(help: "The user, as named in api.users.") var name: String

            func run() throws {
                do {
                    let (path, configuration, _) = try options.resolved()
                    guard let api = configuration.api else { throw ValidationError("\(path) has no `api:` section; add one first (see README)") }
                    guard let user = api.user(named: name) else {
                        throw ValidationError("no API user named \(name) in \(path) (users: \(api.users.map(\.name).joined(separator: ", ")))")
                    }
                    let password = try Self.readPassword()
                    let hash = try PasswordHash.make(user: name, password: password)
                    switch user.passwordHash {
                    case .file(let file):
                        try AtomicFile.write(Data(hash.fileText.utf8), toPath: file, mode: 0o600)
                        write("password of \(name) set: \(file)\n")
                    case .credential(let credential):
                        write(hash.fileText)
                        FileHandle.standardError.write(
                            Data("feedctl: store this as the systemd credential \(credential), e.g. with systemd-creds encrypt --name=\(credential) - /etc/credstore.encrypted/\(credential)\n".utf8))
                    }
                } catch {
                    throw fail(error)
                }
            }

            /// Twice with echo off on a terminal; else the first line of standard input.
            static func readPassword() throws -> String {
                guard isatty(STDIN_FILENO) == 1 else {
                    guard let line = readLine(strippingNewline: true), !line.isEmpty else {
                        throw ValidationError("no password on standard input")
                    }
                    return line
                }
                let first = try prompt("New password: ")
                guard !first.isEmpty else { throw ValidationError("empty password") }
                guard try prompt("Again: ") == first else { throw ValidationError("the two passwords differ") }
                return first
            }

            private static func prompt(_ text: String) throws -> String {
                FileHandle.standardError.write(Data(text.utf8))
                var saved = termios()
                tcgetattr(STDIN_FILENO, &saved)
                var quiet = saved
                quiet.c_lflag &= ~tcflag_t(ECHO)
                tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet)
                defer {
                    tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved)
                    FileHandle.standardError.write(Data("\n".utf8))
                }
                return readLine(strippingNewline: true) ?? ""
            }
        }
    }
}
