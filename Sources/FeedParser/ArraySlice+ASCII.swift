import Foundation

#if canImport(Glibc)
    import Glibc
#endif

extension ArraySlice<UInt8> {
    /// Where the ASCII `literal` first occurs, as indices of this slice. (The standard library's
    /// `firstRange(of:)` allocated at every position it tried.)
    func range(ofASCII literal: StaticString) -> Range<Int>? {
        literal.withUTF8Buffer { pattern -> Range<Int>? in
            guard count >= pattern.count else { return nil }
            for position in startIndex...(endIndex - pattern.count)
            where self[position..<position + pattern.count].elementsEqual(pattern) {
                return position..<position + pattern.count
            }
            return nil
        }
    }
}
