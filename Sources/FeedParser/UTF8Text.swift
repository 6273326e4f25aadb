/// UTF-8 validation tuned for feed text (mostly ASCII markup with accented words in it), and strings made
/// from bytes it has validated without the standard library validating them a second time.
enum UTF8Text {
    /// How many leading bytes of `bytes` are well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates,
    /// nothing above U+10FFFF). A sequence cut off by the end of the buffer is not counted. The standard
    /// library's validation, which says where the first ill-formed sequence starts.
    static func validPrefixLength(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        do {
            _ = try UTF8Span(validating: bytes.span)
            return bytes.count
        } catch {
            return error.byteOffsets.lowerBound
        }
    }

    /// How many leading bytes of `bytes` are ASCII, eight at a time.
    static func asciiPrefixLength(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        guard let base = bytes.baseAddress else { return 0 }
        var index = 0
        while index + 8 <= bytes.count {
            let high = UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self) & 0x8080_8080_8080_8080
            if high != 0 { return index + high.trailingZeroBitCount >> 3 }
            index += 8
        }
        while index < bytes.count, bytes[index] < 0x80 { index += 1 }
        return index
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

    /// The length of the well-formed sequence at `index` (RFC 3629: no overlong forms, no surrogates, nothing
    /// above U+10FFFF); 0 when the buffer ends inside a sequence that is well-formed so far; -1 when it is not.
    @inline(__always)
    static func sequenceLength(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> Int {
        let length: Int
        let lowest: UInt8
        let highest: UInt8
        switch bytes[index] {
        case 0..<0x80: return 1
        case 0xC2...0xDF: (length, lowest, highest) = (2, 0x80, 0xBF)
        case 0xE0: (length, lowest, highest) = (3, 0xA0, 0xBF)  // E0 80–9F: overlong
        case 0xED: (length, lowest, highest) = (3, 0x80, 0x9F)  // ED A0–BF: surrogates
        case 0xE1...0xEF: (length, lowest, highest) = (3, 0x80, 0xBF)
        case 0xF0: (length, lowest, highest) = (4, 0x90, 0xBF)  // F0 80–8F: overlong
        case 0xF4: (length, lowest, highest) = (4, 0x80, 0x8F)  // F4 90 and up: beyond U+10FFFF
        case 0xF1...0xF3: (length, lowest, highest) = (4, 0x80, 0xBF)
        default: return -1
        }
        guard index + 1 < bytes.count else { return 0 }
        guard bytes[index + 1] >= lowest, bytes[index + 1] <= highest else { return -1 }
        for offset in 2..<length {
            guard index + offset < bytes.count else { return 0 }
            guard bytes[index + offset] & 0xC0 == 0x80 else { return -1 }
        }
        return length
    }
}
