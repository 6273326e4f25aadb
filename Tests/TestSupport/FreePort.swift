#if canImport(Glibc)
    import Glibc
#endif

/// A TCP port on 127.0.0.1 that was free a moment ago, for a server the test does not start itself (feedd's
/// sync API): the kernel picks it, the socket is closed, the server binds it next.
public enum FreePort {
    public static func take() throws -> Int {
        let (descriptor, port) = try LoopbackSocket.listen()
        close(descriptor)
        return port
    }
}
