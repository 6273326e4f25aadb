import FeedCore
import Foundation
import Testing

struct HTTPDecisionsTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func retryAfterInBothForms() {
        #expect(HTTPDecisions.retryAfter(status: 429, headers: ["retry-after": "90"], now: now) == now.addingTimeInterval(90))
        let date = HTTPDecisions.httpDate(now.addingTimeInterval(600))
        #expect(HTTPDecisions.retryAfter(status: 503, headers: ["retry-after": date], now: now) == now.addingTimeInterval(600))
        #expect(HTTPDecisions.retryAfter(status: 200, headers: ["retry-after": "90"], now: now) == nil)
        #expect(HTTPDecisions.retryAfter(status: 503, headers: ["retry-after": "soon"], now: now) == nil)
        #expect(HTTPDecisions.retryAfter(status: 503, headers: [:], now: now) == nil)
    }

    @Test func httpDatesRoundTrip() {
        #expect(HTTPDecisions.httpDate(Date(timeIntervalSince1970: 784_111_777)) == "Sun, 06 Nov 1994 08:49:37 GMT")
        #expect(HTTPDecisions.parseHTTPDate("Sun, 06 Nov 1994 08:49:37 GMT") == Date(timeIntervalSince1970: 784_111_777))
    }

    @Test func hostKeysIncludeTheDefaultPort() {
        #expect(HTTPDecisions.hostKey(URL(string: "https://Example.org/feed")!) == "example.org:443")
        #expect(HTTPDecisions.hostKey(URL(string: "http://example.org:8080/feed")!) == "example.org:8080")
    }

    @Test func bodyHashNoticesAnyChange() {
        let a = HTTPDecisions.bodyHash(Data("<rss/>".utf8))
        #expect(HTTPDecisions.isUnchanged(bodyHash: a, previous: HTTPDecisions.bodyHash(Data("<rss/>".utf8))))
        #expect(!HTTPDecisions.isUnchanged(bodyHash: a, previous: HTTPDecisions.bodyHash(Data("<rss />".utf8))))
        #expect(!HTTPDecisions.isUnchanged(bodyHash: a, previous: nil))
        // The same length, one byte apart: in a whole eight-byte word and in the tail.
        let body = Array("<rss version=\"2.0\"><channel/></rss>".utf8)
        for position in body.indices {
            var changed = body
            changed[position] ^= 0x01
            #expect(HTTPDecisions.bodyHash(Data(changed)) != HTTPDecisions.bodyHash(Data(body)), "byte \(position)")
        }
    }
}
