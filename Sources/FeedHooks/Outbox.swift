import FeedCore
import FeedStore
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The deliveries on their way and the digests being gathered, in `STATE_DIR/outbox/`: one file each,
/// written atomically and durably before anything is attempted.
public struct Outbox: Sendable {
    public let store: FeedStore
    static let folderName = "outbox"
    static let gatheringFolderName = "outbox/gathering"
    /// Touched by `feedctl hooks retry`: the daemon reads the outbox again when it changes.
    static let changedName = "outbox/changed"

    public init(store: FeedStore) {
        self.store = store
    }

    private var folder: String { store.directory.path + "/" + Self.folderName }

    /// Every delivery in the outbox, oldest first; files that cannot be read are skipped.
    public func deliveries() -> [Delivery] {
        load(Delivery.self, in: folder).sorted { ($0.created, $0.id) < ($1.created, $1.id) }
    }

    public func delivery(id: String) -> Delivery? { store.loadFile(Delivery.self, named: "\(Self.folderName)/\(id).json") }

    public func contains(id: String) -> Bool { access("\(folder)/\(id).json", F_OK) == 0 }

    public func save(_ delivery: Delivery) throws(StoreError) {
        try store.saveFile(delivery, named: "\(Self.folderName)/\(delivery.id).json")
    }

    /// Forgets a delivery that succeeded.
    public func remove(id: String) throws(StoreError) {
        if unlink("\(folder)/\(id).json") == 0 { try AtomicFile.syncDirectory(atPath: folder) }
    }

    public func gatherings() -> [Gathering] { load(Gathering.self, in: store.directory.path + "/" + Self.gatheringFolderName) }

    public func save(_ gathering: Gathering) throws(StoreError) {
        try store.saveFile(gathering, named: "\(Self.gatheringFolderName)/\(Self.fileName(of: gathering)).json")
    }

    public func remove(_ gathering: Gathering) throws(StoreError) {
        let path = store.directory.path + "/" + Self.gatheringFolderName
        if unlink("\(path)/\(Self.fileName(of: gathering)).json") == 0 { try AtomicFile.syncDirectory(atPath: path) }
    }

    /// `feedctl hooks retry`: the failed deliveries with these ids (all failed ones when empty; of one
    /// hook with `hook`) due again now, with another 24 hours of retries; waiting ones with these ids due now.
    /// Returns how many; a running daemon is told.
    public func retry(ids: [String], hook: String?, now: Date) throws(StoreError) -> Int {
        var count = 0
        for var delivery in deliveries() {
            let named = ids.isEmpty ? delivery.failed : ids.contains { delivery.id.hasPrefix($0) }
            guard named, hook.map({ $0 == delivery.hook }) ?? true else { continue }
            if delivery.failed {
                delivery.failed = false
                delivery.attempts = 0
                delivery.retriedSince = now
            }
            delivery.nextAttempt = now
            try save(delivery)
            count += 1
        }
        if count > 0 { try noteChanged() }
        return count
    }

    /// Tells a running daemon that deliveries were changed behind its back.
    public func noteChanged() throws(StoreError) {
        try store.saveFile(Date(), named: Self.changedName)
    }

    /// When `noteChanged` was last called, as the file system says; nil before the first time.
    public func changeStamp() -> timespec? {
        var status = stat()
        guard stat(store.directory.path + "/" + Self.changedName, &status) == 0 else { return nil }
        return status.st_mtim
    }

    private static func fileName(of gathering: Gathering) -> String {
        StableHash.hex("gathering\n\(gathering.hook)\n\(gathering.event.rawValue)")
    }

    private func load<T: Decodable>(_ type: T.Type, in folder: String) -> [T] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return [] }
        let base = String(folder.dropFirst(store.directory.path.count + 1))
        return names.filter { $0.hasSuffix(".json") }.compactMap { store.loadFile(T.self, named: base + "/" + $0) }
    }
}
