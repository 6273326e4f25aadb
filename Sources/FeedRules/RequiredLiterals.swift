#if canImport(Glibc)
    import Glibc
#endif

/// What a simple pattern cannot match without: one of a few literal strings somewhere in the text. Most
/// rule patterns are words (`(?i)sponsored|promo`, `^dependabot`, `\bkubernetes\b`), and most texts hold
/// none of them: a byte search says so for a fraction of what ICU costs, which reads the text as UTF-16
/// afresh for each pattern (50 rules made `feedctl rules test` over 100,000 items take 13 s). Only a
/// necessary condition: when a literal is there, the expression decides.
struct RequiredLiterals: Sendable, Equatable {
    /// UTF-8; ASCII and lower-case when `caseInsensitive`.
    let literals: [[UInt8]]
    let caseInsensitive: Bool

    /// Nil for a pattern that is not a plain alternation of literals: any group, class, repetition,
    /// wildcard or escape other than escaped punctuation, and `^`, `$` or `\b` anywhere but at the ends of
    /// an alternative. Under `(?i)`, a literal with letters outside ASCII (whose case folding a byte search
    /// would not follow) is searched for by its longest run of ASCII, if that has three characters or more.
    init?(pattern: String) {
        var rest = Substring(pattern)
        caseInsensitive = rest.hasPrefix("(?i)")
        if caseInsensitive { rest = rest.dropFirst(4) }
        var literals: [[UInt8]] = []
        var current = String.UnicodeScalarView()
        // By scalars, as ICU reads a pattern: a metacharacter followed by a combining mark is still one.
        var scalars = Array(rest.unicodeScalars)
        scalars.append("|")  // ends the last alternative
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            index += 1
            switch scalar {
            case "|":
                guard let literal = Self.literal(String(current), caseInsensitive: caseInsensitive) else { return nil }
                literals.append(literal)
                current = String.UnicodeScalarView()
            case "\\":
                guard index < scalars.count - 1 else { return nil }
                let escaped = scalars[index]
                index += 1
                if escaped == "b" {
                    current.append("\u{0}")  // an anchor: allowed at either end only, checked below
                } else if (0x21...0x7E).contains(escaped.value), !escaped.properties.isAlphabetic,
                    !(0x30...0x39).contains(escaped.value)
                {
                    // Escaped ASCII punctuation is itself (`\.`, `\+`, `\$`).
                    current.append(escaped)
                } else {
                    return nil
                }
            case ".", "*", "+", "?", "(", ")", "[", "]", "{", "}", "\u{0}":
                return nil
            case "^", "$":
                current.append("\u{0}")  // an anchor, as \b
            default:
                current.append(scalar)
            }
        }
        self.literals = literals
    }

    /// An alternative's literal, its anchors (`^`, `$`, `\b`, marked NUL) taken off its ends.
    private static func literal(_ alternative: String, caseInsensitive: Bool) -> [UInt8]? {
        var text = Substring(alternative)
        while text.first == "\u{0}" { text.removeFirst() }
        while text.last == "\u{0}" { text.removeLast() }
        guard !text.isEmpty, !text.contains("\u{0}") else { return nil }
        if caseInsensitive {
            // Letters outside ASCII have case variants a byte search does not know: the longest run of
            // ASCII between them is what the text must hold (its letters, in either case).
            if text.allSatisfy(\.isASCII) { return Array(text.lowercased().utf8) }
            let runs = text.split { !$0.isASCII }
            guard let longest = runs.max(by: { $0.count < $1.count }), longest.count >= 3 else { return nil }
            return Array(longest.lowercased().utf8)
        }
        return Array(text.utf8)
    }

    /// Whether one of the literals occurs in `text` (or, under `(?i)`, a character that folds to ASCII
    /// letters does, which only the expression can judge).
    func mayMatch(_ text: RuleText) -> Bool {
        if caseInsensitive && text.foldsToASCII { return true }
        let haystack = caseInsensitive ? text.folded : text.bytes
        return haystack.withUnsafeBytes { bytes in
            literals.contains { literal in literal.withUnsafeBytes { Self.occurs($0, in: bytes) } }
        }
    }

    /// A byte search: libc's `memchr` to each place the first byte is, `memcmp` there.
    private static func occurs(_ needle: UnsafeRawBufferPointer, in haystack: UnsafeRawBufferPointer) -> Bool {
        guard let first = needle.first, let base = haystack.baseAddress, let needleBase = needle.baseAddress,
            needle.count <= haystack.count
        else { return false }
        var offset = 0
        let last = haystack.count - needle.count
        while offset <= last, let found = memchr(base + offset, Int32(first), last - offset + 1) {
            if memcmp(found, needleBase, needle.count) == 0 { return true }
            offset = base.distance(to: found) + 1
        }
        return false
    }

    /// Characters outside ASCII whose case folding holds ASCII letters: İ ŉ ſ ǰ ß ẖ–ẚ ẞ K (Kelvin) ﬀ–ﬆ (the
    /// search for them takes in U+1E9B–U+1E9D too, which only sends a few more texts to ICU).
    static func hasFoldingToASCII(_ bytes: [UInt8]) -> Bool {
        var index = 0
        while index + 1 < bytes.count {
            let a = bytes[index]
            // Most bytes are ASCII, or lead bytes of none of these (é is C3 A9).
            if a < 0xC3 {
                index += 1
                continue
            }
            let b = bytes[index + 1]
            switch a {
            case 0xC3 where b == 0x9F, 0xC4 where b == 0xB0, 0xC5 where b == 0x89 || b == 0xBF, 0xC7 where b == 0xB0:
                return true
            case 0xE1 where b == 0xBA && index + 2 < bytes.count && (0x96...0x9E).contains(bytes[index + 2]):
                return true
            case 0xE2 where b == 0x84 && index + 2 < bytes.count && bytes[index + 2] == 0xAA:
                return true
            case 0xEF where b == 0xAC && index + 2 < bytes.count && (0x80...0x86).contains(bytes[index + 2]):
                return true
            default:
                index += 1
            }
        }
        return false
    }
}

/// A text as the rules' patterns read it, prepared once for all of them: its bytes, the same with ASCII
/// letters in lower case, and whether it holds a character whose case folding gives ASCII letters.
public struct RuleText: Sendable {
    public let text: String
    let bytes: [UInt8]
    let folded: [UInt8]
    let foldsToASCII: Bool

    public init(_ text: String) {
        self.text = text
        bytes = Array(text.utf8)
        folded = bytes.map { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") ? $0 | 0x20 : $0 }
        foldsToASCII = RequiredLiterals.hasFoldingToASCII(bytes)
    }
}
