import Foundation
import Testing

@testable import FeedSync

struct ReaderIDTests {
    @Test(arguments: [
        ("3a04400d58c5c0d1", "3a04400d58c5c0d1"),
        ("tag:google.com,2005:reader/item/3a04400d58c5c0d1", "3a04400d58c5c0d1"),
        ("4180536780174770385", "3a04400d58c5c0d1"),
        // Ids with the top bit set are negative in decimal, as Google Reader gave them.
        ("-1", "ffffffffffffffff"),
        ("tag:google.com,2005:reader/item/FFFFFFFFFFFFFFFF", "ffffffffffffffff"),
        ("0000000000000001", "0000000000000001"),
        ("1", "0000000000000001"),
    ])
    func everyFormGivesFeeddsID(_ example: (text: String, id: String)) {
        #expect(ReaderItemID.parse(example.text) == [example.id])
    }

    /// Sixteen decimal digits are a decimal id and a short hex id at once: both readings, the decimal first.
    @Test func sixteenDigitsReadBothWays() {
        #expect(ReaderItemID.parse("1810971104693705") == ["00066f119164cdc9", "1810971104693705"])
        #expect(ReaderItemID.parse("0000000000000001") == ["0000000000000001"], "one reading when both agree")
    }

    @Test(arguments: ["", "zz", "tag:google.com,2005:reader/item/zz", "tag:google.com,2005:reader/item/3a04400d58c5c0d1ff", "1e5", "99999999999999999999", " 1"])
    func malformedIDsAreRefused(_ text: String) {
        #expect(ReaderItemID.parse(text) == nil)
    }

    @Test func theFormsGoBothWays() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            let digits = String(UInt64.random(in: .min ... .max, using: &generator), radix: 16)
            let id = String(repeating: "0", count: 16 - digits.count) + digits
            #expect(ReaderItemID.parse(ReaderItemID.decimal(id))?.first == id)
            #expect(ReaderItemID.parse(ReaderItemID.long(id)) == [id])
            #expect(ReaderItemID.parse(id)?.contains(id) == true)
        }
    }

    @Test(arguments: [
        ("user/-/state/com.google/reading-list", ReaderStream.readingList),
        ("user/1234/state/com.google/reading-list", .readingList),
        ("user/-/state/com.google/starred", .starred),
        ("user/-/state/com.google/read", .read),
        ("feed/42", .feed(42)),
        ("user/-/label/Tech news", .label("Tech news")),
        ("user/-/label/a/b", .label("a/b")),
    ])
    func streamsAreRead(_ example: (text: String, stream: ReaderStream)) {
        #expect(ReaderStream(example.text) == example.stream)
    }

    @Test(arguments: ["", "feed/", "feed/-3", "feed/x", "user/-/label/", "user/-/state/com.google/broadcast", "splice/1", "user"])
    func unknownStreamsAreRefused(_ text: String) {
        #expect(ReaderStream(text) == nil)
    }

    @Test func aFeedNumberIsStableAndFitsWhereJSONNumbersAreExact() {
        let number = ReaderFeed.number(forURL: "https://carnet.example.fr/feed/")
        #expect(number == ReaderFeed.number(forURL: "https://carnet.example.fr/feed/"))
        #expect(number >= 0 && number < 1 << 53)
        #expect(number != ReaderFeed.number(forURL: "https://carnet.example.fr/feed/atom/"))
    }
}
