import FeedConfiguration
import FeedModel
import FeedStore
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A request to the running daemon: fetch these feeds now (all when empty). `feedctl fetch` writes it under
/// `STATE_DIR/requests/` and sends the daemon SIGUSR1; the daemon reads and removes it.
public struct FetchRequestFile: Codable, Sendable, Equatable {
    public static let directory = "requests"

    /// Feed URLs as the configuration names them.
    public var feeds: [String]

    public init(feeds: [String]) {
        self.feeds = feeds
    }

    /// Writes a request and signals the daemon. Returns false when the signal could not be delivered.
    public static func send(_ request: FetchRequestFile, to status: DaemonStatus, store: FeedStore) throws -> Bool {
        try store.saveFile(request, named: "\(directory)/fetch-\(UUID().uuidString).json")
        return kill(status.pid, SIGUSR1) == 0
    }

    /// Reads and removes every pending request; returns the feeds asked for (nil entries mean all).
    public static func takeAll(from store: FeedStore) -> [FetchRequestFile] {
        let folder = store.directory.appendingPathComponent(directory)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        var requests: [FetchRequestFile] = []
        for name in names.sorted() where name.hasPrefix("fetch-") && name.hasSuffix(".json") {
            if let request = store.loadFile(FetchRequestFile.self, named: "\(directory)/\(name)") { requests.append(request) }
            unlink(folder.appendingPathComponent(name).path)
        }
        return requests
    }
}
