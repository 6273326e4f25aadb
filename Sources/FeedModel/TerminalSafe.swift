import Foundation

/// Makes feed text safe for a terminal: C0 and C1 controls and DEL (ESC, BEL, BS, CR, the 8-bit CSI U+009B…)
/// never reach it, so no escape sequence in a title can recolour, move the cursor, set a hyperlink or the clipboard.
public enum TerminalSafe {
    public static func text(_ value: String) -> String {
        if isSafeAlready(value) { return value }
        var result = String.UnicodeScalarView()
        var lastWasSpace = false
        for scalar in value.unicodeScalars {
            let isControl = scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
            if isControl || scalar == " " {
                if !lastWasSpace && !result.isEmpty { result.append(" ") }
                lastWasSpace = true
            } else {
                result.append(scalar)
                lastWasSpace = false
            }
        }
        return String(result).trimmingCharacters(in: .whitespaces)
    }

    /// Whether `text` would come back unchanged: no control character (C0, DEL, C1), no run of spaces,
    /// no white space at either end. Most titles and names are; checking costs a pass over the bytes,
    /// rebuilding them a tenth of `feedctl list --all`.
    static func isSafeAlready(_ value: String) -> Bool {
        var previous: UInt8 = 0x20  // a leading space is not
        for byte in value.utf8 {
            if byte < 0x20 || byte == 0x7F || (previous == 0xC2 && (0x80...0x9F).contains(byte)) { return false }
            if byte == 0x20 && previous == 0x20 { return false }
            previous = byte
        }
        guard previous != 0x20 || value.isEmpty else { return false }
        func isSpace(_ scalar: Unicode.Scalar?) -> Bool { scalar?.properties.generalCategory == .spaceSeparator }
        return !isSpace(value.unicodeScalars.first) && !isSpace(value.unicodeScalars.last)
    }

    /// Text that names something (a file, a URL, an error about them) with each control character written
    /// out instead (`\e`, `\n`, `\x07`, `\u{9B}`), and the bidirectional overrides that could make it read
    /// otherwise (U+202A–U+202E, U+2066–U+2069) too: a file named with ESC `]0;…` prints as `\e]0;…`, so
    /// the message still says which file, and the terminal is not told anything. `keepingNewlines` for
    /// messages of several lines.
    public static func escaped(_ value: String, keepingNewlines: Bool = false) -> String {
        var result = ""
        for scalar in value.unicodeScalars {
            let code = scalar.value
            switch code {
            case 0x0A where keepingNewlines: result.unicodeScalars.append(scalar)
            case 0x0A: result += "\\n"
            case 0x0D: result += "\\r"
            case 0x09: result += "\\t"
            case 0x1B: result += "\\e"
            case 0x00..<0x20, 0x7F: result += "\\x" + (code < 0x10 ? "0" : "") + String(code, radix: 16)
            case 0x80...0x9F, 0x202A...0x202E, 0x2066...0x2069: result += "\\u{" + String(code, radix: 16, uppercase: true) + "}"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// A link is printed only for http, https and mailto; anything else (javascript:, data:, file:) is not a link.
    public static func link(_ value: String) -> String? {
        let lower = value.lowercased()
        guard lower.hasPrefix("http://") || lower.hasPrefix("https://") || lower.hasPrefix("mailto:") else { return nil }
        return text(value)
    }
}
