import FeedCore
import FeedConfiguration
import Foundation
import Testing

struct ConfigurationTests {
    @Test func fileFeedsResolveToTheSameURLWhateverTheSpelling() throws {
        let yaml = """
            feeds:
              - url: file:samples/local.xml
              - url: file:./other/../samples//second.xml
              - url: "file:/srv/feeds/with space/é.xml"
              - url: file:///srv/feeds/../feeds/third.xml
            """
        let urls = try Configuration.parse(yaml, path: "/etc/feedd/../feedd/config.yaml").feeds.map(\.url.absoluteString)
        #expect(urls == [
            "file:///etc/feedd/samples/local.xml", "file:///etc/feedd/samples/second.xml",
            "file:///srv/feeds/with%20space/%C3%A9.xml", "file:///srv/feeds/third.xml",
        ])
        // The store is keyed by these strings: the quick path gives what Foundation's standardising gives.
        let slow = URL(fileURLWithPath: "samples/local.xml", isDirectory: false, relativeTo: URL(fileURLWithPath: "/etc/feedd/", isDirectory: true))
        #expect(urls[0] == slow.standardizedFileURL.absoluteString)
    }

    @Test(arguments: [
        "a/b.xml", "a//b.xml", "./a.xml", "../x/a.xml", "a/.../b.xml", "a/./b.xml", "a/b/..", "/abs/x.xml", "/abs/../y.xml",
        "a/b/", ".hidden/f.xml", "a/..b/c.xml", "a/b../c.xml", "...", "/", "x/.",
    ])
    func everyFilePathIsTheOneFoundationStandardises(_ path: String) throws {
        let folder = URL(fileURLWithPath: "/etc/feedd/", isDirectory: true)
        let url = try Configuration.parse("feeds:\n  - url: \"file:\(path)\"\n", path: "/etc/feedd/config.yaml").feeds[0].url
        #expect(url.absoluteString == URL(fileURLWithPath: path, isDirectory: false, relativeTo: folder).standardizedFileURL.absoluteString)
    }

    @Test func readsFeedsWithDefaultsAndOverrides() throws {
        let yaml = """
            # my feeds
            state_dir: state
            defaults:
              interval: 1h30m
              timeout: 20s
            feeds:
              - url: https://www.example.org/feed/
                name: Example
              - url: file:samples/local.xml
                interval: 90s
            """
        let config = try Configuration.parse(yaml, path: "/etc/feedd/config.yaml")
        #expect(config.stateDirectory?.path == "/etc/feedd/state")
        #expect(config.feeds.map(\.url.absoluteString) == ["https://www.example.org/feed/", "file:///etc/feedd/samples/local.xml"])
        #expect(config.feeds.map(\.name) == ["Example", nil])
        #expect(config.feeds.map(\.interval) == [.seconds(5400), .seconds(90)])
        #expect(config.feeds.map(\.timeout) == [.seconds(20), .seconds(20)])
    }

    @Test(arguments: [
        ("feeds:\n  - url: https://a.example/\n    intervl: 5m\n", "c.yaml:3: unknown key `intervl` in a feed (known: auth, full_text, full_text_limit, headers, insecure, interval, name, on_update, retention, rules, tags, timeout, url, user_agent)"),
        ("defaults:\n  interval: 5 minutes\nfeeds: []\n", "c.yaml:2: bad duration `5 minutes` for `interval`: write it like 90s, 15m, 2h or 1d"),
        ("feeds:\n  - url: ftp://a.example/feed\n", "c.yaml:2: bad URL `ftp://a.example/feed`: feeds are fetched over http://, https:// or read from file:"),
        ("feeds:\n  - url: https://a.example/\n  - url: https://a.example/\n", "c.yaml:3: duplicate feed https://a.example/ (first on line 2)"),
        ("feeds:\n  - name: nameless\n", "c.yaml:2: feed without `url`"),
        ("feeds: [\n", "c.yaml:2: invalid YAML: did not find expected node content"),
        ("colour: blue\nfeeds: []\n", "c.yaml:1: unknown key `colour` in the top level (known: api, defaults, feeds, fetch, hooks, retention, rules, schedule, state_dir)"),
        ("state_dir: x\n", "c.yaml:1: missing `feeds:` list"),
    ])
    func rejectsWithFileAndLine(_ yaml: String, _ message: String) {
        #expect(throws: ConfigError.self) { try Configuration.parse(yaml, path: "c.yaml") }
        do {
            _ = try Configuration.parse(yaml, path: "c.yaml")
        } catch {
            #expect(error.description == message)
        }
    }

    @Test(arguments: [("90s", 90), ("15m", 900), ("2h", 7200), ("1d", 86400), ("1h30m", 5400)])
    func durations(_ text: String, _ seconds: Int64) {
        #expect(DurationText.parse(text) == .seconds(seconds))
        #expect(DurationText.parse(DurationText.format(.seconds(seconds))) == .seconds(seconds))
    }

    @Test func lookupOrder() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("feedd-lookup-\(UUID())")
        let xdgFile = directory.appendingPathComponent("feedd/config.yaml")
        try FileManager.default.createDirectory(at: xdgFile.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data("feeds: []\n".utf8).write(to: xdgFile)
        defer { try? FileManager.default.removeItem(at: directory) }
        let environment = ["FEEDD_CONFIG": "/env.yaml", "XDG_CONFIG_HOME": directory.path, "HOME": "/nonexistent"]
        #expect(try Locations.configPath(explicit: "/cli.yaml", environment: environment) == "/cli.yaml")
        #expect(try Locations.configPath(explicit: nil, environment: environment) == "/env.yaml")
        #expect(try Locations.configPath(explicit: nil, environment: ["XDG_CONFIG_HOME": directory.path]) == xdgFile.path)

        let config = try Configuration.parse("feeds: []\n", path: "/x/c.yaml")
        #expect(Locations.stateDirectory(config: config, environment: ["STATE_DIRECTORY": "/var/lib/feedd", "XDG_STATE_HOME": "/s"]).path == "/var/lib/feedd")
        #expect(Locations.stateDirectory(config: config, environment: ["XDG_STATE_HOME": "/s"]).path == "/s/feedd")
        #expect(Locations.stateDirectory(config: config, environment: ["HOME": "/home/ana"]).path == "/home/ana/.local/state/feedd")
    }
}

extension ConfigurationTests {
    @Test(arguments: ["99999999999999999999d", "3651d", "1d" + String(repeating: "9999999999d", count: 200)])
    func absurdDurationsAreRejectedNotOverflowed(_ text: String) {
        #expect(DurationText.parse(text) == nil)
    }

    @Test func durationsBeyondTheLimitsAreConfigErrors() {
        #expect(throws: ConfigError(path: "c.yaml", line: 3, message: "`timeout` of 2h is longer than the 10m allowed")) {
            try Configuration.parse("feeds:\n  - url: https://a.example/\n    timeout: 2h\n", path: "c.yaml")
        }
    }
}
