import FeedCatalog
import FeedConfiguration
import FeedCore
import FeedModel
import FeedStore
import Foundation
import TestSupport
import Testing

struct CatalogOpeningTests {
    static let yaml = """
        feeds:
          - url: https://a.example.org/feed
            name: Blog A
          - url: https://b.example.org/feed
        state_dir: state
        """

    /// A config file in a new folder, and the store it names with three unread items of the first feed.
    func fixture(_ yaml: String = Self.yaml) throws -> (TemporaryDirectory, String, URL) {
        let directory = try TemporaryDirectory()
        let path = directory.url.appendingPathComponent("config.yaml").path
        try Data(yaml.utf8).write(to: URL(fileURLWithPath: path))
        let state = directory.url.appendingPathComponent("state", isDirectory: true)
        let store = try FeedStore(directory: state)
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let items = (1...3).map { number in
            ParsedItem(id: "https://a.example.org/\(number)", title: "Article \(number)", published: now.addingTimeInterval(Double(number)))
        }
        let feed = ItemMerge.merge(StoredFeed(url: "https://a.example.org/feed", title: "A"), document: items, now: now) { _ in false }.feed
        try store.transaction { held throws(StoreError) in try held.saveFeed(feed) }
        return (directory, path, state)
    }

    @Test func theCatalogHasTheWholeConfigurationAndListsAsOneOpenedPlainly() throws {
        let (directory, path, state) = try fixture()
        let catalog = try ItemCatalog.open(configPath: path, environment: [:], preload: [.unreadItems, .shortIDs, .readState])
        #expect(catalog.configuration == (try Configuration.load(path: path)), "read whole: every feed, checked")
        #expect(catalog.configuration.feeds.count == 2)
        #expect(catalog.store.directory.standardizedFileURL == state.standardizedFileURL)
        let plain = ItemCatalog(store: try FeedStore(directory: state), configuration: try Configuration.load(path: path))
        #expect(try catalog.unreadItems() == plain.unreadItems())
        #expect(try catalog.unreadItems().map(\.feedNames) == [["Blog A"], ["Blog A"], ["Blog A"]])
        // The short ids found ahead are those found when asked.
        let shortIDs = try plain.withShortIDs(plain.unreadItems()).map(\.shortID)
        #expect(try catalog.withShortIDs(catalog.unreadItems()).map(\.shortID) == shortIDs)
        #expect(shortIDs.allSatisfy { $0.count >= 4 })
        #expect(try catalog.allItems(limit: nil).map(\.isRead) == [false, false, false])
        withExtendedLifetime(directory) {}
    }

    @Test func withoutFeedsTheCatalogHasNone() throws {
        let (directory, path, _) = try fixture()
        let catalog = try ItemCatalog.open(configPath: path, environment: [:], scope: .withoutFeeds)
        #expect(catalog.configuration.scope == .withoutFeeds && catalog.configuration.feeds.isEmpty)
        #expect(try catalog.resolve(["\(catalog.index().entries(limit: 1)[0].id.prefix(6))"]).count == 1)
        withExtendedLifetime(directory) {}
    }

    @Test func theIndexIsMadeOnlyForACommandThatAsksForIt() throws {
        let (directory, path, state) = try fixture()
        let index = state.appendingPathComponent("index.sqlite").path
        let catalog = try ItemCatalog.open(configPath: path, environment: [:], preload: [.unreadItems, .readState])
        #expect(try catalog.unreadItems().count == 3)
        #expect(!FileManager.default.fileExists(atPath: index), "`feedctl status` says there is none yet")
        _ = try ItemCatalog.open(configPath: path, environment: [:], preload: .searchIndex)
        #expect(FileManager.default.fileExists(atPath: index))
        withExtendedLifetime(directory) {}
    }

    @Test func aBrokenFeedEntryIsStillTheErrorOfAWholeReading() throws {
        let (directory, path, _) = try fixture()
        let broken = Self.yaml.replacingOccurrences(of: "  - url: https://b.example.org/feed", with: "  - name: no url")
        try Data(broken.utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: ConfigError(path: path, line: 4, message: "feed without `url`")) {
            try ItemCatalog.open(configPath: path, environment: [:])
        }
        withExtendedLifetime(directory) {}
    }
}
