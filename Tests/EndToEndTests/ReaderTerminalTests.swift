import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `feedctl tui` in a real terminal: tmux runs it in a pane of a given size; the test types keys
/// (send-keys) and reads the screen (capture-pane), on a store the real daemon wrote.
@Suite(.serialized)
struct ReaderTerminalTests {
    /// One tmux server of the test's own (its own socket), with the reader in its one pane.
    final class Pane: Sendable {
        let socket = "feedd-test-\(UUID().uuidString.prefix(8))"

        init(command: [String], width: Int, height: Int, environment: [String: String] = [:]) async throws {
            let variables = ["-u", "NO_COLOR", "LANG=C.UTF-8", "TERM=tmux-256color"] + environment.map { "\($0.key)=\($0.value)" }
            // How the reader ended is printed after it, in the pane the test reads.
            let shellCommand = (["env"] + variables + command).map(Self.quoted).joined(separator: " ") + "; echo \"[exited $?]\""
            // The server tmux starts keeps every descriptor it was given: it gets /dev/null and nothing else,
            // not a pipe the test harness or another test reads until it closes.
            let start = (["/usr/bin/tmux", "-u", "-L", socket, "new-session", "-d", "-s", "reader", "-x", "\(width)", "-y", "\(height)", shellCommand])
                .map(Self.quoted).joined(separator: " ")
            let script = "for fd in $(ls /proc/$$/fd); do [ \"$fd\" -gt 2 ] && eval \"exec $fd>&-\"; done; exec " + start
                + " </dev/null >/dev/null 2>&1"
            let started = try await Subprocess.runCommand("/bin/bash", ["-c", script])
            #expect(started.status == 0, "tmux did not start")
            _ = try await tmux(["set-option", "-t", "reader", "remain-on-exit", "on"])
        }

        /// The tmux server goes with the pane, waited for here: a task started from deinit may never run
        /// before the test process exits, and left servers (and readers) running after the tests.
        deinit {
            guard let killer = try? ChildProcess.launch("/usr/bin/tmux", ["-L", socket, "kill-server"], environment: [:]) else { return }
            var status: Int32 = 0
            while waitpid(killer.pid, &status, 0) < 0 && errno == EINTR {}
        }

        @discardableResult
        func tmux(_ arguments: [String]) async throws -> Subprocess {
            try await Subprocess.runCommand("/usr/bin/tmux", ["-u", "-L", socket] + arguments)
        }

        func send(_ keys: String...) async throws {
            for key in keys { try await tmux(["send-keys", "-t", "reader", key]) }
        }

        func screen(escapes: Bool = false) async throws -> String {
            try await tmux(["capture-pane", "-p", "-t", "reader"] + (escapes ? ["-e"] : [])).stdout
        }

        func value(_ format: String) async throws -> String {
            try await tmux(["display-message", "-p", "-t", "reader", format]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        }

        /// Waits for the screen to show what `done` looks for (10 s at most: a slow machine, not a timing
        /// assertion), and returns it.
        @discardableResult
        func wait(_ what: String, until done: (String) -> Bool) async throws -> String {
            var last = ""
            for _ in 0..<200 {
                last = try await screen()
                if done(last) { return last }
                try await Task.sleep(for: .milliseconds(50))
            }
            Issue.record("the screen never showed \(what):\n\(last)")
            return last
        }

        static func quoted(_ word: String) -> String { "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'" }
    }

    static func row(_ screen: String, _ title: String) -> Substring? {
        screen.split(separator: "\n").first { $0.contains(title) }
    }

    /// A row's markers, read as a person does: tmux gives a run of cells the reader left blank as one
    /// space, so the markers are found, not counted off.
    /// The reader's exit status 0, as the shell after it or tmux says it.
    static func exitedCleanly(_ screen: String) -> Bool {
        screen.contains("[exited 0]") || screen.contains("Pane is dead (status 0,")
    }

    static func isUnread(_ row: Substring?) -> Bool { row?.drop { $0 == " " }.first == "N" }
    static func isStarred(_ row: Substring?) -> Bool { row.map { $0.prefix(3).contains("*") } ?? false }

    @Test func readMoveOpenStarSearchResizeAndQuit() async throws {
        let (server, directory, config) = try await ReaderCommandsTests.world()
        defer { withExtendedLifetime((server, directory)) {} }
        let pane = try await Pane(command: [Subprocess.path("feedctl"), "tui", "--config", config], width: 80, height: 24)
        let first = try await pane.wait("the unread list") { $0.contains("4 unread") && $0.contains("Rust et les génériques <T>") }
        let lines = first.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(lines.count == 24)
        #expect(lines.allSatisfy { $0.count <= 80 })
        #expect(Self.isUnread(Self.row(first, "Épisode 12")))
        #expect(try await pane.value("#{alternate_on}") == "1")

        // Down to the second item, open it: the page as feedctl show renders it; back: it is read.
        try await pane.send("j", "Enter")
        try await pane.wait("the open item") { $0.contains("Des conteneurs et du Helm") && $0.contains("item 2 of 4") }
        try await pane.send("q")
        let back = try await pane.wait("the list with the item read") { Self.row($0, "Kubernetes sans douleur") != nil && !Self.isUnread(Self.row($0, "Kubernetes sans douleur")) }
        #expect(back.contains("3 unread"))
        // Star it (the cursor is still on it), then read one more with n from an item.
        try await pane.send("s")
        try await pane.wait("the star") { Self.isStarred(Self.row($0, "Kubernetes sans douleur")) }

        // Search: only what has "sway" in its content.
        try await pane.send("/", "s", "w", "a", "y", "Enter")
        let found = try await pane.wait("the search result") { $0.contains("search: sway") }
        #expect(Self.row(found, "Wayland au quotidien") != nil && Self.row(found, "Épisode 12") == nil)
        try await pane.send("q")
        try await pane.wait("the list without the search") { Self.row($0, "Épisode 12") != nil && !$0.contains("search:") }

        // Wider: rows use the new width.
        try await pane.tmux(["resize-window", "-t", "reader", "-x", "200", "-y", "40"])
        let wide = try await pane.wait("the wider screen") {
            $0.split(separator: "\n", omittingEmptySubsequences: false).count == 41 && Self.row($0, "Kubernetes sans douleur") != nil
        }
        #expect(Self.row(wide, "Le Blog")?.contains("…") == false, "at 200 columns nothing is cut")
        try await pane.tmux(["resize-window", "-t", "reader", "-x", "80", "-y", "24"])

        // The feeds view, with unread counts; Enter keeps the list to that feed.
        try await pane.send("f")
        let feeds = try await pane.wait("the feeds view") { $0.contains("Le Blog") && $0.contains("La Planète") && $0.contains("— feeds") }
        #expect(Self.row(feeds, "Le Blog")?.contains("2") == true)
        try await pane.send("j", "Enter")
        let blog = try await pane.wait("the blog's items") { $0.contains("feed: Le Blog") }
        #expect(Self.row(blog, "Épisode 12") == nil)
        try await pane.send("q", "q")
        try await pane.wait("the reader to end") { Self.exitedCleanly($0) }
        #expect(try await pane.value("#{alternate_on}") == "0", "the terminal is given back")

        // What the reader did is in the store.
        let listed = try await Subprocess.run("feedctl", ["list", "--all", "--json", "--config", config])
        let items = try #require(try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]])
        let kubernetes = try #require(items.first { $0["title"] as? String == "Kubernetes sans douleur" })
        #expect(kubernetes["read"] as? Bool == true && kubernetes["starred"] as? Bool == true)
        #expect(items.filter { $0["read"] as? Bool == false }.count == 3)
    }

    @Test func ctrlCRestoresTheTerminalAndNoColourMeansNone() async throws {
        let (server, directory, config) = try await ReaderCommandsTests.world()
        defer { withExtendedLifetime((server, directory)) {} }
        let coloured = try await Pane(command: [Subprocess.path("feedctl"), "tui", "--config", config], width: 80, height: 24)
        try await coloured.wait("the list") { $0.contains("4 unread") }
        #expect(try await coloured.screen(escapes: true).contains("36m"), "the header in colour")

        let plain = try await Pane(
            command: [Subprocess.path("feedctl"), "tui", "--config", config], width: 80, height: 24, environment: ["NO_COLOR": "1"])
        try await plain.wait("the list") { $0.contains("4 unread") }
        let escapes = try await plain.screen(escapes: true)
        #expect(!escapes.contains("36m") && !escapes.contains("38;"), "NO_COLOR: attributes, no colour")
        try await plain.send("C-c")
        try await plain.wait("the reader to end") { Self.exitedCleanly($0) }
        #expect(try await plain.value("#{alternate_on}") == "0")
    }

    @Test func aFeedsControlCharactersNeverReachTheTerminal() async throws {
        let server = try TestHTTPServer { _ in
            .init(body: Data("""
                <rss version="2.0"><channel><title>Evil\u{1B}[2J</title><item><guid>e1</guid>
                <title>Pwn\u{1B}[31m red\u{07} \u{1B}]52;c;ZXZpbA==\u{07} end</title><link>https://evil.example/1</link>
                <description>&lt;p&gt;x\u{1B}[5m&lt;/p&gt;</description></item></channel></rss>
                """.utf8))
        }
        let directory = try TemporaryDirectory()
        let config = try directory.write("c.yaml", "state_dir: s\nfeeds:\n  - url: \(server.url("/evil"))\n")
        #expect(try await Subprocess.run("feedd", ["--config", config, "--once"]).status == 0)
        let pane = try await Pane(command: [Subprocess.path("feedctl"), "tui", "--config", config], width: 80, height: 24)
        try await pane.wait("the hostile item") { $0.contains("Pwn") }
        try await pane.send("Enter")
        try await pane.wait("its page") { $0.contains("item 1 of 1") }
        let escapes = try await pane.screen(escapes: true)
        #expect(!escapes.contains("\u{1B}[31m") && !escapes.contains("\u{1B}[5m") && !escapes.contains("\u{1B}]52;"))
        #expect(try await pane.tmux(["show-buffer"]).stdout.isEmpty, "no clipboard write (OSC 52) reached tmux")
    }
}
