import FeedStore
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The numbers Fever gives items: Fever clients page with `since_id` and `max_id`, so an item's number must
/// grow with the order items arrive, which feedd's ids (hashes) do not. Items get numbers the first time
/// the API sees them, oldest first, and keep them for the life of the store: `STATE_DIR/api/fever-ids` is one
/// feedd id per line, line N being number N. The file only grows (appended under its lock, then synced);
/// a line cut short by a crash is dropped before the next append.
public final class FeverNumbers: Sendable {
    public let path: String
    /// What was read: the ids by number (index + 1), the numbers by id, and how many bytes that was.
    private let cache = Mutex<(ids: [String], numbers: [String: Int], bytes: Int)>(([], [:], 0))

    public init(stateDirectory: URL) {
        path = stateDirectory.appendingPathComponent("api/fever-ids").path
    }

    /// The number of each item, giving new ones theirs: in the order of `items` as given (oldest first).
    public func numbers(assigning items: [String]) throws(StoreError) -> [String: Int] {
        var known = try read().numbers
        let new = items.filter { known[$0] == nil }
        guard !new.isEmpty else { return known }
        try append(new)
        known = try read().numbers
        return known
    }

    /// The feedd id of a number, if it has been given.
    public func id(of number: Int) throws(StoreError) -> String? {
        let ids = try read().ids
        return number >= 1 && number <= ids.count ? ids[number - 1] : nil
    }

    private func read() throws(StoreError) -> (ids: [String], numbers: [String: Int]) {
        var status = stat()
        guard stat(path, &status) == 0 else { return ([], [:]) }
        let size = Int(status.st_size)
        let cached = cache.withLock { $0 }
        if cached.bytes == size { return (cached.ids, cached.numbers) }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw StoreError.cannotRead(path: path, reason: String(cString: strerror(errno)))
        }
        defer { try? handle.close() }
        // The file only grows: read what was appended since, whole lines only.
        var ids = cached.bytes <= size ? cached.ids : []
        var numbers = cached.bytes <= size ? cached.numbers : [:]
        let start = cached.bytes <= size ? cached.bytes : 0
        do {
            try handle.seek(toOffset: UInt64(start))
        } catch {
            throw StoreError.cannotRead(path: path, reason: "\(error)")
        }
        let data = handle.readData(ofLength: size - start)
        guard let lastNewline = data.lastIndex(of: UInt8(ascii: "\n")) else { return (ids, numbers) }
        for line in data[data.startIndex...lastNewline].split(separator: UInt8(ascii: "\n")) {
            let id = String(decoding: line, as: UTF8.self)
            guard numbers[id] == nil else { continue }
            ids.append(id)
            numbers[id] = ids.count
        }
        let consumed = start + (lastNewline - data.startIndex) + 1
        cache.withLock { $0 = (ids, numbers, consumed) }
        return (ids, numbers)
    }

    private func append(_ ids: [String]) throws(StoreError) {
        try APIFileLock.withLock(for: path) { () throws(StoreError) in
            let file = open(path, O_CREAT | O_RDWR | O_CLOEXEC, 0o600)
            guard file >= 0 else { throw StoreError.cannotWrite(path: path, reason: String(cString: strerror(errno))) }
            defer { close(file) }
            // Another process may have numbered some of these meanwhile; a line a crash cut short goes.
            let current = try read().numbers
            var end = lseek(file, 0, SEEK_END)
            if end > 0 {
                var last: UInt8 = 0
                if pread(file, &last, 1, end - 1) == 1, last != UInt8(ascii: "\n") {
                    let whole = cache.withLock { $0.bytes }
                    guard ftruncate(file, off_t(whole)) == 0 else { throw StoreError.cannotWrite(path: path, reason: String(cString: strerror(errno))) }
                    end = off_t(whole)
                }
            }
            let text = ids.filter { current[$0] == nil }.map { $0 + "\n" }.joined()
            let bytes = Array(text.utf8)
            var written = 0
            while written < bytes.count {
                let count = bytes[written...].withUnsafeBytes { pwrite(file, $0.baseAddress, $0.count, end + off_t(written)) }
                guard count > 0 else { throw StoreError.cannotWrite(path: path, reason: String(cString: strerror(errno))) }
                written += count
            }
            guard fdatasync(file) == 0 else { throw StoreError.cannotWrite(path: path, reason: String(cString: strerror(errno))) }
        }
    }
}
