/// Text for XML written by feedd (OPML files, Atom streams): markup characters as references, tab and line
/// breaks as character references (so attribute values keep them), and the characters XML 1.0 cannot carry,
/// with the C1 controls, dropped.
public enum XMLText {
    public static func escaped(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "\t": result += "&#9;"
            case "\n": result += "&#10;"
            case "\r": result += "&#13;"
            case _ where scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar == "\u{FFFE}" || scalar == "\u{FFFF}":
                continue
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}
