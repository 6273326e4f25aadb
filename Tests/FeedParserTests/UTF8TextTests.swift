@testable import FeedParser
import Testing

/// The valid prefix the repair pass works from, and the strings made from bytes it has validated.
struct UTF8TextTests {
    static func prefix(_ bytes: [UInt8]) -> Int {
        bytes.withUnsafeBufferPointer { UTF8Text.validPrefixLength($0) }
    }

    @Test func theValidPrefixEndsWhereTheFirstIllFormedSequenceStarts() {
        let text = Array("café".utf8)  // 5 bytes
        let cases: [(bytes: [UInt8], prefix: Int)] = [
            (text, 5),
            (text + [0xC0, 0x80], 5),  // overlong
            (text + [0xED, 0xA0, 0x80], 5),  // surrogate
            (text + [0xF4, 0x90, 0x80, 0x80], 5),  // beyond U+10FFFF
            (text + [0x80] + text, 5),  // a lone continuation byte
            (text + [0xE2, 0x82], 5),  // cut off by the end of the buffer: not counted yet
            (text + [0xE2, 0x82, 0xAC], 8),  // the same sequence whole: €
            ([], 0),
            ([0xFF], 0),
        ]
        for (bytes, prefix) in cases { #expect(Self.prefix(bytes) == prefix, "\(bytes)") }
    }

    @Test func stringsOfValidatedBytesEqualTheStandardLibrarysAndInvalidOnesAreRepaired() {
        let valid = Array("Le café « ouvert » l’été 😀 — fin".utf8)
        #expect(valid.withUnsafeBufferPointer(UTF8Text.string) == "Le café « ouvert » l’été 😀 — fin")
        let invalid: [UInt8] = Array("a".utf8) + [0xC3] + Array("b".utf8) + [0xED, 0xA0, 0x80]
        #expect(invalid.withUnsafeBufferPointer(UTF8Text.string) == String(decoding: invalid, as: UTF8.self))
        #expect(invalid.withUnsafeBufferPointer(UTF8Text.string).unicodeScalars.filter { $0 == "\u{FFFD}" }.count == 4)
    }
}
