import ArgumentParser
import FeedConfiguration
import FeedStore
import FeedSync
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

extension Feedctl {
    struct API: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "api", abstract: "The sync API's accounts (the `api:` section of the config).", subcommands: [Passwd.self])

        struct Passwd: ParsableCommand {
            static let configuration = CommandConfiguration(
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
