import Foundation

/// Text the input repair takes out of the document on its way to libxml2 and hands to the SAX layer directly:
/// CDATA sections, and element text that holds references or non-ASCII characters. In its place libxml2
/// reads a processing instruction, the marker, and the SAX layer delivers the next piece of text there, in
/// document order.
///
/// libxml2 2.9 reads CDATA byte by byte three times in push mode (looking for `]]>`, validating UTF-8,
/// counting lines) and decodes non-ASCII text one character per call, hands each entity reference over on
/// its own: for a WordPress or an Atom feed that was most of its time, while the repair pass has already
/// validated these bytes and normalised their references. The marker carries a random token per document,
/// so a document cannot forge one.
final class DivertedText {
    /// The processing instruction's target.
    static let target = "feedd-text"
    /// Its data: 16 random hexadecimal digits.
    let token: String
    /// `<?feedd-text TOKEN?>`, written where a piece of text was taken out.
    let marker: [UInt8]
    /// The target and the token, NUL-terminated, to compare with what libxml2 reports.
    private let targetCString = Array(DivertedText.target.utf8CString)
    private let tokenCString: [CChar]
    private var bytes: [UInt8] = []
    private var ends: [Int] = []
    private var next = 0

    init() {
        var generator = SystemRandomNumberGenerator()
        let digits = String(generator.next() as UInt64, radix: 16)
        token = String(repeating: "0", count: 16 - digits.count) + digits
        marker = Array("<?\(Self.target) \(token)?>".utf8)
        tokenCString = Array(token.utf8CString)
    }

    /// Whether a processing instruction libxml2 reports is this document's marker.
    func isMarker(target: UnsafePointer<CChar>, data: UnsafePointer<CChar>) -> Bool {
        strcmp(target, targetCString) == 0 && strcmp(data, tokenCString) == 0
    }

    /// Queues one piece of text, as XML reads it: line ends normalised (CR LF and a lone CR become LF) and,
    /// with `decodingReferences`, the references the repair pass leaves in text decoded (`&lt;`, `&gt;`,
    /// `&amp;`, `&quot;`, `&apos;`, `&#N;`, `&#xH;`). The caller writes `marker` in its place.
    func divert(_ text: UnsafeBufferPointer<UInt8>, decodingReferences: Bool) {
        bytes.reserveCapacity(bytes.count + text.count)
        let ampersand = decodingReferences ? UInt8(ascii: "&") : UInt8(ascii: "\r")
        var index = 0
        var runStart = 0
        while index < text.count {
            index = Self.skipOrdinary(text, from: index, ampersand: ampersand)
            guard index < text.count else { break }
            let byte = text[index]
            guard byte == UInt8(ascii: "\r") || byte == ampersand else {
                index += 1
                continue
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: text[runStart..<index]))
            if byte == UInt8(ascii: "\r") {
                bytes.append(UInt8(ascii: "\n"))
                index += index + 1 < text.count && text[index + 1] == UInt8(ascii: "\n") ? 2 : 1
            } else {
                index += appendReference(text, at: index)
            }
            runStart = index
        }
        bytes.append(contentsOf: UnsafeBufferPointer(rebasing: text[runStart..<text.count]))
        ends.append(bytes.count)
    }

    /// Hands the oldest queued piece to `body` (nothing when none is queued).
    func deliverNext(_ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        guard next < ends.count else { return }
        let start = next == 0 ? 0 : ends[next - 1]
        bytes.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[start..<ends[next]])) }
        next += 1
        if next == ends.count {
            // Everything delivered: start over, keeping the storage.
            bytes.removeAll(keepingCapacity: true)
            ends.removeAll(keepingCapacity: true)
            next = 0
        }
    }

    /// Decodes the reference at `index` into `bytes`; returns the bytes it took. Anything else than the
    /// references listed in `divert` is copied as it stands.
    private func appendReference(_ text: UnsafeBufferPointer<UInt8>, at index: Int) -> Int {
        var end = index + 1
        while end < text.count, end - index <= 12, text[end] != UInt8(ascii: ";") { end += 1 }
        guard end < text.count, text[end] == UInt8(ascii: ";") else {
            bytes.append(UInt8(ascii: "&"))
            return 1
        }
        let name = UnsafeBufferPointer(rebasing: text[(index + 1)..<end])
        let decoded: Unicode.Scalar?
        switch name.count {
        case 2 where name[1] == UInt8(ascii: "t") && name[0] == UInt8(ascii: "l"): decoded = "<"
        case 2 where name[1] == UInt8(ascii: "t") && name[0] == UInt8(ascii: "g"): decoded = ">"
        case 3 where name.elementsEqual("amp".utf8): decoded = "&"
        case 4 where name.elementsEqual("quot".utf8): decoded = "\""
        case 4 where name.elementsEqual("apos".utf8): decoded = "'"
        default: decoded = Self.characterReference(name)
        }
        guard let decoded else {
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: text[index...end]))
            return end + 1 - index
        }
        if decoded.isASCII {
            bytes.append(UInt8(decoded.value))
        } else {
            bytes.append(contentsOf: decoded.utf8)
        }
        return end + 1 - index
    }

    /// `#N` or `#xH`.
    private static func characterReference(_ name: UnsafeBufferPointer<UInt8>) -> Unicode.Scalar? {
        guard name.count >= 2, name[0] == UInt8(ascii: "#") else { return nil }
        let hex = name[1] | 0x20 == UInt8(ascii: "x")
        let digits = name.dropFirst(hex ? 2 : 1)
        guard !digits.isEmpty, digits.count <= 8 else { return nil }
        var value: UInt32 = 0
        for digit in digits {
            switch digit {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = value * (hex ? 16 : 10) + UInt32(digit - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f") where hex: value = value * 16 + UInt32(digit - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F") where hex: value = value * 16 + UInt32(digit - UInt8(ascii: "A") + 10)
            default: return nil
            }
        }
        return Unicode.Scalar(value)
    }

    /// Skips 16-byte blocks without `\r` and `ampersand`; returns where a closer look is needed.
    private static func skipOrdinary(_ text: UnsafeBufferPointer<UInt8>, from start: Int, ampersand: UInt8) -> Int {
        guard let base = text.baseAddress else { return start }
        var index = start
        let carriageReturn = SIMD16<UInt8>(repeating: UInt8(ascii: "\r"))
        let special = SIMD16<UInt8>(repeating: ampersand)
        while index + 16 <= text.count {
            let block = UnsafeRawPointer(base + index).loadUnaligned(as: SIMD16<UInt8>.self)
            if any((block .== carriageReturn) .| (block .== special)) { break }
            index += 16
        }
        return index
    }
}
