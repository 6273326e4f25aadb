import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Plays systemd's side of sd_notify: a unix datagram socket whose path goes in `$NOTIFY_SOCKET`; every
/// datagram received is kept with the time it arrived.
public final class NotifySocket: Sendable {
    public let path: String
    private let descriptor: Int32
    private let received = Locked<[(ContinuousClock.Instant, String)]>([])

    public init(directory: URL) throws {
        path = directory.appendingPathComponent("notify.sock").path
        let socketDescriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        guard socketDescriptor >= 0 else { throw POSIXError(.EIO) }
        descriptor = socketDescriptor
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes) }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socketDescriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0 else { throw POSIXError(.EADDRINUSE) }
        let descriptor = self.descriptor
        let received = self.received
        Thread {
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = recv(descriptor, &buffer, buffer.count, 0)
                guard count > 0 else { return }
                received.withLock { $0.append((ContinuousClock.now, String(decoding: buffer[0..<count], as: UTF8.self))) }
            }
        }.start()
    }

    deinit {
        shutdown(descriptor, Int32(SHUT_RDWR))
        close(descriptor)
        unlink(path)
    }

    /// Every message so far, with its arrival time.
    public var messages: [(at: ContinuousClock.Instant, text: String)] { received.value.map { (at: $0.0, text: $0.1) } }

    /// Waits until a message satisfies `match`, up to `timeout`.
    public func waitFor(_ timeout: Duration = .seconds(10), _ match: (String) -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if messages.contains(where: { match($0.text) }) { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return false
    }
}
