/// The references XML itself defines, read on bytes: `&lt;`, `&gt;`, `&amp;`, `&quot;`, `&apos;`, `&#N;` and
/// `&#xH;`. Used for the text feedd decodes in place of libxml2 (`DivertedText`) and for attribute values,
/// in which libxml2 leaves character references when it does not substitute entities.
enum XMLReference {
    /// Appends to `bytes` what the reference starting with `&` at `index` stands for; returns how many bytes
    /// of `text` it took. Anything else (no `;` within 64 bytes, another name, a number that is no Unicode
    /// scalar) is copied as it stands.
    static func decode(_ text: UnsafeBufferPointer<UInt8>, at index: Int, into bytes: inout [UInt8]) -> Int {
        var end = index + 1
        // The repair pass lets references of up to 40 bytes through (leading zeros are allowed).
        while end < text.count, end - index <= 64, text[end] != UInt8(ascii: ";") { end += 1 }
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
        default: decoded = characterReference(name)
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

    /// `text` with every reference decoded.
    static func decodingAll(_ text: String) -> String {
        guard text.utf8.contains(UInt8(ascii: "&")) else { return text }
        var text = text
        return text.withUTF8 { utf8 in
            var bytes: [UInt8] = []
            bytes.reserveCapacity(utf8.count)
            var index = 0
            while index < utf8.count {
                if utf8[index] == UInt8(ascii: "&") {
                    index += decode(utf8, at: index, into: &bytes)
                } else {
                    bytes.append(utf8[index])
                    index += 1
                }
            }
            return String(decoding: bytes, as: UTF8.self)
        }
    }

    /// `#N` or `#xH`.
    private static func characterReference(_ name: UnsafeBufferPointer<UInt8>) -> Unicode.Scalar? {
        guard name.count >= 2, name[0] == UInt8(ascii: "#") else { return nil }
        let hex = name[1] | 0x20 == UInt8(ascii: "x")
        let digits = name.dropFirst(hex ? 2 : 1)
        guard !digits.isEmpty else { return nil }
        var value: UInt32 = 0
        for digit in digits {
            guard value <= 0x10FFFF else { return nil }  // beyond Unicode: no scalar, and no overflow
            switch digit {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = value * (hex ? 16 : 10) + UInt32(digit - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f") where hex: value = value * 16 + UInt32(digit - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F") where hex: value = value * 16 + UInt32(digit - UInt8(ascii: "A") + 10)
            default: return nil
            }
        }
        return Unicode.Scalar(value)
    }
}
