import FeedModel
import Foundation

/// Text the input repair takes out of the document on its way to libxml2 and hands to the SAX layer directly:
/// CDATA sections, and element text that holds references or non-ASCII characters. In its place libxml2
/// reads a processing instruction, the marker, and the SAX layer delivers the next piece of text there, in
/// document order.
///
/// libxml2 2.9 reads CDATA byte by byte three times in push mode (looking for `]]>`, validating UTF-8,
/// counting lines) and decodes non-ASCII text one character per call, hands each entity reference over on
/// its own: for a WordPress or an Atom feed that was most of its time, while the repair pass has already
/// validated these bytes and normalised their references.
///
/// A marker is `<?feedd-text TOKEN N?>`: a random token per document, so a document cannot forge one, and
/// the piece's number, so a marker libxml2 never reports (swallowed by an unterminated instruction of the
/// document, skipped in error recovery) costs that piece only, never the order of the ones after it.
final class DivertedText {
    /// The processing instruction's target.
    static let target = "feedd-text"
    /// Queued text beyond this is dropped, oldest first: libxml2 has stopped reporting markers.
    static let maxQueuedBytes = ParserLimits.maxFieldBytes
    /// `<?feedd-text TOKEN `: a marker's start.
    private let markerPrefix: [UInt8]
    /// The target, NUL-terminated, and the token, to compare with what libxml2 reports.
    private let targetCString = Array(DivertedText.target.utf8CString)
    private let tokenBytes: [UInt8]
    private var bytes: [UInt8] = []
    /// Where each queued piece ends in `bytes`; the piece at `ends[i]` has number `firstNumber + i`.
    private var ends: [Int] = []
    private var firstNumber = 0
    /// The index in `ends` of the next piece to deliver.
    private var next = 0

    init() {
        var generator = ProcessRandom()
        let digits = String(generator.next() as UInt64, radix: 16)
        let token = String(repeating: "0", count: 16 - digits.count) + digits  // 16 random hexadecimal digits
        markerPrefix = Array("<?\(Self.target) \(token) ".utf8)
        tokenBytes = Array(token.utf8)
    }

    /// The number in a processing instruction libxml2 reports, if it is one of this document's markers.
    func pieceNumber(target: UnsafePointer<CChar>, data: UnsafePointer<UInt8>) -> Int? {
        guard strcmp(target, targetCString) == 0 else { return nil }
        for (offset, byte) in tokenBytes.enumerated() where data[offset] != byte { return nil }
        guard data[tokenBytes.count] == UInt8(ascii: " ") else { return nil }
        var number = 0
        var index = tokenBytes.count + 1
        while data[index] >= UInt8(ascii: "0") && data[index] <= UInt8(ascii: "9") && index <= tokenBytes.count + 18 {
            number = number * 10 + Int(data[index] - UInt8(ascii: "0"))
            index += 1
        }
        return data[index] == 0 && index > tokenBytes.count + 1 ? number : nil
    }

    /// Queues one piece of text, as XML reads it: line ends normalised (CR LF and a lone CR become LF) and,
    /// with `decodingReferences`, the references the repair pass leaves in text decoded (`&lt;`, `&gt;`,
    /// `&amp;`, `&quot;`, `&apos;`, `&#N;`, `&#xH;`). Appends to `marker` the instruction to write in its place.
    func divert(_ text: UnsafeBufferPointer<UInt8>, decodingReferences: Bool, markerInto marker: inout [UInt8]) {
        marker.append(contentsOf: markerPrefix)
        marker.append(contentsOf: String(firstNumber + ends.count).utf8)
        marker.append(contentsOf: "?>".utf8)
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
                index += XMLReference.decode(text, at: index, into: &bytes)
            }
            runStart = index
        }
        bytes.append(contentsOf: UnsafeBufferPointer(rebasing: text[runStart..<text.count]))
        ends.append(bytes.count)
        // Nobody is taking pieces any more (libxml2 stopped, or lost its way): keep the memory bounded.
        while next < ends.count - 1 && bytes.count - start(of: next) > Self.maxQueuedBytes { next += 1 }
        if next > 0 && start(of: next) > Self.maxQueuedBytes { compact() }
    }

    /// Hands piece `number` to `body`: pieces before it whose markers never came are dropped, a number
    /// already delivered or never queued is ignored.
    func deliver(_ number: Int, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        let index = number - firstNumber
        guard index >= next, index < ends.count else { return }
        let range = start(of: index)..<ends[index]
        bytes.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[range])) }
        next = index + 1
        if next == ends.count {
            // Everything delivered: start over, keeping the storage.
            firstNumber += ends.count
            bytes.removeAll(keepingCapacity: true)
            ends.removeAll(keepingCapacity: true)
            next = 0
        }
    }

    private func start(of index: Int) -> Int { index == 0 ? 0 : ends[index - 1] }

    /// Forgets the pieces before `next`.
    private func compact() {
        let offset = start(of: next)
        bytes.removeSubrange(0..<offset)
        ends = ends[next...].map { $0 - offset }
        firstNumber += next
        next = 0
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
