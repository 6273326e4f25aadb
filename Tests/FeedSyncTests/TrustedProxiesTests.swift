import Testing

@testable import FeedSync

struct TrustedProxiesTests {
    let proxies = TrustedProxies(["127.0.0.1", "10.1.0.0/16", "fd00::/8", "::1"])

    @Test(arguments: [
        ("127.0.0.1", true), ("127.0.0.2", false), ("10.1.200.3", true), ("10.2.0.1", false), ("fd12::5", true),
        ("fe80::1", false), ("::1", true), ("::ffff:127.0.0.1", true), ("not an address", false),
    ])
    func addressesAndRangesAreMatched(_ example: (address: String, trusted: Bool)) {
        #expect(proxies.contains(example.address) == example.trusted)
    }

    @Test func onlyATrustedProxySaysWhoTheClientIs() {
        #expect(proxies.client(peer: "127.0.0.1", forwardedFor: "203.0.113.9") == "203.0.113.9")
        // The last hop is the one the proxy added; what the client itself sent before it is not believed.
        #expect(proxies.client(peer: "127.0.0.1", forwardedFor: "198.51.100.1, 203.0.113.9") == "203.0.113.9")
        #expect(proxies.client(peer: "192.0.2.7", forwardedFor: "203.0.113.9") == "192.0.2.7")
        #expect(proxies.client(peer: "127.0.0.1", forwardedFor: "garbage") == "127.0.0.1")
        #expect(proxies.client(peer: "127.0.0.1", forwardedFor: nil) == "127.0.0.1")
        #expect(TrustedProxies([]).client(peer: "127.0.0.1", forwardedFor: "203.0.113.9") == "127.0.0.1")
    }
}
