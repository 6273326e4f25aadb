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
            return iso8601(bytes) ?? rfc822(trimmed)
        }
        return rfc822(trimmed) ?? iso8601(bytes)
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
            } else if let zone = scanner.letters(), let zoneOffset = namedZones[zone.uppercased()] {
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
    static func rfc822(_ text: String) -> Date? {
        var day: Int?, month: Int?, year: Int?
        var hour = 0, minute = 0, second = 0, offset = 0
        var sawTime = false
        // On the bytes: a feed has thousands of dates, and String tokens cost microseconds each.
        let bytes = Array(text.utf8)
        let tokens = bytes.split(whereSeparator: { $0 == 0x20 || $0 == 0x2C || $0 == 0x09 || $0 == 0x0A })
        for token in tokens {
            let startsWithDigit = isDigit(token[token.startIndex])
            if startsWithDigit, !sawTime, token.contains(0x3A) {
                let parts = token.split(separator: 0x3A).map(number)
                guard parts.count >= 2, parts.count <= 3, let h = parts[0], let m = parts[1] else { return nil }
                hour = h
                minute = m
                if parts.count == 3 {
                    guard let s = parts[2] else { return nil }
                    second = s
                }
                sawTime = true
            } else if startsWithDigit, let value = number(token) {
                if day == nil, value >= 1, value <= 31, token.count <= 2, month == nil || year == nil {
                    day = value
                } else if year == nil {
                    year = token.count <= 2 ? (value < 50 ? 2000 + value : 1900 + value) : value
                } else {
                    return nil
                }
            } else if month == nil, token.count >= 3, let index = monthPrefixes.firstIndex(of: lowercasePrefix(token)) {
                month = index + 1
            } else if token[token.startIndex] == 0x2B || token[token.startIndex] == 0x2D, token.count >= 3 {
                let digits = token.dropFirst().filter { $0 != 0x3A }
                guard digits.count == 4 || digits.count == 2, let value = number(digits[...]) else { return nil }
                let hours = digits.count == 4 ? value / 100 : value
                let minutes = digits.count == 4 ? value % 100 : 0
                offset = (token[token.startIndex] == 0x2D ? -1 : 1) * (hours * 3600 + minutes * 60)
            } else if let zoneOffset = namedZones[String(decoding: token, as: UTF8.self).uppercased()] {
                offset = zoneOffset
            } else if weekdayPrefixes.contains(lowercasePrefix(token)) {
                continue  // the weekday is redundant, and often wrong
            } else {
                return nil
            }
        }
        guard let day, let month, let year else { return nil }
        return UTCTimestamp.date(
            year: year, month: month, day: day, hour: hour, minute: minute, second: second, offsetSeconds: offset)
    }

    private static func isDigit(_ byte: UInt8) -> Bool { (0x30...0x39).contains(byte) }

    /// The value of a run of ASCII digits (at most 9 of them), else nil.
    private static func number(_ digits: ArraySlice<UInt8>) -> Int? {
        guard !digits.isEmpty, digits.count <= 9 else { return nil }
        var value = 0
        for byte in digits {
            guard isDigit(byte) else { return nil }
            value = value * 10 + Int(byte - 0x30)
        }
        return value
    }

    /// The first three bytes, ASCII letters lower-cased, as text ("" when shorter).
    private static func lowercasePrefix(_ token: ArraySlice<UInt8>) -> String {
        guard token.count >= 3 else { return "" }
        return String(decoding: token.prefix(3).map { (0x41...0x5A).contains($0) ? $0 | 0x20 : $0 }, as: UTF8.self)
    }

    private static let monthPrefixes = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    private static let weekdayPrefixes: Set<String> = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]

    /// Zone names RFC 822 defines, plus the European ones feeds use.
    private static let namedZones: [String: Int] = [
        "UT": 0, "UTC": 0, "GMT": 0, "Z": 0, "WET": 0,
        "EST": -5 * 3600, "EDT": -4 * 3600, "CST": -6 * 3600, "CDT": -5 * 3600,
        "MST": -7 * 3600, "MDT": -6 * 3600, "PST": -8 * 3600, "PDT": -7 * 3600,
        "AKST": -9 * 3600, "AKDT": -8 * 3600, "HST": -10 * 3600,
        "BST": 3600, "IST": 3600, "CET": 3600, "MET": 3600, "WEST": 3600, "CEST": 7200, "MEST": 7200,
        "EET": 7200, "EEST": 3 * 3600, "MSK": 3 * 3600, "JST": 9 * 3600, "KST": 9 * 3600,
        "AEST": 10 * 3600, "AEDT": 11 * 3600, "NZST": 12 * 3600, "NZDT": 13 * 3600,
    ]
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
