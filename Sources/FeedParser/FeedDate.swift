import FeedModel
import Foundation

/// Dates as feeds write them: RFC 822/1123 with the variants seen in the wild, and RFC 3339 / W3C-DTF.
/// A date that cannot be read is `nil`: never "now", never a reason to drop an item.
public enum FeedDate {
    /// Parses either family, whichever the text looks like.
    public static func parse(_ text: String) -> Date? {
        let trimmed = PlainText.trimmingASCIIWhitespace(text)
        guard let first = trimmed.utf8.first else { return nil }
        let bytes = Array(trimmed.utf8)
        if (0x30...0x39).contains(first), bytes.count >= 4, bytes[0..<4].allSatisfy({ (0x30...0x39).contains($0) }) {
            return iso8601(bytes) ?? rfc822(bytes)
        }
        return rfc822(bytes) ?? iso8601(bytes)
    }

    // MARK: - RFC 3339 / ISO 8601 / W3C-DTF

    /// `YYYY[-MM[-DD[Thh:mm[:ss[.fraction]][zone]]]]`; a space may stand for `T`; no zone means UTC.
    static func iso8601(_ bytes: [UInt8]) -> Date? {
        var scanner = ByteScanner(bytes: bytes)
        guard let year = scanner.number(digits: 4) else { return nil }
        var month = 1, day = 1, hour = 0, minute = 0, second = 0, offset = 0
        if scanner.skip("-") {
            guard let value = scanner.number(digits: 2) else { return nil }
            month = value
            if scanner.skip("-") {
                guard let value = scanner.number(digits: 2) else { return nil }
                day = value
            }
        }
        if scanner.skip("T") || scanner.skip("t") || scanner.skip(" ") {
            guard let h = scanner.number(digits: 2), scanner.skip(":"), let m = scanner.number(digits: 2) else {
                return nil
            }
            hour = h
            minute = m
            if scanner.skip(":") {
                guard let s = scanner.number(digits: 2) else { return nil }
                second = s
                if scanner.skip(".") || scanner.skip(",") { scanner.skipDigits() }
            }
            scanner.skipSpaces()
            if scanner.skip("Z") || scanner.skip("z") {
                offset = 0
            } else if let sign = scanner.sign() {
                guard let oh = scanner.number(digits: 2) else { return nil }
                _ = scanner.skip(":")
                let om = scanner.number(digits: 2) ?? 0
                offset = sign * (oh * 3600 + om * 60)
            } else if let zone = scanner.letters(), let zoneOffset = zoneOffset(named: zone) {
                offset = zoneOffset
            }
        }
        scanner.skipSpaces()
        guard scanner.atEnd else { return nil }
        return UTCTimestamp.date(
            year: year, month: month, day: day, hour: hour, minute: minute, second: second, offsetSeconds: offset)
    }

    // MARK: - RFC 822 / 1123

    /// `[Weekday,] DD Mon YYYY HH:MM[:SS] [zone]`, tolerating missing weekday or seconds, a wrong weekday,
    /// two-digit years, full month names, named zones and numeric offsets with or without a colon.
    static func rfc822(_ bytes: [UInt8]) -> Date? {
        // Token by token on the bytes, allocating nothing: a feed has thousands of dates.
        bytes.withUnsafeBufferPointer { bytes -> Date? in
            var day: Int?, month: Int?, year: Int?
            var hour = 0, minute = 0, second = 0, offset = 0
            var sawTime = false
            var position = 0
            while position < bytes.count {
                guard !isSeparator(bytes[position]) else {
                    position += 1
                    continue
                }
                let start = position
                while position < bytes.count && !isSeparator(bytes[position]) { position += 1 }
                let token = UnsafeBufferPointer(rebasing: bytes[start..<position])
                let startsWithDigit = isDigit(token[0])
                if startsWithDigit, !sawTime, token.contains(0x3A) {
                    guard let time = clockTime(token) else { return nil }
                    (hour, minute, second) = time
                    sawTime = true
                } else if startsWithDigit, let value = number(token) {
                    if day == nil, value >= 1, value <= 31, token.count <= 2, month == nil || year == nil {
                        day = value
                    } else if year == nil {
                        year = token.count <= 2 ? (value < 50 ? 2000 + value : 1900 + value) : value
                    } else {
                        return nil
                    }
                } else if month == nil, let prefix = lowercasePrefix(token), let index = monthPrefixes.firstIndex(of: prefix) {
                    month = index + 1
                } else if token[0] == 0x2B || token[0] == 0x2D, token.count >= 3 {
                    // ±HHMM, ±HH:MM or ±HH
                    var digits = 0
                    var value = 0
                    for byte in token.dropFirst() where byte != 0x3A {
                        guard isDigit(byte) else { return nil }
                        value = value * 10 + Int(byte - 0x30)
                        digits += 1
                    }
                    guard digits == 4 || digits == 2 else { return nil }
                    let hours = digits == 4 ? value / 100 : value
                    let minutes = digits == 4 ? value % 100 : 0
                    offset = (token[0] == 0x2D ? -1 : 1) * (hours * 3600 + minutes * 60)
                } else if let zoneOffset = zoneName(token).flatMap({ namedZones[$0] }) {
                    offset = zoneOffset
                } else if let prefix = lowercasePrefix(token), weekdayPrefixes.contains(prefix) {
                    continue  // the weekday is redundant, and often wrong
                } else {
                    return nil
                }
            }
            guard let day, let month, let year else { return nil }
            return UTCTimestamp.date(
                year: year, month: month, day: day, hour: hour, minute: minute, second: second, offsetSeconds: offset)
        }
    }

    private static func isSeparator(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x2C || byte == 0x09 || byte == 0x0A }

    private static func isDigit(_ byte: UInt8) -> Bool { (0x30...0x39).contains(byte) }

    /// The value of a run of ASCII digits (at most 9 of them), else nil.
    private static func number<Digits: Collection<UInt8>>(_ digits: Digits) -> Int? {
        guard !digits.isEmpty, digits.count <= 9 else { return nil }
        var value = 0
        for byte in digits {
            guard isDigit(byte) else { return nil }
            value = value * 10 + Int(byte - 0x30)
        }
        return value
    }

    /// `HH:MM` or `HH:MM:SS` (empty parts between colons ignored); nil for anything else.
    private static func clockTime(_ token: UnsafeBufferPointer<UInt8>) -> (hour: Int, minute: Int, second: Int)? {
        var parts = (0, 0, 0)
        var count = 0
        var start = 0
        for index in 0...token.count where index == token.count || token[index] == 0x3A {
            if index > start {
                guard count < 3, let value = number(token[start..<index]) else { return nil }
                switch count {
                case 0: parts.0 = value
                case 1: parts.1 = value
                default: parts.2 = value
                }
                count += 1
            }
            start = index + 1
        }
        return count >= 2 ? parts : nil
    }

    /// The first three bytes, ASCII letters lower-cased, packed in a number (nil when shorter).
    private static func lowercasePrefix(_ token: UnsafeBufferPointer<UInt8>) -> UInt32? {
        guard token.count >= 3 else { return nil }
        func lower(_ byte: UInt8) -> UInt32 { UInt32((0x41...0x5A).contains(byte) ? byte | 0x20 : byte) }
        return lower(token[0]) | lower(token[1]) << 8 | lower(token[2]) << 16
    }

    /// A token of one to four ASCII letters, upper-cased and packed in a number, as `namedZones` keys are.
    private static func zoneName(_ token: UnsafeBufferPointer<UInt8>) -> UInt32? {
        guard token.count <= 4 else { return nil }
        var packed: UInt32 = 0
        for (index, byte) in token.enumerated() {
            let upper = (0x61...0x7A).contains(byte) ? byte & ~0x20 : byte
            guard (0x41...0x5A).contains(upper) else { return nil }
            packed |= UInt32(upper) << (8 * index)
        }
        return packed
    }

    private static func zoneOffset(named name: String) -> Int? {
        var name = name
        return name.withUTF8 { zoneName($0).flatMap { namedZones[$0] } }
    }

    private static func packed(_ text: String) -> UInt32 {
        text.utf8.enumerated().reduce(0) { $0 | UInt32($1.element) << (8 * $1.offset) }
    }

    private static let monthPrefixes = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"].map(packed)
    private static let weekdayPrefixes = Set(["mon", "tue", "wed", "thu", "fri", "sat", "sun"].map(packed))

    /// Zone names RFC 822 defines, plus the European ones feeds use.
    private static let namedZones: [UInt32: Int] = Dictionary(uniqueKeysWithValues: [
        ("UT", 0), ("UTC", 0), ("GMT", 0), ("Z", 0), ("WET", 0),
        ("EST", -5 * 3600), ("EDT", -4 * 3600), ("CST", -6 * 3600), ("CDT", -5 * 3600),
        ("MST", -7 * 3600), ("MDT", -6 * 3600), ("PST", -8 * 3600), ("PDT", -7 * 3600),
        ("AKST", -9 * 3600), ("AKDT", -8 * 3600), ("HST", -10 * 3600),
        ("BST", 3600), ("IST", 3600), ("CET", 3600), ("MET", 3600), ("WEST", 3600), ("CEST", 7200), ("MEST", 7200),
        ("EET", 7200), ("EEST", 3 * 3600), ("MSK", 3 * 3600), ("JST", 9 * 3600), ("KST", 9 * 3600),
        ("AEST", 10 * 3600), ("AEDT", 11 * 3600), ("NZST", 12 * 3600), ("NZDT", 13 * 3600),
    ].map { (packed($0.0), $0.1) })
}

/// A cursor over ASCII bytes for the fixed-width date forms.
private struct ByteScanner {
    let bytes: [UInt8]
    var position = 0

    var atEnd: Bool { position >= bytes.count }

    mutating func number(digits: Int) -> Int? {
        guard position + digits <= bytes.count else { return nil }
        var value = 0
        for offset in 0..<digits {
            let byte = bytes[position + offset]
            guard (0x30...0x39).contains(byte) else { return nil }
            value = value * 10 + Int(byte - 0x30)
        }
        position += digits
        return value
    }

    mutating func skip(_ character: Character) -> Bool {
        guard position < bytes.count, let ascii = character.asciiValue, bytes[position] == ascii else { return false }
        position += 1
        return true
    }

    mutating func skipDigits() {
        while position < bytes.count, (0x30...0x39).contains(bytes[position]) { position += 1 }
    }

    mutating func skipSpaces() {
        while position < bytes.count, bytes[position] == 0x20 { position += 1 }
    }

    mutating func sign() -> Int? {
        if skip("+") { return 1 }
        if skip("-") { return -1 }
        return nil
    }

    mutating func letters() -> String? {
        let start = position
        while position < bytes.count, (0x41...0x5A).contains(bytes[position] & ~0x20) { position += 1 }
        return position > start ? String(decoding: bytes[start..<position], as: UTF8.self) : nil
    }
}
