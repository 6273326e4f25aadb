import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The reverse proxies whose `X-Forwarded-For` is believed (`api.trusted_proxies`: addresses and CIDR
/// ranges, IPv4 or IPv6). A request from anywhere else is known by its own peer address, whatever headers
/// it sends.
public struct TrustedProxies: Sendable {
    struct Range: Sendable {
        var bytes: [UInt8]
        var prefixBits: Int
    }

    private let ranges: [Range]

    /// The ranges from the config's entries (which the config check has already validated; one it cannot
    /// read is left out).
    public init(_ entries: [String]) {
        ranges = entries.compactMap { entry in
            let parts = entry.split(separator: "/", maxSplits: 1).map(String.init)
            guard let bytes = parts.first.flatMap(Self.bytes) else { return nil }
            let bits = parts.count > 1 ? Int(parts[1]) ?? -1 : bytes.count * 8
            guard bits >= 0, bits <= bytes.count * 8 else { return nil }
            return Range(bytes: bytes, prefixBits: bits)
        }
    }

    public func contains(_ address: String) -> Bool {
        guard let bytes = Self.bytes(address) else { return false }
        return ranges.contains { range in
            guard range.bytes.count == bytes.count else { return false }
            for bit in 0..<range.prefixBits {
                let mask = UInt8(0x80) >> UInt8(bit % 8)
                if range.bytes[bit / 8] & mask != bytes[bit / 8] & mask { return false }
            }
            return true
        }
    }

    /// The client a request comes from: the peer, or, when the peer is a trusted proxy, the address the
    /// proxy says it forwarded for (the last entry of `X-Forwarded-For`, the one that proxy added).
    public func client(peer: String, forwardedFor: String?) -> String {
        guard contains(peer), let forwardedFor,
            let last = forwardedFor.split(separator: ",").last?.trimmingCharacters(in: .whitespaces), Self.bytes(last) != nil
        else { return peer }
        return last
    }

    /// An IPv4 address as 4 bytes, an IPv6 one as 16 (an IPv4-mapped IPv6 address as its IPv4 form).
    static func bytes(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 { return withUnsafeBytes(of: &v4) { Array($0) } }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, text, &v6) == 1 else { return nil }
        let bytes = withUnsafeBytes(of: &v6) { Array($0) }
        if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xFF && bytes[11] == 0xFF { return Array(bytes[12...]) }
        return bytes
    }
}
