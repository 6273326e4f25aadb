import FeedCore
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

extension FeedStore {
    /// Where recorded events wait for the hooks' dispatcher.
    static let eventsFolder = "events"

    /// Records an event for the hooks (a no-op when no hook is configured is the caller's choice).
    public func recordEvent(_ event: HookEvent) throws(StoreError) {
        try transaction { held throws(StoreError) in try recordEvent(event, held: held) }
    }

    /// Records an event within a transaction, durable with the step it is written in.
    func recordEvent(_ event: HookEvent, held: StoreTransaction) throws(StoreError) {
        try saveFile(event, named: "\(Self.eventsFolder)/\(event.id).json", held: held)
    }

    /// The events not yet handed to hooks, oldest first; with the names of files that could not be read
    /// (set aside as `NAME.damaged`, so they are reported once and never block the others).
    public func pendingEvents() -> (events: [HookEvent], damaged: [String]) {
        let folder = directoryPath + "/" + Self.eventsFolder
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return ([], []) }
        var events: [HookEvent] = []
        var damaged: [String] = []
        for name in names where name.hasSuffix(".json") {
            let path = folder + "/" + name
            guard let data = FileManager.default.contents(atPath: path) else { continue }
            if let event = try? StoreCoding.decoder.decode(HookEvent.self, from: data), event.schema <= HookEvent.currentSchema {
                events.append(event)
            } else {
                rename(path, path + ".damaged")
                damaged.append(path)
            }
        }
        return (events.sorted { ($0.created, $0.id) < ($1.created, $1.id) }, damaged)
    }

    /// Records one feed's new items as an event, leaving out those its last one already carried: they are
    /// new again only because a crash came after that event and before the items themselves were saved.
    /// The keys are kept for the next time in a file written with the event's and renamed just after it:
    /// a kill never loses an event, and makes one twice only between those two renames.
    func recordNewItems(feed url: String, created: Date, entries: [HookEvent.Entry], held: StoreTransaction) throws(StoreError) {
        let keysName = Self.eventedKeysName(forFeedURL: url)
        let known = Set(loadFile(EventedKeys.self, named: keysName)?.keys ?? [])
        let fresh = entries.filter { !known.contains($0.item.key) }
        var files: [(data: Data, path: String)] = []
        if !fresh.isEmpty {
            let event = HookEvent.newItems(feed: url, created: created, entries: fresh)
            files.append((event.jsonData, "\(directoryPath)/\(Self.eventsFolder)/\(event.id).json"))
        }
        files.append((EventedKeys(keys: entries.map(\.item.key)).jsonData, "\(directoryPath)/\(keysName)"))
        let folder = directoryPath + "/" + Self.eventsFolder
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw .cannotCreate(path: folder, reason: Self.reason(error))
        }
        try AtomicFile.writeInOrder(files)
        if let pending = held.batch { pending.add(folder) } else { try AtomicFile.syncDirectory(atPath: folder) }
    }

    /// Forgets what `recordNewItems` kept of a feed that is gone.
    func forgetEventedKeys(feedURL url: String) {
        let path = directoryPath + "/" + Self.eventedKeysName(forFeedURL: url)
        unlink(path)
    }

    private static func eventedKeysName(forFeedURL url: String) -> String {
        "\(eventsFolder)/\(key(forFeedURL: url)).keys"
    }

    /// Forgets an event every hook has taken.
    public func removeEvent(id: String) throws(StoreError) {
        let folder = directoryPath + "/" + Self.eventsFolder
        if unlink(folder + "/" + id + ".json") == 0 { try AtomicFile.syncDirectory(atPath: folder) }
    }
}

/// The item keys of the last `new_items` event recorded for one feed (`events/FEED.keys`).
struct EventedKeys: Codable {
    var schema = 1
    var keys: [String]

    enum CodingKeys: String, CodingKey, CaseIterable {
        case schema, keys
    }
}
