@testable import FeedParser
import TestScheduling
import TestSupport
import Testing

/// feedd's own UTF-8 validation must agree with the standard library's on every input: the strings it makes
/// from bytes it accepted are not validated again.
struct UTF8TextTests {
    /// The standard library's answer: the length of the longest well-formed prefix.
    static func reference(_ bytes: [UInt8]) -> Int {
        do throws(UTF8.ValidationError) {
            _ = try UTF8Span(validating: bytes.span)
            return bytes.count
        } catch {
            return error.byteOffsets.lowerBound
        }
    }

    static func ours(_ bytes: [UInt8]) -> Int {
        bytes.withUnsafeBufferPointer { UTF8Text.validPrefixLength($0) }
    }

    @Test func everyLeadByteWithEverySecondByteAgreesWithTheStandardLibrary() async {
        await heavyWork {
            // Each pair after 0–19 ASCII bytes, so that it falls at every position of an eight-byte word.
            let thirds: [UInt8] = [0x41, 0x80, 0xBF, 0xC0]
            var disagreements: [[UInt8]] = []
            for lead in UInt8(0x80)...0xFF {
                for second in UInt8.min...UInt8.max {
                    for third in thirds {
                        let tail: [UInt8] = [lead, second, third, third]
                        let bytes = Array(repeating: UInt8(ascii: "a"), count: Int(second % 20)) + tail
                        if Self.ours(bytes) != Self.reference(bytes) { disagreements.append(bytes) }
                        // Followed by text, so that the word-at-a-time path reads it too.
                        let inText = bytes + Array("and some more text".utf8)
                        if Self.ours(inText) != Self.reference(inText) { disagreements.append(inText) }
                        // Cut short: a sequence interrupted by the end of the buffer is not valid yet.
                        for cut in 1..<tail.count where Self.ours(Array(bytes.dropLast(cut))) != Self.reference(Array(bytes.dropLast(cut))) {
                            disagreements.append(Array(bytes.dropLast(cut)))
                        }
                    }
                }
            }
            #expect(disagreements.isEmpty, "first: \(disagreements.prefix(5))")
        }
    }

    @Test func randomFeedLikeTextAgreesWithTheStandardLibrary() async {
        await heavyWork {
            var generator = SeededGenerator(seed: 0x5EED)
            let words = ["données", "œuvre", "« guillemets »", "l’été", "日本語", "😀", "plain ascii text ", "<p>", "&amp;", "\u{10FFFF}"]
            // Overlong, surrogate, beyond U+10FFFF, lone continuation, cut short.
            let faults: [[UInt8]] = [[0xC0, 0x80], [0xE0, 0x9F, 0x80], [0xED, 0xA0, 0x80], [0xF0, 0x8F, 0x80, 0x80], [0xF4, 0x90, 0x80, 0x80], [0x80], [0xE2, 0x82]]
            for _ in 0..<20_000 {
                var bytes: [UInt8] = []
                for _ in 0..<Int.random(in: 1...40, using: &generator) {
                    let roll = Int.random(in: 0..<24, using: &generator)
                    if roll == 0 {
                        bytes.append(UInt8.random(in: 0x80...0xFF, using: &generator))  // a stray byte
                    } else if roll == 1 {
                        bytes += faults.randomElement(using: &generator)!
                    } else {
                        bytes += Array(words.randomElement(using: &generator)!.utf8)
                    }
                }
                #expect(Self.ours(bytes) == Self.reference(bytes), "\(bytes)")
            }
        }
    }

    @Test func stringsOfValidatedBytesEqualTheStandardLibrarysAndInvalidOnesAreRepaired() {
        let valid = Array("Le café « ouvert » l’été 😀 — fin".utf8)
        #expect(valid.withUnsafeBufferPointer(UTF8Text.string) == "Le café « ouvert » l’été 😀 — fin")
        let invalid: [UInt8] = Array("a".utf8) + [0xC3] + Array("b".utf8) + [0xED, 0xA0, 0x80]
        #expect(invalid.withUnsafeBufferPointer(UTF8Text.string) == String(decoding: invalid, as: UTF8.self))
        #expect(invalid.withUnsafeBufferPointer(UTF8Text.string).unicodeScalars.filter { $0 == "\u{FFFD}" }.count == 4)
    }
}
