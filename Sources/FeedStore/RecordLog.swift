import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A file of keyed JSON records that grows by appending: the store's small, often replaced data (fetch
/// states, unread indexes) changes without a new file per change, and a group of changes costs one write
/// and one `fdatasync`.
///
/// The file starts with a header line, `feedd-records 1 ID` (ID is random, new at every rewrite, so a reader
/// that identifies the file by its header tells a rewrite from the file it read), followed
/// by one line per change: `KEY JSON` (an object), or `KEY null` when the key's record goes. The last line
/// of a key wins. A line without its newline (an append cut short by a crash) is not read; the next append
/// ends it, and a line that is not `KEY` and a whole object (as such a line is not) is counted as damaged
/// and skipped. When the file holds more than twice what its records need,
/// an append rewrites it with the live records only (atomically, like every store file).
///
/// Writers hold the store lock. Readers need not: they read whole lines only, and keep what they read
/// (`Snapshot`) and the file open, so the next read costs one `stat` when nothing changed and the lines
/// appended since otherwise. Holding the file open keeps its inode from being reused: while the path
/// still names that inode, the file is the one read (a rewrite makes a new one), and, as it only grows,
/// its size says what is new.
final class RecordLog: Sendable {
    static let formatVersion = 1
    let path: String
    /// What was read last, to read only what was appended since.
    private let cache = Mutex<Snapshot?>(nil)

    /// A file kept open for reading, closed when no snapshot holds it any more.
    final class OpenFile: Sendable {
        let descriptor: Int32

        init(_ descriptor: Int32) {
            self.descriptor = descriptor
        }

        deinit { close(descriptor) }
    }

    /// The records as read from the file.
    struct Snapshot {
        /// The file read, kept open.
        var file: OpenFile
        var device: UInt64
        var inode: UInt64
        /// When the file was last changed, as read with its size: a change of time at the same size (an edit
        /// in place, which feedd never makes) has it read again from the top.
        var modified: timespec
        /// Bytes read, up to the end of the last whole line.
        var size: Int
        var records: [String: Data] = [:]
        /// What the live records take in the file, header included.
        var liveBytes: Int
        /// Lines that were neither a record nor a deletion.
        var damagedLines = 0

        /// Whether `status` is of the file read (its path still names it).
        func isFile(_ status: stat) -> Bool {
            device == UInt64(status.st_dev) && inode == UInt64(status.st_ino)
        }

        /// Whether `status` is of the file as it was read: same file, size and modification time.
        func isUnchanged(_ status: stat) -> Bool {
            isFile(status) && Int(status.st_size) == size && modified.tv_sec == status.st_mtim.tv_sec
                && modified.tv_nsec == status.st_mtim.tv_nsec
        }

        mutating func apply(key: String, value: Data?) {
            if let old = records[key] { liveBytes -= key.utf8.count + old.count + 2 }
            if let value {
                records[key] = value
                liveBytes += key.utf8.count + value.count + 2
            } else {
                records[key] = nil
            }
        }
    }

    init(path: String) {
        self.path = path
    }

    var exists: Bool { access(path, F_OK) == 0 }

    /// The records now in the file; nil when there is no file.
    func snapshot() throws(StoreError) -> Snapshot? {
        try cache.withLock { cached throws(StoreError) -> Snapshot? in
            try refresh(&cached)
            return cached
        }
    }

    /// Appends these changes (nil removes a key's record), in order, and makes them durable. When there is no
    /// file, creates it with the records `initial` gives, or fails without it. The caller holds the store lock.
    ///
    /// Returns what went wrong once the changes were durable, for the caller to report: a rewrite that
    /// failed (the file stays as appended), or damaged lines the rewrite dropped.
    @discardableResult
    func append(
        _ changes: [(key: String, value: Data?)], creatingWith initial: (() throws(StoreError) -> [String: Data])?
    ) throws(StoreError) -> String? {
        guard !changes.isEmpty else { return nil }
        return try cache.withLock { cached throws(StoreError) -> String? in
            try refresh(&cached)
            guard var snapshot = cached else {
                guard let initial else { throw .cannotWrite(path: path, reason: "missing (it is created only with all its records)") }
                var records = try initial()
                for (key, value) in changes { records[key] = value }
                cached = try rewrite(records)
                return nil
            }
            cached = nil  // the snapshot's storage is then unique: no copy of the records below
            let descriptor = open(path, O_RDWR | O_APPEND | O_CLOEXEC)
            guard descriptor >= 0 else { throw failure("open") }
            defer { close(descriptor) }
            var status = stat()
            if fstat(descriptor, &status) != 0 { throw failure("stat") }
            let fileSize = Int(status.st_size)
            var bytes: [UInt8] = []
            bytes.reserveCapacity(changes.reduce(1) { $0 + $1.key.utf8.count + ($1.value?.count ?? 4) + 2 })
            if fileSize > snapshot.size {
                // What an append cut short left without its newline: ended here. Whole but for its newline, it
                // counts, as it will for every reader from now on; else it is one damaged line.
                bytes.append(UInt8(ascii: "\n"))
                let tail = try readBytes(descriptor, at: snapshot.size, count: fileSize - snapshot.size)
                _ = parseLines(tail + bytes, into: &snapshot)
            }
            for (key, value) in changes {
                try Self.appendLine(key: key, value: value, to: &bytes, path: path)
                snapshot.apply(key: key, value: value)
            }
            try writeAll(bytes, to: descriptor)
            guard fdatasync(descriptor) == 0 else { throw failure("fdatasync") }
            snapshot.size = fileSize + bytes.count
            // Not taken as read unless the file is as this append left it (else the next read looks again).
            snapshot.modified = fstat(descriptor, &status) == 0 && Int(status.st_size) == snapshot.size ? status.st_mtim : timespec()
            let damaged = snapshot.damagedLines
            let records = snapshot.records
            cached = snapshot
            guard snapshot.size > 2 * snapshot.liveBytes + Self.slack || damaged > 0 else { return nil }
            do {
                cached = try rewrite(records)
                return damaged > 0 ? "rewritten without its \(damaged) damaged line(s)" : nil
            } catch {
                return "appended, but not rewritten: \(error)"
            }
        }
    }

    /// Replaces the whole file with these records. The caller holds the store lock.
    func replace(with records: [String: Data]) throws(StoreError) {
        try cache.withLock { cached throws(StoreError) in cached = try rewrite(records) }
    }

    /// Appended bytes a file may carry beyond twice its live records before it is rewritten.
    static let slack = 256 << 10

    private func rewrite(_ records: [String: Data]) throws(StoreError) -> Snapshot {
        let header = Array("feedd-records \(Self.formatVersion) \(String(UInt64.random(in: 0...UInt64.max), radix: 16))\n".utf8)
        var bytes = header
        bytes.reserveCapacity(records.reduce(header.count) { $0 + $1.key.utf8.count + $1.value.count + 2 })
        var lines: [(key: String, value: Data)] = []
        for key in records.keys.sorted() {
            guard let value = records[key] else { continue }
            try Self.appendLine(key: key, value: value, to: &bytes, path: path)
            lines.append((key, value))
        }
        try AtomicFile.write(Data(bytes), toPath: path)
        // The caller holds the lock: what is at the path is what was just written.
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw failure("open") }
        let file = OpenFile(descriptor)
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw failure("stat") }
        var snapshot = Snapshot(
            file: file, device: UInt64(status.st_dev), inode: UInt64(status.st_ino),
            modified: Int(status.st_size) == bytes.count ? status.st_mtim : timespec(), size: bytes.count,
            liveBytes: header.count)
        for (key, value) in lines { snapshot.apply(key: key, value: value) }
        return snapshot
    }

    private static func appendLine(key: String, value: Data?, to bytes: inout [UInt8], path: String) throws(StoreError) {
        guard let value else {
            bytes.append(contentsOf: key.utf8)
            bytes.append(contentsOf: " null\n".utf8)
            return
        }
        // Store JSON escapes every control character: a newline inside a value would be a bug.
        let oneLine = value.withUnsafeBytes { raw in
            guard let base = raw.baseAddress, !raw.isEmpty else { return true }
            return memchr(base, Int32(UInt8(ascii: "\n")), raw.count) == nil
        }
        guard oneLine else { throw .cannotWrite(path: path, reason: "record \(key) spans lines") }
        bytes.append(contentsOf: key.utf8)
        bytes.append(UInt8(ascii: " "))
        value.withUnsafeBytes { bytes.append(contentsOf: $0) }
        bytes.append(UInt8(ascii: "\n"))
    }

    /// Brings `cached` up to date: the lines appended since, or the whole file when it was replaced; nil
    /// when there is no file.
    private func refresh(_ cached: inout Snapshot?) throws(StoreError) {
        // One system call when nothing changed, the usual case for a reader asking feed after feed.
        var current = stat()
        guard stat(path, &current) == 0 else {
            if errno != ENOENT { throw .cannotRead(path: path, reason: String(cString: strerror(errno))) }
            cached = nil
            return
        }
        if var snapshot = cached, snapshot.isFile(current) {
            if snapshot.isUnchanged(current) { return }
            let size = Int(current.st_size)
            if size > snapshot.size {
                cached = nil  // unique storage: the lines apply without copying the records
                let tail = try readBytes(snapshot.file.descriptor, at: snapshot.size, count: size - snapshot.size)
                snapshot.size += parseLines(tail, into: &snapshot)
                // Its time stands for its size only when no line is left half read.
                snapshot.modified = snapshot.size == size ? current.st_mtim : timespec()
                cached = snapshot
                return
            }
            // The same file no longer than read but changed: not feedd's doing; read again from the top.
        }
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            if errno != ENOENT { throw .cannotRead(path: path, reason: String(cString: strerror(errno))) }
            cached = nil
            return
        }
        let file = OpenFile(descriptor)
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw .cannotRead(path: path, reason: String(cString: strerror(errno))) }
        cached = try readWhole(file, status: status)
    }

    private func readWhole(_ file: OpenFile, status: stat) throws(StoreError) -> Snapshot {
        let size = Int(status.st_size)
        let bytes = try readBytes(file.descriptor, at: 0, count: size)
        guard let newline = bytes.firstIndex(of: UInt8(ascii: "\n")) else {
            throw .cannotRead(path: path, reason: "no header line")
        }
        let header = Array(bytes[...newline])
        let fields = header.dropLast().split(separator: UInt8(ascii: " "))
        guard fields.count == 3, fields[0].elementsEqual("feedd-records".utf8), let version = Int(String(decoding: fields[1], as: UTF8.self))
        else { throw .cannotRead(path: path, reason: "not a feedd record file") }
        guard version <= Self.formatVersion else { throw .newerSchema(path: path, found: version) }
        var snapshot = Snapshot(
            file: file, device: UInt64(status.st_dev), inode: UInt64(status.st_ino), modified: timespec(), size: header.count,
            liveBytes: header.count)
        snapshot.size += parseLines(bytes[(newline + 1)...], into: &snapshot)
        if snapshot.size == size { snapshot.modified = status.st_mtim }
        return snapshot
    }

    /// Applies the whole lines of `bytes` to `snapshot`; returns how many bytes they take.
    private func parseLines(_ bytes: some ContiguousBytes, into snapshot: inout Snapshot) -> Int {
        bytes.withUnsafeBytes { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            guard let base = bytes.baseAddress else { return 0 }
            var consumed = 0
            while consumed < bytes.count, let found = memchr(base + consumed, Int32(UInt8(ascii: "\n")), bytes.count - consumed) {
                let newline = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
                let line = UnsafeBufferPointer(rebasing: bytes[consumed..<newline])
                consumed = newline + 1
                guard let space = line.firstIndex(of: UInt8(ascii: " ")), space > line.startIndex,
                    line[..<space].allSatisfy(Self.isKeyByte)
                else {
                    if !line.isEmpty { snapshot.damagedLines += 1 }
                    continue
                }
                let key = String(decoding: line[..<space], as: UTF8.self)
                let value = UnsafeBufferPointer(rebasing: line[(space + 1)...])
                if value.elementsEqual("null".utf8) {
                    snapshot.apply(key: key, value: nil)
                } else if Self.isWholeObject(value) {
                    snapshot.apply(key: key, value: Data(buffer: value))
                } else {
                    snapshot.damagedLines += 1
                }
            }
            return consumed
        }
    }

    /// Whether `bytes` are one JSON object from its `{` to its closing `}`, judged by brackets and strings
    /// alone: a line cut short by a crash (then ended by the next append) is not one.
    static func isWholeObject(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard bytes.first == UInt8(ascii: "{") else { return false }
        var depth = 0
        var index = 0
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "\""):
                // To the closing quote, past escaped characters: most of a record is strings.
                index += 1
                while index < bytes.count && bytes[index] != UInt8(ascii: "\"") {
                    index += bytes[index] == UInt8(ascii: "\\") ? 2 : 1
                }
                if index >= bytes.count { return false }
            case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
                if depth == 0 { return index == bytes.count - 1 }
            default: break
            }
            index += 1
        }
        return false
    }

    private static func isKeyByte(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
    }

    private func readBytes(_ descriptor: Int32, at offset: Int, count: Int) throws(StoreError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let result = bytes.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress! + done, count - done, off_t(offset + done)) }
            if result < 0 {
                if errno == EINTR { continue }
                throw .cannotRead(path: path, reason: String(cString: strerror(errno)))
            }
            if result == 0 { return Array(bytes[..<done]) }  // shorter than its size said: replaced meanwhile
            done += result
        }
        return bytes
    }

    private func writeAll(_ bytes: [UInt8], to descriptor: Int32) throws(StoreError) {
        var written = 0
        while written < bytes.count {
            let result = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress! + written, bytes.count - written) }
            if result < 0 {
                if errno == EINTR { continue }
                throw failure("write")
            }
            written += result
        }
    }

    private func failure(_ step: String) -> StoreError {
        .cannotWrite(path: path, reason: "\(step): \(String(cString: strerror(errno)))")
    }
}
