/// A problem with the configuration file, located so a person can fix it: `PATH:LINE: message`.
public struct ConfigError: Error, Equatable, Sendable, CustomStringConvertible {
    public var path: String
    /// 1-based; nil when the problem is with the file as a whole.
    public var line: Int?
    public var message: String

    public init(path: String, line: Int?, message: String) {
        self.path = path
        self.line = line
        self.message = message
    }

    public var description: String {
        line.map { "\(path):\($0): \(message)" } ?? "\(path): \(message)"
    }
}
