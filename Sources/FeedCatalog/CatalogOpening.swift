import FeedConfiguration
import FeedStore
import Foundation
import Synchronization

extension ItemCatalog {
    /// What `open` reads from the store ahead, while another thread reads the configuration's feed list.
    public struct Preload: OptionSet, Sendable {
        public let rawValue: Int
        public init(rawValue: Int) { self.rawValue = rawValue }

        /// The unread items.
        public static let unreadItems = Preload(rawValue: 1 << 0)
        /// The short ids of the unread items (found in the search index): with `unreadItems`, what
        /// `feedctl list` shows.
        public static let shortIDs = Preload(rawValue: 1 << 1)
        /// Which items are unread, and the feeds' fetch states (their titles): what a listing of read items
        /// needs.
        public static let readState = Preload(rawValue: 1 << 2)
        /// The search index, opened (made when missing) and brought up to date.
        public static let searchIndex = Preload(rawValue: 1 << 3)
    }

    /// The catalog of the store that the configuration at `path` points to, with as much of the
    /// configuration as `scope` asks.
    ///
    /// A configuration of thousands of feeds takes long to read whole (80 ms at 5,000), and most commands
    /// then read the store for as long again. So the file is first read without its feed list, which says
    /// where the store is; another thread reads it whole meanwhile, while this one opens the search index
    /// and reads what `preload` names into memory, where the catalog's answers then come from. A file that
    /// can only be read whole is simply read so.
    public static func open(
        configPath path: String, environment: [String: String], scope: ConfigScope = .whole, preload: Preload = []
    ) throws -> ItemCatalog {
        let early = try Configuration.load(path: path, scope: .withoutFeeds)
        let earlyDirectory = Locations.stateDirectory(config: early, environment: environment)
        guard early.scope == .withoutFeeds, scope == .whole else {
            return ItemCatalog(store: try FeedStore(directory: earlyDirectory), configuration: early)
        }
        let whole = Mutex<Result<Configuration, ConfigError>?>(nil)
        let finished = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            let result = Result { () throws(ConfigError) in try Configuration.load(path: path) }
            whole.withLock { $0 = result }
            finished.signal()
        }
        // Failures here are left for the command's own reads to meet and report, as they would without this.
        let store = try? FeedStore(directory: earlyDirectory)
        let warmed = store.map { ItemCatalog(store: $0, configuration: early) }
        if let warmed {
            if !preload.isDisjoint(with: [.searchIndex, .shortIDs]) { _ = try? warmed.index() }
            if preload.contains(.unreadItems), let unread = try? warmed.store.allUnread(), preload.contains(.shortIDs) {
                try? warmed.learnShortIDs(unread.items.map(\.id))
            }
            if preload.contains(.readState) {
                _ = try? warmed.store.unreadReferences()
                try? warmed.store.preloadFetchStates()
            }
        }
        finished.wait()
        let read = whole.withLock { $0 } ?? .failure(ConfigError(path: path, line: nil, message: "was not read"))
        let configuration = try read.get()
        let directory = Locations.stateDirectory(config: configuration, environment: environment)
        guard let store, let warmed, directory == earlyDirectory else {
            return ItemCatalog(store: try FeedStore(directory: directory), configuration: configuration)
        }
        return ItemCatalog(store: store, configuration: configuration, sharingIndexWith: warmed)
    }
}
