import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A streaming charset converter over glibc's iconv, for the less common encodings (KOI8-R, Shift_JIS, GB2312…).
final class IconvDecoder {
    private let handle: iconv_t
    private var carry: [UInt8] = []

    init?(charset: String) {
        let handle = iconv_open("UTF-8", charset)
        guard let handle, handle != iconv_t(bitPattern: -1) else { return nil }
        self.handle = handle
    }

    deinit { iconv_close(handle) }

    static func isSupported(_ charset: String) -> Bool {
        IconvDecoder(charset: charset) != nil
    }

    func decode(_ input: UnsafeBufferPointer<UInt8>, final: Bool, into output: inout [UInt8]) {
        var bytes = carry
        bytes.append(contentsOf: input)
        carry.removeAll()
        var scratch = [UInt8](repeating: 0, count: max(256, bytes.count * 4))
        bytes.withUnsafeMutableBufferPointer { source in
            var inPointer = UnsafeMutableRawPointer(source.baseAddress).map { $0.assumingMemoryBound(to: CChar.self) }
            var inLeft = source.count
            while inLeft > 0 {
                let (converted, errorNumber, remaining): (Int, Int32, Int) = scratch.withUnsafeMutableBytes { out in
                    var outPointer = out.baseAddress?.assumingMemoryBound(to: CChar.self)
                    var outLeft = out.count
                    let result = iconv(handle, &inPointer, &inLeft, &outPointer, &outLeft)
                    return (out.count - outLeft, result == -1 ? errno : 0, inLeft)
                }
                output.append(contentsOf: scratch[0..<converted])
                if errorNumber == EILSEQ {
                    appendUTF8(0xFFFD, to: &output)
                    inPointer = inPointer.map { $0 + 1 }
                    inLeft -= 1
                } else if errorNumber == EINVAL {
                    // An incomplete character at the end: keep it for the next chunk.
                    if final {
                        appendUTF8(0xFFFD, to: &output)
                    } else if let start = inPointer {
                        carry = Array(UnsafeBufferPointer(start: UnsafeRawPointer(start).assumingMemoryBound(to: UInt8.self), count: remaining))
                    }
                    break
                } else if errorNumber == E2BIG {
                    continue
                } else if errorNumber != 0 {
                    break
                }
            }
        }
    }
}
