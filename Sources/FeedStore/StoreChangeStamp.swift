import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// What changes whenever anything a reader sees changes: the feeds and read-marks folders (each of their
/// files is replaced by a rename there), the two logs that grow in place (unread items, fetch states), and
/// the stars, tags and kept-unread files, and the articles folder (touched at every article kept). (Not the store folder itself: the search index's journal comes and
/// goes there at every query.) Equal stamps mean equal stores, so an answer computed from one can
/// be given again; `FeedStore.changeStamp()` gives none while a change is too recent for the file system's
/// clock to tell the next one apart.
public struct StoreChangeStamp: Hashable, Sendable {
    let parts: [Int64]
}

extension FeedStore {
    /// How long after a change a stamp is not trusted: timestamps advance in ticks of a few milliseconds, so
    /// a second change within the same tick could leave every stamp as it was.
    static let stampMargin: Int64 = 50_000_000

    /// The store's stamp now, or nil when a change was too recent (or a path cannot be read) to trust one.
    public func changeStamp(now: Date = Date()) -> StoreChangeStamp? {
        var parts: [Int64] = []
        let nowNanoseconds = Int64(now.timeIntervalSince1970 * 1e9)
        let files = [StarredItems.fileName, ItemTags.fileName, KeptUnread.fileName].map { directoryPath + "/" + $0 }
        for path in [feedsDirectory.path, directoryPath + "/read", unreadIndexes.path, fetchStates.path, articlesDirectory.path] + files {
            var status = stat()
            guard stat(path, &status) == 0 else {
                guard errno == ENOENT else { return nil }
                parts += [0, 0, 0]
                continue
            }
            let modified = Int64(status.st_mtim.tv_sec) * 1_000_000_000 + Int64(status.st_mtim.tv_nsec)
            guard nowNanoseconds - modified > Self.stampMargin else { return nil }
            parts += [Int64(status.st_ino), Int64(status.st_size), modified]
        }
        return StoreChangeStamp(parts: parts)
    }
}
