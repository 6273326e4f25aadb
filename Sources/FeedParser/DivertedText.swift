/// Text the input repair takes out of the document on its way to libxml2 and hands to the SAX layer directly:
/// the contents of CDATA sections. In their place libxml2 reads a processing instruction, the marker, and the
/// SAX layer delivers the next piece of text there, in document order.
///
/// libxml2 2.9 checks CDATA byte by byte three times in push mode (looking for `]]>`, validating UTF-8,
/// counting lines) — a third of the parse of a WordPress feed — while the repair pass has already validated
/// those bytes. The marker carries a random token per document, so a document cannot forge one.
final class DivertedText {
    /// The processing instruction's target.
    static let target = "feedd-cdata"
    /// Its data: 16 random hexadecimal digits.
    let token: String
    /// `<?feedd-cdata TOKEN?>`, written where a piece of text was taken out.
    let marker: [UInt8]
    private var bytes: [UInt8] = []
    private var ends: [Int] = []
    private var next = 0

    init() {
        var generator = SystemRandomNumberGenerator()
        let value = generator.next()
        token = String(repeating: "0", count: 16 - String(value, radix: 16).count) + String(value, radix: 16)
        marker = Array("<?\(Self.target) \(token)?>".utf8)
    }

    /// Queues `text`; the caller writes `marker` in its place.
    func divert(_ text: UnsafeBufferPointer<UInt8>) {
        bytes.append(contentsOf: text)
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
}
