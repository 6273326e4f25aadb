import FeedCore
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// What tells one version of a feed's items file from another without reading it: its inode, size and
/// modification time. Every write replaces the file by renaming a new one over it, so a new version has a
/// new inode; what is derived from a file (the search index) records the stamp it was made from.
public struct FeedFileStamp: Hashable, Sendable, CustomStringConvertible {
    public var inode: UInt64
    public var size: Int64
    public var modifiedNanoseconds: Int64

    init(_ status: stat) {
        inode = UInt64(status.st_ino)
        size = Int64(status.st_size)
        modifiedNanoseconds = Int64(status.st_mtim.tv_sec) * 1_000_000_000 + Int64(status.st_mtim.tv_nsec)
    }

    /// `inode-size-mtime`: what the index stores.
    public var description: String { "\(inode)-\(size)-\(modifiedNanoseconds)" }
}

extension FeedStore {
    /// Every feed's items file (`feeds/KEY.json`) by name, with its stamp: one directory read and one
    /// `fstatat` per feed, no file opened.
    public func feedFileStamps() throws(StoreError) -> [String: FeedFileStamp] {
        var stamps: [String: FeedFileStamp] = [:]
        try forEachEntry(ofDirectory: feedsDirectory.path, missingIsEmpty: false) { name, folder in
            guard name.hasSuffix(".json"), !name.hasPrefix(".") else { return }
            var status = stat()
            guard fstatat(folder, name, &status, AT_SYMLINK_NOFOLLOW) == 0, (status.st_mode & S_IFMT) == S_IFREG else { return }
            stamps[name] = FeedFileStamp(status)
        }
        return stamps
    }

    /// The stamp of one feed's items file now, or nil when it is not there (or cannot be looked at).
    public func feedFileStamp(forFeedURL url: String) -> FeedFileStamp? {
        var status = stat()
        guard stat(feedFilePath(forFeedURL: url), &status) == 0 else { return nil }
        return FeedFileStamp(status)
    }

    /// How long after a change to the feeds folder its stamp is not trusted: longer than the coarsest
    /// timestamp tick of a file system a store may sit on (FAT's two seconds), so that a change after the
    /// stamp was taken always gives the folder another time.
    static let folderStampMargin: Int64 = 2_000_000_000

    /// The stamp of the feeds folder: each new version of a feed file is renamed into it and each removed
    /// one unlinked, so while the folder's stamp stays the same, so does every file's. Nil when the folder
    /// changed too recently to tell the next change apart, or cannot be read.
    public func feedsFolderStamp(now: Date = Date()) -> FeedFileStamp? {
        var status = stat()
        guard stat(feedsDirectory.path, &status) == 0 else { return nil }
        let stamp = FeedFileStamp(status)
        guard Int64(now.timeIntervalSince1970 * 1e9) - stamp.modifiedNanoseconds > Self.folderStampMargin else { return nil }
        return stamp
    }

    /// One feed's items file by name, with the stamp of the version read (taken from the open file, so the
    /// two agree even if a writer replaces it meanwhile); nil if it is gone or does not decode (the store's
    /// own readers set a damaged file aside and report it).
    public func loadFeedFile(named name: String) throws(StoreError) -> (feed: StoredFeed, stamp: FeedFileStamp)? {
        let path = feedsDirectory.path + "/" + name
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            if errno == ENOENT { return nil }
            throw .cannotRead(path: path, reason: String(cString: strerror(errno)))
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw .cannotRead(path: path, reason: String(cString: strerror(errno))) }
        let data = try Self.readAll(descriptor, path: path)
        guard let feed = try? StoreCoding.decoder.decode(StoredFeed.self, from: data) else { return nil }
        return (feed, FeedFileStamp(status))
    }
}
