import Foundation
import Synchronization

/// Runs one of the package's executables (built next to the test runner) and captures what it printed.
public struct Subprocess {
    public var status: Int32
    public var stdout: String
    public var stderr: String

    /// The folder holding the built `feedd` and `feedctl`: the test runner's own folder.
    public static var binaryDirectory: URL {
        URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
    }

    /// Runs `name` with `arguments`; `environment` entries are added to (or, with nil, removed from) this process's.
    public static func run(_ name: String, _ arguments: [String], environment: [String: String?] = [:]) throws -> Subprocess {
        let process = Process()
        process.executableURL = binaryDirectory.appendingPathComponent(name)
        process.arguments = arguments
        var merged = ProcessInfo.processInfo.environment
        for (key, value) in environment { merged[key] = value }
        process.environment = merged
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // Both pipes are drained at once, before waiting, so neither can fill up and block the child.
        let errorOutput = Mutex(Data())
        let errorReader = Thread { errorOutput.withLock { $0 = err.fileHandleForReading.readDataToEndOfFile() } }
        errorReader.start()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while errorReader.isExecuting || !errorReader.isFinished { usleep(1000) }
        let stderr = errorOutput.withLock { $0 }
        return Subprocess(
            status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
            stderr: String(decoding: stderr, as: UTF8.self))
    }
}

/// A fresh temporary directory, removed when the value is released.
public final class TemporaryDirectory {
    public let url: URL

    public init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("feedd-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    /// Writes `text` to `name` inside the directory and returns its path.
    @discardableResult
    public func write(_ name: String, _ text: String) throws -> String {
        let file = url.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: file)
        return file.path
    }
}
