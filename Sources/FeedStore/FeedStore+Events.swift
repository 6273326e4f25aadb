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

    /// Forgets an event every hook has taken.
    public func removeEvent(id: String) throws(StoreError) {
        let folder = directoryPath + "/" + Self.eventsFolder
        if unlink(folder + "/" + id + ".json") == 0 { try AtomicFile.syncDirectory(atPath: folder) }
    }
}
