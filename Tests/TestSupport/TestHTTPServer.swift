import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A small HTTP/1.1 server on 127.0.0.1 for tests: real sockets, one thread per connection. By default it
/// closes each connection after one response; with `keepAlive` it serves requests on a connection until the
/// client closes it, as most web servers do. The handler decides each response; every request and every
/// connection accepted is recorded.
public final class TestHTTPServer: Sendable {
    public struct Request: Sendable {
        public var method: String
        public var path: String
        /// Header names lower-cased.
        public var headers: [String: String]
        /// What came after the head, as its `Content-Length` said (empty without one).
        public var body = Data()
    }

    public struct Response: Sendable {
        public var status: Int
        public var headers: [(String, String)]
        public var body: Data

        public init(status: Int = 200, headers: [(String, String)] = [], body: Data = Data()) {
            self.status = status
            self.headers = headers
            self.body = body
        }

        public init(status: Int = 200, headers: [(String, String)] = [], text: String) {
            self.init(status: status, headers: headers, body: Data(text.utf8))
        }

        /// A response the test writes itself, byte by byte if it likes (slow, endless, cut short).
        public static func raw(_ writer: @escaping @Sendable (Connection) -> Void) -> Response {
            var response = Response()
            response.writer = writer
            return response
        }

        fileprivate var writer: (@Sendable (Connection) -> Void)?
    }

    /// The client's socket, for `Response.raw`.
    public struct Connection: Sendable {
        fileprivate let descriptor: Int32

        /// Sends bytes; false once the client has gone.
        @discardableResult
        public func send(_ data: Data) -> Bool {
            data.withUnsafeBytes { raw in
                guard let base = raw.baseAddress else { return true }
                var offset = 0
                while offset < raw.count {
                    let written = Glibc.send(descriptor, base + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
                    guard written > 0 else { return false }
                    offset += written
                }
                return true
            }
        }

        @discardableResult
        public func send(_ text: String) -> Bool { send(Data(text.utf8)) }

        /// Aborts the connection with a TCP reset instead of an orderly close.
        public func reset() {
            var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
            setsockopt(descriptor, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
        }
    }

    public typealias Handler = @Sendable (Request) -> Response

    public let port: Int
    private let listener: Int32
    private let handler: Handler
    private let keepAlive: Bool
    private let recorded = Mutex<[Request]>([])
    private let accepted = Mutex(0)
    private let stopped = Mutex(false)

    public init(keepAlive: Bool = false, handler: @escaping Handler) throws {
        let (descriptor, port) = try LoopbackSocket.listen()
        self.port = port
        self.listener = descriptor
        self.handler = handler
        self.keepAlive = keepAlive
        LoopbackSocket.acceptConnections(on: descriptor, for: self) { server, connection in
            server.accepted.withLock { $0 += 1 }
            server.serve(connection)
        }
    }

    deinit { stop() }

    /// The URL of `path` on this server.
    public func url(_ path: String) -> URL {
        URL(string: "http://127.0.0.1:\(port)\(path)")!
    }

    /// Requests received so far, in arrival order.
    public var requests: [Request] { recorded.withLock { $0 } }

    /// Connections accepted so far.
    public var connections: Int { accepted.withLock { $0 } }

    /// Stops accepting connections; safe to call more than once.
    public func stop() {
        let wasStopped = stopped.withLock { value in
            defer { value = true }
            return value
        }
        guard !wasStopped else { return }
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    private func serve(_ connection: Int32) {
        defer { close(connection) }
        var buffer = [UInt8]()
        while let request = Self.readRequest(connection, buffer: &buffer) {
            recorded.withLock { $0.append(request) }
            let response = handler(request)
            if let writer = response.writer {
                writer(Connection(descriptor: connection))
                return
            }
            let closing = !keepAlive || request.headers["connection"]?.lowercased() == "close"
            var text = "HTTP/1.1 \(response.status) \(Self.reason(response.status))\r\n"
            for (name, value) in response.headers { text += "\(name): \(value)\r\n" }
            text += "Content-Length: \(response.body.count)\r\n\(closing ? "Connection: close\r\n" : "")\r\n"
            var bytes = Data(text.utf8)
            if request.method != "HEAD" && response.status != 304 { bytes.append(response.body) }
            guard Connection(descriptor: connection).send(bytes), !closing else { return }
        }
    }

    /// The next request on the connection, its body read as its `Content-Length` says (chunked bodies are
    /// not read), or nil once the client has closed it. Bytes read past it stay in `buffer` for the next one.
    private static func readRequest(_ connection: Int32, buffer: inout [UInt8]) -> Request? {
        var chunk = [UInt8](repeating: 0, count: 4096)
        var headEnd = buffer.endOfHead()
        while headEnd == nil {
            let count = read(connection, &chunk, chunk.count)
            guard count > 0 else { return nil }
            buffer.append(contentsOf: chunk[0..<count])
            headEnd = buffer.endOfHead()
        }
        guard let headEnd else { return nil }
        let head = String(decoding: buffer[..<headEnd], as: UTF8.self)
        buffer.removeFirst(headEnd + 4)
        var lines = head.components(separatedBy: "\r\n")
        let requestLine = lines.removeFirst().split(separator: " ")
        guard requestLine.count >= 2 else { return nil }
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        var request = Request(method: String(requestLine[0]), path: String(requestLine[1]), headers: headers)
        let length = min(Int(headers["content-length"] ?? "") ?? 0, 64 << 20)
        while buffer.count < length {
            let count = read(connection, &chunk, chunk.count)
            guard count > 0 else { return nil }
            buffer.append(contentsOf: chunk[0..<count])
        }
        request.body = Data(buffer[..<length])
        buffer.removeFirst(length)
        return request
    }

    private static func reason(_ status: Int) -> String {
        switch status {
        case 200: return "OK"
        case 301: return "Moved Permanently"
        case 302: return "Found"
        case 304: return "Not Modified"
        case 308: return "Permanent Redirect"
        case 404: return "Not Found"
        case 410: return "Gone"
        case 429: return "Too Many Requests"
        case 503: return "Service Unavailable"
        case 500: return "Internal Server Error"
        default: return "Status"
        }
    }
}

extension Array where Element == UInt8 {
    /// Where the blank line ending an HTTP head starts, if it has arrived.
    fileprivate func endOfHead() -> Int? {
        guard count >= 4 else { return nil }
        return (0...(count - 4)).first { self[$0] == 13 && self[$0 + 1] == 10 && self[$0 + 2] == 13 && self[$0 + 3] == 10 }
    }
}
