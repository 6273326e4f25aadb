import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Turns bytes of one `SourceEncoding` into UTF-8, chunk by chunk, carrying partial characters across chunks.
struct TranscodingDecoder {
    private var encoding: SourceEncoding
    private var carry: [UInt8] = []
    private var iconv: IconvDecoder?
    /// Set when an unlabelled document turned out not to be UTF-8.
    private(set) var fallbackWarning: String?

    /// The encoding read in: after an unlabelled document's first bytes beyond ASCII, the one they showed.
    var encodingName: String {
        switch encoding {
        case .utf8, .unlabelled: return "UTF-8"
        case .windows1252: return "windows-1252"
        case .utf16LittleEndian: return "UTF-16LE"
        case .utf16BigEndian: return "UTF-16BE"
        case .iconv(let name): return name
        }
    }

    init(encoding: SourceEncoding) {
        self.encoding = encoding
        if case .iconv(let name) = encoding { iconv = IconvDecoder(charset: name) }
    }

    /// Whether `input` needs no decoding: the caller may use its bytes as they are (the repair pass
    /// replaces what is invalid). An unlabelled document's ASCII passes through while it lasts.
    mutating func passesThrough(_ input: UnsafeBufferPointer<UInt8>) -> Bool {
        if encoding == .unlabelled {
            let asciiEnd = UTF8Text.asciiPrefixLength(input)
            if asciiEnd == input.count { return true }
            decideUnlabelled(UnsafeBufferPointer(rebasing: input[asciiEnd...]))
        }
        return encoding == .utf8
    }

    /// An unlabelled document is UTF-8 if its first bytes beyond ASCII are (or start) a UTF-8 sequence;
    /// else windows-1252, the same decoding for the ASCII before them.
    private mutating func decideUnlabelled(_ rest: UnsafeBufferPointer<UInt8>) {
        if UTF8Text.sequenceLength(rest, at: 0) >= 0 {
            encoding = .utf8
        } else {
            encoding = .windows1252
            fallbackWarning = "no encoding declared and the bytes are not UTF-8: read as windows-1252"
        }
    }

    /// Appends the UTF-8 form of `input` to `output`. Bytes that are invalid in the encoding become U+FFFD.
    mutating func decode(_ input: UnsafeBufferPointer<UInt8>, final: Bool, into output: inout [UInt8]) {
        switch encoding {
        case .unlabelled:
            if passesThrough(input) {
                output.append(contentsOf: input)
            } else {
                decode(input, final: final, into: &output)
            }
        case .utf8:
            output.append(contentsOf: input)
        case .windows1252:
            output.reserveCapacity(output.count + input.count)
            for byte in input {
                if byte < 0x80 {
                    output.append(byte)
                } else {
                    let scalar = (0x80...0x9F).contains(byte) ? Self.windows1252High[Int(byte - 0x80)] : UInt32(byte)
                    appendUTF8(scalar, to: &output)
                }
            }
        case .utf16LittleEndian, .utf16BigEndian:
            decodeUTF16(input, littleEndian: encoding == .utf16LittleEndian, final: final, into: &output)
        case .iconv:
            if iconv == nil {
                output.append(contentsOf: input)
            } else {
                iconv?.decode(input, final: final, into: &output)
            }
        }
    }

    private mutating func decodeUTF16(
        _ input: UnsafeBufferPointer<UInt8>, littleEndian: Bool, final: Bool, into output: inout [UInt8]
    ) {
        var bytes = carry
        bytes.append(contentsOf: input)
        carry.removeAll(keepingCapacity: true)
        var index = 0
        func unit(at position: Int) -> UInt32 {
            littleEndian
                ? UInt32(bytes[position]) | UInt32(bytes[position + 1]) << 8
                : UInt32(bytes[position]) << 8 | UInt32(bytes[position + 1])
        }
        while index + 1 < bytes.count {
            let first = unit(at: index)
            if (0xD800...0xDBFF).contains(first) {
                guard index + 3 < bytes.count else { break }
                let second = unit(at: index + 2)
                if (0xDC00...0xDFFF).contains(second) {
                    appendUTF8(0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00), to: &output)
                    index += 4
                } else {
                    appendUTF8(0xFFFD, to: &output)
                    index += 2
                }
            } else if (0xDC00...0xDFFF).contains(first) {
                appendUTF8(0xFFFD, to: &output)
                index += 2
            } else {
                appendUTF8(first, to: &output)
                index += 2
            }
        }
        if index < bytes.count {
            if final { appendUTF8(0xFFFD, to: &output) } else { carry = Array(bytes[index...]) }
        }
    }

    /// windows-1252 code points for bytes 0x80–0x9F; the five bytes it leaves undefined map to the C1 control of the same value, as browsers do.
    private static let windows1252High: [UInt32] = [
        0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8D,
        0x017D, 0x8F, 0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A,
        0x0153, 0x9D, 0x017E, 0x0178,
    ]
}

@inline(__always)
func appendUTF8(_ scalar: UInt32, to output: inout [UInt8]) {
    switch scalar {
    case 0..<0x80:
        output.append(UInt8(scalar))
    case 0x80..<0x800:
        output.append(UInt8(0xC0 | scalar >> 6))
        output.append(UInt8(0x80 | scalar & 0x3F))
    case 0x800..<0x10000:
        output.append(UInt8(0xE0 | scalar >> 12))
        output.append(UInt8(0x80 | scalar >> 6 & 0x3F))
        output.append(UInt8(0x80 | scalar & 0x3F))
    default:
        output.append(UInt8(0xF0 | scalar >> 18))
        output.append(UInt8(0x80 | scalar >> 12 & 0x3F))
        output.append(UInt8(0x80 | scalar >> 6 & 0x3F))
        output.append(UInt8(0x80 | scalar & 0x3F))
    }
}
