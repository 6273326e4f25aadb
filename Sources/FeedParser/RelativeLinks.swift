import Foundation

/// Relative links made absolute: a feed's own links, and the `href`, `src`, `srcset`, `poster` and `cite`
/// attributes inside the HTML of summaries and contents, so that a reader away from the publisher's page
/// (`feedctl show`, an API client) gets links that work.
public enum RelativeLinks {
    /// `link` resolved against `base`, with characters a URL may not hold percent-encoded; nil when it does
    /// not parse or, being relative, has no base.
    public static func absoluteURL(_ link: String, base: URL?) -> URL? {
        let url = URL(string: link, relativeTo: base)
            ?? link.addingPercentEncoding(withAllowedCharacters: .urlFragmentAllowed.union(.urlQueryAllowed))
            .flatMap { URL(string: $0, relativeTo: base) }
        guard let absolute = url?.absoluteURL, absolute.scheme != nil else { return nil }
        return absolute
    }

    /// `html` with every relative link attribute resolved against `base` (http and https bases only: a
    /// `file:` base would make links no browser should follow from a feed). Links with a scheme, and
    /// everything else in the markup, stay byte for byte; a body without relative links is returned as is.
    /// `base` is asked for only when a relative link is met (most bodies have none).
    static func resolvingLinks(inHTML html: String, base: () -> URL?) -> String {
        var html = html
        let rewritten = withoutActuallyEscaping(base) { base in
            html.withUTF8 { bytes in
                var rewriter = Rewriter(bytes: bytes, base: base)
                rewriter.run()
                return rewriter.output.map { String(decoding: $0, as: UTF8.self) }
            }
        }
        return rewritten ?? html
    }


    /// Walks the tags of the markup; copies the bytes into `output` from the first rewritten value on.
    private struct Rewriter {
        let bytes: UnsafeBufferPointer<UInt8>
        let baseProvider: () -> URL?
        /// The base, once asked for: nil inside when it is not an http(s) URL (nothing is rewritten then).
        private var base: URL??
        /// The markup so far, once a value has been rewritten; nil while nothing has.
        var output: [UInt8]?
        /// Where the bytes not yet copied to `output` start.
        var copied = 0

        init(bytes: UnsafeBufferPointer<UInt8>, base: @escaping () -> URL?) {
            self.bytes = bytes
            baseProvider = base
        }

        /// The http(s) base, asked for once.
        private mutating func webBase() -> URL? {
            if let base { return base }
            let provided = baseProvider().flatMap { ["http", "https"].contains($0.scheme?.lowercased()) ? $0 : nil }
            base = .some(provided)
            return provided
        }

        mutating func run() {
            var position = 0
            while let open = nextTagStart(from: position) {
                position = attributes(from: open + 1)
            }
            if output != nil { output?.append(contentsOf: bytes[copied...]) }
        }

        /// The `<` of the next start tag (a letter follows it).
        private func nextTagStart(from position: Int) -> Int? {
            guard let base = bytes.baseAddress else { return nil }
            var index = position
            while index + 1 < bytes.count {
                // memchr finds the next `<` far faster than a loop over the text between tags.
                guard let found = memchr(base + index, 0x3C, bytes.count - index - 1) else { return nil }
                index = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
                if isLetter(bytes[index + 1]) { return index }
                index += 1
            }
            return nil
        }

        /// Reads the tag's name and attributes, rewriting link values; returns where the tag ends.
        private mutating func attributes(from start: Int) -> Int {
            var index = start
            while index < bytes.count, !isSpace(bytes[index]), bytes[index] != 0x3E, bytes[index] != 0x2F { index += 1 }
            while index < bytes.count {
                while index < bytes.count, isSpace(bytes[index]) || bytes[index] == 0x2F { index += 1 }
                guard index < bytes.count, bytes[index] != 0x3E else { return index + 1 }
                let nameStart = index
                while index < bytes.count, !isSpace(bytes[index]), bytes[index] != 0x3D, bytes[index] != 0x3E,
                    bytes[index] != 0x2F
                {
                    index += 1
                }
                let kind = linkAttribute(nameStart..<index)
                while index < bytes.count, isSpace(bytes[index]) { index += 1 }
                guard index < bytes.count, bytes[index] == 0x3D else { continue }
                index += 1
                while index < bytes.count, isSpace(bytes[index]) { index += 1 }
                guard index < bytes.count else { return index }
                let valueStart: Int
                let valueEnd: Int
                if bytes[index] == 0x22 || bytes[index] == 0x27 {
                    let quote = bytes[index]
                    valueStart = index + 1
                    var end = valueStart
                    while end < bytes.count, bytes[end] != quote { end += 1 }
                    valueEnd = end
                    index = min(end + 1, bytes.count)
                } else {
                    valueStart = index
                    while index < bytes.count, !isSpace(bytes[index]), bytes[index] != 0x3E { index += 1 }
                    valueEnd = index
                }
                if let kind { rewrite(kind, attribute: nameStart..<index, value: valueStart..<valueEnd) }
            }
            return index
        }

        enum LinkAttribute { case single, sourceSet }

        /// Whether the attribute named by `range` holds a link, told by its length and first letter before
        /// any comparison (most attributes are not links).
        private func linkAttribute(_ range: Range<Int>) -> LinkAttribute? {
            func named(_ name: StaticString) -> Bool {
                guard range.count == name.utf8CodeUnitCount else { return false }
                var offset = 0
                for index in range {
                    guard bytes[index] | 0x20 == name.utf8Start[offset] else { return false }
                    offset += 1
                }
                return true
            }
            guard range.count >= 3, range.count <= 6 else { return nil }
            switch bytes[range.lowerBound] | 0x20 {
            case UInt8(ascii: "h"): return named("href") ? .single : nil
            case UInt8(ascii: "s"): return named("src") ? .single : named("srcset") ? .sourceSet : nil
            case UInt8(ascii: "p"): return named("poster") ? .single : nil
            case UInt8(ascii: "c"): return named("cite") ? .single : nil
            default: return nil
            }
        }

        /// Replaces the attribute (`name=value`, as written) by `name="absolute"` when its value is relative.
        private mutating func rewrite(_ kind: LinkAttribute, attribute: Range<Int>, value: Range<Int>) {
            // Most links are absolute: seen on the bytes, without making a string.
            if kind == .single {
                let start = bytes[value].firstIndex { !isSpace($0) } ?? value.upperBound
                if start == value.upperBound || hasScheme(bytes[start..<value.upperBound]) { return }
            }
            guard let base = webBase() else { return }
            let written = decodedValue(value)
            let resolved: String?
            switch kind {
            case .single: resolved = resolve(written, base: base)
            case .sourceSet:
                // `a.jpg 1x, b.jpg 2x`: each candidate is a URL and an optional descriptor.
                var changed = false
                let candidates = written.split(separator: ",", omittingEmptySubsequences: false).map { candidate -> String in
                    let trimmed = candidate.drop(while: { $0 == " " || $0 == "\n" || $0 == "\t" })
                    let url = trimmed.prefix(while: { $0 != " " && $0 != "\n" && $0 != "\t" })
                    guard let absolute = resolve(String(url), base: base) else { return String(candidate) }
                    changed = true
                    return (candidate.startIndex == trimmed.startIndex ? "" : " ") + absolute + trimmed.dropFirst(url.count)
                }
                resolved = changed ? candidates.joined(separator: ",") : nil
            }
            guard let resolved else { return }
            let nameEnd = bytes[attribute].firstIndex { isSpace($0) || $0 == 0x3D } ?? attribute.upperBound
            if output == nil { output = [] }
            output?.append(contentsOf: bytes[copied..<nameEnd])
            output?.append(contentsOf: "=\"".utf8)
            for byte in resolved.utf8 {
                switch byte {
                case 0x26: output?.append(contentsOf: "&amp;".utf8)
                case 0x22: output?.append(contentsOf: "&quot;".utf8)
                default: output?.append(byte)
                }
            }
            output?.append(0x22)
            copied = attribute.upperBound
        }

        /// The absolute form of a relative link, nil for one that has a scheme, is empty or does not resolve.
        private func resolve(_ link: String, base: URL) -> String? {
            let trimmed = PlainText.trimmingASCIIWhitespace(link)
            guard !trimmed.isEmpty, !hasScheme(trimmed.utf8[...]) else { return nil }
            return RelativeLinks.absoluteURL(trimmed, base: base)?.absoluteString
        }

        /// The attribute value with its character references decoded (`&amp;` in a query string).
        private func decodedValue(_ range: Range<Int>) -> String {
            let raw = String(decoding: bytes[range], as: UTF8.self)
            guard bytes[range].contains(0x26) else { return raw }
            var text = ""
            var rest = raw[...]
            while let ampersand = rest.firstIndex(of: "&") {
                text += rest[..<ampersand]
                let after = rest[rest.index(after: ampersand)...]
                if let semicolon = after.prefix(32).firstIndex(of: ";"),
                    let scalar = PlainText.decodeReference(String(after[..<semicolon]))
                {
                    text.unicodeScalars.append(scalar)
                    rest = after[after.index(after: semicolon)...]
                } else {
                    text += "&"
                    rest = after
                }
            }
            return text + rest
        }

        /// `scheme:` at the start: a letter, then letters, digits, `+`, `-` or `.`, then `:`.
        private func hasScheme<Bytes: Collection<UInt8>>(_ link: Bytes) -> Bool {
            guard let first = link.first, isLetter(first) else { return false }
            for byte in link.dropFirst() {
                if byte == 0x3A { return true }
                guard isLetter(byte) || (0x30...0x39).contains(byte) || byte == 0x2B || byte == 0x2D || byte == 0x2E else {
                    return false
                }
            }
            return false
        }

        private func isLetter(_ byte: UInt8) -> Bool { (0x61...0x7A).contains(byte | 0x20) }
        private func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 || byte == 0x0C }
    }
}
