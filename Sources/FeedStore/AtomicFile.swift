import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Durable replacement of a whole file: write a temporary file beside it, fsync it, rename it over the
/// target, fsync the directory. After a crash the target holds either its old or its new content.
public enum AtomicFile {
    /// Numbers the temporary files of this process (with its pid, a name no other writer uses).
    static let temporaryNumber = Atomic<UInt64>(0)
    /// This process's id, asked once (glibc makes `getpid` a system call every time).
    private static let processID = getpid()

    /// Replaces `url` with `data`; `mode` sets the new file's permissions (else 0644 less the umask). With
    /// `syncDirectory` false the caller makes the rename durable itself (`syncDirectory(_:)`), once for many files.
    public static func write(_ data: Data, to url: URL, mode: mode_t? = nil, syncDirectory: Bool = true) throws(StoreError) {
        try write(data, toPath: url.path, mode: mode, syncDirectory: syncDirectory)
    }

    /// `write(_:to:mode:syncDirectory:)` for a path: the store builds its paths as strings (Foundation's URL
    /// path operations cost more than writing a small file).
    public static func write(_ data: Data, toPath path: String, mode: mode_t? = nil, syncDirectory: Bool = true) throws(StoreError) {
        let temporary = try prepare(data, forPath: path, mode: mode)
        try put(temporary, at: path)
        if syncDirectory { try Self.syncDirectory(atPath: split(path).folder) }
    }

    /// Replaces several files, their contents all written and fsynced before the first rename, then renamed
    /// in the order given: a kill leaves a later file old only if an earlier one is new, and the window
    /// between two renames is two system calls wide. The caller makes the renames durable
    /// (`syncDirectory(_:)`).
    public static func writeInOrder(_ files: [(data: Data, path: String)]) throws(StoreError) {
        var temporaries: [String] = []
        do throws(StoreError) {
            for file in files { temporaries.append(try prepare(file.data, forPath: file.path, mode: nil)) }
        } catch {
            temporaries.forEach { unlink($0) }
            throw error
        }
        for (index, file) in files.enumerated() {
            do throws(StoreError) {
                try put(temporaries[index], at: file.path)
            } catch {
                temporaries[(index + 1)...].forEach { unlink($0) }
                throw error
            }
        }
    }

    /// `data` in a new temporary file beside `path`, fsynced; returns the temporary file's path.
    private static func prepare(_ data: Data, forPath path: String, mode: mode_t?) throws(StoreError) -> String {
        let (directory, name) = split(path)
        func failure(_ step: String) -> StoreError {
            .cannotWrite(path: path, reason: "\(step): \(String(cString: strerror(errno)))")
        }
        var temporary = ""
        var descriptor: Int32 = -1
        // A name taken already is one a crashed process with the same pid left: the next number.
        for _ in 0..<100 {
            temporary = "\(directory)/.\(name).tmp-\(processID)-\(temporaryNumber.add(1, ordering: .relaxed).newValue)"
            descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
            if descriptor >= 0 || errno != EEXIST { break }
        }
        guard descriptor >= 0 else { throw failure("open") }
        if let mode, fchmod(descriptor, mode) != 0 {
            let error = failure("chmod")
            close(descriptor)
            unlink(temporary)
            throw error
        }
        var written = 0
        let ok: Bool = data.withUnsafeBytes { buffer in
            while written < buffer.count {
                let result = Glibc.write(descriptor, buffer.baseAddress! + written, buffer.count - written)
                if result < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                written += result
            }
            return true
        }
        guard ok, fsync(descriptor) == 0 else {
            let error = failure("write")
            close(descriptor)
            unlink(temporary)
            throw error
        }
        close(descriptor)
        return temporary
    }

    /// Renames a prepared temporary file over `path` (removing the temporary file if that fails).
    private static func put(_ temporary: String, at path: String) throws(StoreError) {
        guard rename(temporary, path) == 0 else {
            let error = StoreError.cannotWrite(path: path, reason: "rename: \(String(cString: strerror(errno)))")
            unlink(temporary)
            throw error
        }
    }

    /// The folder and the name of a path (`.` for a bare name).
    static func split(_ path: String) -> (folder: String, name: String) {
        guard let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")) else { return (".", path) }
        let folder = String(path[..<slash])
        return (folder.isEmpty ? "/" : folder, String(path[path.utf8.index(after: slash)...]))
    }

    /// Makes a rename or unlink in `directory` durable.
    public static func syncDirectory(_ directory: URL) throws(StoreError) {
        try syncDirectory(atPath: directory.path)
    }

    public static func syncDirectory(atPath directory: String) throws(StoreError) {
        let descriptor = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw .cannotWrite(path: directory, reason: "open directory: \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else {
            throw .cannotWrite(path: directory, reason: "fsync directory: \(String(cString: strerror(errno)))")
        }
    }
}
