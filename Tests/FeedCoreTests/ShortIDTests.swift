@testable import FeedCore
import Testing

struct ShortIDTests {
    @Test(arguments: [
        ("a1b2c3d4e5f60718", nil, nil, 4),
        ("a1b2c3d4e5f60718", "a1b2000000000000", nil, 5),
        ("a1b2c3d4e5f60718", "a1b2c3d400000000", "a1b2c3d4e5ffffff", 12),
        ("a1b2c3d4e5f60718", nil, "b000000000000000", 4),
        ("a1b2c3d4e5f60718", "a1b2c3d4e5f60717", nil, 16),
    ] as [(String, String?, String?, Int)])
    func aShortIDIsOneDigitLongerThanWhatItSharesWithEitherNeighbour(
        _ id: String, _ before: String?, _ after: String?, _ expected: Int
    ) {
        #expect(ShortID.length(of: id, before: before, after: after) == expected)
    }

    @Test func everyShortIDNamesOneIdOnly() {
        let ids = (0..<3000).map { ItemIdentity.itemID(logicalKey: "url:blog.example.org/2026/12/post-\($0)") }.sorted()
        let lengths = ShortID.lengths(sorted: ids)
        for (id, length) in zip(ids, lengths) {
            let prefix = id.prefix(length)
            #expect(ids.filter { $0.hasPrefix(prefix) } == [id])
        }
    }

    /// Keys that differ only in their last characters (post-1, post-2, …) are what most feeds give. Plain
    /// FNV-1a spreads their ids so evenly that almost every one needs 6 digits at 100,000 items; mixed,
    /// nine in ten need 4 or 5 (`feedctl list` shows them).
    @Test func idsOfKeysThatDifferAtTheEndNeedFewDigits() {
        let keys = (0..<100_000).map { "url:site\($0 / 200).example.org/\($0 % 200)" }
        func shareAtMostFive(_ ids: [String]) -> Double {
            let lengths = ShortID.lengths(sorted: Array(Set(ids)).sorted())
            return Double(lengths.filter { $0 <= 5 }.count) / Double(lengths.count)
        }
        let mixed = shareAtMostFive(keys.map { ItemIdentity.itemID(logicalKey: $0) })
        let plain = shareAtMostFive(keys.map { StableHash.hex($0) })
        #expect(mixed > 0.85, "mixed ids: \(mixed) need 5 digits or fewer")
        #expect(plain < 0.05, "plain FNV-1a: \(plain)")
    }
}
