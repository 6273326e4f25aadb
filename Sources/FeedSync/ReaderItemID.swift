/// An item's id as Google Reader clients write it. feedd's own id (16 hex digits, stable for the life of the
/// store) is the same 64 bits in every form: the long form `tag:google.com,2005:reader/item/` + the hex
/// digits, the short hex form, and the decimal form (those bits as a signed 64-bit number), which
/// `stream/items/ids` answers with.
public enum ReaderItemID {
    static let longPrefix = "tag:google.com,2005:reader/item/"

    /// feedd's id (lower-case hex) from any of the three forms; nil when it is none of them. Sixteen decimal
    /// digits read as both a short hex id and a decimal one: both are given (the decimal reading first, the
    /// form `stream/items/ids` hands out), and the one the store holds is the item.
    public static func parse(_ text: String) -> [String]? {
        if text.hasPrefix(longPrefix) { return hex(text.dropFirst(longPrefix.count)).map { [$0] } }
        let decimal = Int64(text).map { padded(String(UInt64(bitPattern: $0), radix: 16)) }
        let short = text.utf8.count == 16 ? hex(Substring(text)) : nil
        let readings = [decimal, short].compactMap { $0 }
        guard !readings.isEmpty else { return nil }
        return readings[0] == readings.last ? [readings[0]] : readings
    }

    /// The long form of feedd's id.
    public static func long(_ id: String) -> String { longPrefix + id }

    /// The decimal form of feedd's id ("0" for a malformed one, which the store never holds).
    public static func decimal(_ id: String) -> String {
        String(Int64(bitPattern: UInt64(id, radix: 16) ?? 0))
    }

    private static func hex(_ digits: Substring) -> String? {
        guard digits.utf8.count == 16, digits.allSatisfy(\.isHexDigit), let value = UInt64(digits, radix: 16) else { return nil }
        return padded(String(value, radix: 16))
    }

    private static func padded(_ digits: String) -> String {
        String(repeating: "0", count: max(0, 16 - digits.utf8.count)) + digits
    }
}
