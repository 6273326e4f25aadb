import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A small SMTP server on 127.0.0.1 for tests (RFC 5321's minimum: EHLO/HELO, MAIL, RCPT, DATA, RSET,
/// NOOP, QUIT), so a real sendmail-compatible client can hand it mail. It keeps every message it accepted.
public final class TestSMTPServer: Sendable {
    /// One message as it arrived: the envelope and the message's bytes, dot-unstuffed, lines ending CRLF.
    public struct Message: Sendable {
        public var from: String
        public var recipients: [String]
        public var data: Data
    }

    public let port: Int
    private let listener: Int32
    private let received = Mutex<[Message]>([])

    public init() throws {
        (listener, port) = try LoopbackSocket.listen()
        LoopbackSocket.acceptConnections(on: listener, for: self) { server, connection in server.converse(connection) }
    }

    deinit {
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    /// The messages accepted so far, in arrival order.
    public var messages: [Message] { received.withLock { $0 } }

    private func converse(_ connection: Int32) {
        defer { close(connection) }
        var reader = LineReader(descriptor: connection)
        func reply(_ text: String) -> Bool {
            Array((text + "\r\n").utf8).withUnsafeBytes { send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) > 0 }
        }
        guard reply("220 127.0.0.1 test SMTP ready") else { return }
        var from: String?
        var recipients: [String] = []
        while let line = reader.next() {
            let command = line.prefix(4).uppercased()
            let answer: String
            switch command {
            case "EHLO", "HELO": answer = "250 127.0.0.1"
            case "MAIL":
                from = Self.address(in: line)
                recipients = []
                answer = "250 OK"
            case "RCPT":
                guard from != nil, let recipient = Self.address(in: line) else {
                    answer = "503 MAIL first"
                    break
                }
                recipients.append(recipient)
                answer = "250 OK"
            case "DATA":
                guard let sender = from, !recipients.isEmpty else {
                    answer = "503 no recipients"
                    break
                }
                guard reply("354 end with <CRLF>.<CRLF>") else { return }
                var data = Data()
                while let body = reader.next(), body != "." {
                    data.append(contentsOf: (body.hasPrefix(".") ? String(body.dropFirst()) : body).utf8)
                    data.append(contentsOf: [13, 10])
                }
                received.withLock { $0.append(Message(from: sender, recipients: recipients, data: data)) }
                from = nil
                recipients = []
                answer = "250 OK queued"
            case "RSET":
                from = nil
                recipients = []
                answer = "250 OK"
            case "NOOP": answer = "250 OK"
            case "QUIT":
                _ = reply("221 bye")
                return
            default: answer = "502 not implemented"
            }
            guard reply(answer) else { return }
        }
    }

    /// The address between `<` and `>` in `MAIL FROM:<…>` or `RCPT TO:<…>`.
    private static func address(in line: String) -> String? {
        guard let open = line.firstIndex(of: "<"), let close = line[open...].firstIndex(of: ">") else { return nil }
        return String(line[line.index(after: open)..<close])
    }
}

/// CRLF- (or LF-) ended lines read from a socket; bytes are taken as UTF-8 (SMTP here is ASCII).
private struct LineReader {
    let descriptor: Int32
    private var buffer: [UInt8] = []

    init(descriptor: Int32) { self.descriptor = descriptor }

    mutating func next() -> String? {
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            if let newline = buffer.firstIndex(of: 10) {
                var line = buffer[..<newline]
                if line.last == 13 { line = line.dropLast() }
                let text = String(decoding: line, as: UTF8.self)
                buffer.removeFirst(newline + 1)
                return text
            }
            let count = read(descriptor, &chunk, chunk.count)
            guard count > 0 else { return nil }
            buffer.append(contentsOf: chunk[0..<count])
        }
    }
}
