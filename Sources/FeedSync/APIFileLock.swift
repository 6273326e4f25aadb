import FeedStore
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The lock the sync API's own files (`STATE_DIR/api/`: sessions, Fever numbers) are written under, so that
/// feedd and feedctl never lose each other's change: each file has a `.lock` beside it, held with `flock`
/// while the file is read and rewritten. The folder is made (mode 0700) when missing.
enum APIFileLock {
    static func withLock<T>(for path: String, _ body: () throws(StoreError) -> T) throws(StoreError) -> T {
        let folder = (path as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw StoreError.cannotCreate(path: folder, reason: "\(error)")
        }
        let lockPath = path + ".lock"
        let lock = open(lockPath, O_CREAT | O_RDWR | O_CLOEXEC, 0o600)
        guard lock >= 0 else { throw StoreError.cannotLock(path: lockPath, reason: String(cString: strerror(errno))) }
        defer { close(lock) }
        while flock(lock, LOCK_EX) != 0 && errno == EINTR {}
        return try body()
    }
}
