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

    // MARK: - RFC 822 / 1123 and the forms written with words

    /// `[Weekday,] DD Mon YYYY HH:MM[:SS] [zone]` and what publishers make of it: a missing or wrong
    /// weekday, no seconds, two-digit years, full month names, 12-hour clocks (`8:56 am`), named zones,
    /// numeric offsets with or without a colon, month and day names in English, French, German, Spanish
    /// and Catalan (`mar., 05 nov. 2024`, `Di, 05 Nov 2024 14:33 MEZ`, `5 de noviembre de 2024`), and numeric
    /// dates (`2020/1/10`, `05.11.2024`). A day/month order that cannot be told (`03/04/2024`) is not
    /// guessed: the date is unread.
    static func rfc822(_ bytes: [UInt8]) -> Date? {
        // Token by token on the bytes, allocating nothing: a feed has thousands of dates.
        bytes.withUnsafeBufferPointer { bytes -> Date? in
            var fields = DateFields()
            var position = 0
            while position < bytes.count {
                guard !isSeparator(bytes[position]) else {
                    position += 1
                    continue
                }
                let start = position
                while position < bytes.count && !isSeparator(bytes[position]) { position += 1 }
                guard fields.read(UnsafeBufferPointer(rebasing: bytes[start..<position])) else { return nil }
            }
            return fields.date
        }
    }

    private static func isSeparator(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x2C || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    /// A token of one to four ASCII letters, upper-cased and packed in a number, as `namedZones` keys are.
    static func zoneName<Bytes: Collection<UInt8>>(_ token: Bytes) -> UInt32? {
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
        zoneName(name.utf8).flatMap { namedZones[$0] }
    }

    private static func packed(_ text: String) -> UInt32 {
        text.utf8.enumerated().reduce(0) { $0 | UInt32($1.element) << (8 * $1.offset) }
    }

    /// Zone names RFC 822 defines, plus the European ones feeds use (German ones included: MEZ, MESZ).
    static let namedZones: [UInt32: Int] = Dictionary(uniqueKeysWithValues: [
        ("UT", 0), ("UTC", 0), ("GMT", 0), ("Z", 0), ("WET", 0),
        ("EST", -5 * 3600), ("EDT", -4 * 3600), ("CST", -6 * 3600), ("CDT", -5 * 3600),
        ("MST", -7 * 3600), ("MDT", -6 * 3600), ("PST", -8 * 3600), ("PDT", -7 * 3600),
        ("AKST", -9 * 3600), ("AKDT", -8 * 3600), ("HST", -10 * 3600),
        ("BST", 3600), ("IST", 3600), ("CET", 3600), ("MET", 3600), ("WEST", 3600), ("CEST", 7200), ("MEST", 7200),
        ("EET", 7200), ("EEST", 3 * 3600), ("MSK", 3 * 3600), ("JST", 9 * 3600), ("KST", 9 * 3600),
        ("AEST", 10 * 3600), ("AEDT", 11 * 3600), ("NZST", 12 * 3600), ("NZDT", 13 * 3600),
        ("WEZ", 0), ("WESZ", 3600), ("MEZ", 3600), ("MESZ", 7200), ("OEZ", 7200), ("OESZ", 3 * 3600),
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

/// What the tokens of a worded date have said so far.
private struct DateFields {
    var day: Int?, month: Int?, year: Int?
    var hour = 0, minute = 0, second = 0, offset = 0
    var sawTime = false
    /// `am` (false) or `pm` (true), when the clock is a 12-hour one.
    var afternoon: Bool?
    /// `mar` is March in English and Tuesday in French and Spanish: March unless another month is named.
    var sawMar = false

    var date: Date? {
        guard let day, let year, let month = month ?? (sawMar ? 3 : nil) else { return nil }
        var hour = hour
        if let afternoon {
            guard (1...12).contains(hour) else { return nil }
            hour = hour % 12 + (afternoon ? 12 : 0)
        }
        return UTCTimestamp.date(
            year: year, month: month, day: day, hour: hour, minute: minute, second: second, offsetSeconds: offset)
    }

    /// Takes in one token; false when it cannot be part of a date.
    mutating func read(_ token: UnsafeBufferPointer<UInt8>) -> Bool {
        if isDigit(token[0]) { return readNumeric(token) }
        if token[0] == 0x2B || token[0] == 0x2D { return readOffset(token) }
        if let zone = FeedDate.zoneName(token).flatMap({ FeedDate.namedZones[$0] }) {
            offset = zone
            return true
        }
        switch DateFields.words[DateFields.key(token)] {
        case .month(let value)?:
            guard month == nil else { return false }
            month = value
        case .weekday?, .filler?:
            break  // the weekday is redundant, and often wrong
        case .weekdayOrMarch?:
            sawMar = true
        case .meridiem(let pm)?:
            guard sawTime, afternoon == nil else { return false }
            afternoon = pm
        case nil:
            return false
        }
        return true
    }

    private mutating func readNumeric(_ token: UnsafeBufferPointer<UInt8>) -> Bool {
        if !sawTime, isClock(token) { return readClock(token) }
        if let separator = token.first(where: { $0 == 0x2F || $0 == 0x2D || $0 == 0x2E }), token.last != 0x2E {
            return readNumericDate(token, separator: separator)
        }
        // A day may carry an ordinal mark: `05.` (German), `1er` (French), `1st`.
        var digits = token[...]
        if digits.count >= 2, digits.last == 0x2E {
            digits = digits.dropLast()
        } else if let suffix = digits.firstIndex(where: { !isDigit($0) }) {
            guard DateFields.ordinalSuffixes.contains(DateFields.key(digits[suffix...])) else { return false }
            digits = digits[..<suffix]
        }
        guard let value = number(digits) else { return false }
        if day == nil, value >= 1, value <= 31, digits.count <= 2, month == nil || year == nil {
            day = value
        } else if year == nil, token.count == digits.count {
            year = digits.count <= 2 ? (value < 50 ? 2000 + value : 1900 + value) : value
        } else {
            return false
        }
        return true
    }

    /// Whether the token has a `:`, or an `h` before a digit as in `14h33`.
    private func isClock(_ token: UnsafeBufferPointer<UInt8>) -> Bool {
        token.indices.contains { token[$0] == 0x3A || token[$0] == 0x68 && $0 + 1 < token.count && isDigit(token[$0 + 1]) }
    }

    /// `HH:MM`, `HH:MM:SS` or `HHhMM`, with `am`/`pm` attached or not.
    private mutating func readClock(_ token: UnsafeBufferPointer<UInt8>) -> Bool {
        var clock = token[...]
        if clock.count > 2, let last = clock.last, last | 0x20 == 0x6D, let mark = clock.dropLast().last {
            switch mark | 0x20 {
            case 0x61: afternoon = false
            case 0x70: afternoon = true
            default: return false
            }
            clock = clock.dropLast(2)
        }
        var parts = (0, 0, 0)
        var count = 0
        var start = clock.startIndex
        for index in clock.startIndex...clock.endIndex where index == clock.endIndex || clock[index] == 0x3A || clock[index] == 0x68 {
            if index > start {
                guard count < 3, let value = number(clock[start..<index]) else { return false }
                switch count {
                case 0: parts.0 = value
                case 1: parts.1 = value
                default: parts.2 = value
                }
                count += 1
            }
            start = index + 1
        }
        guard count >= 2 else { return false }
        (hour, minute, second) = parts
        sawTime = true
        return true
    }

    /// `Y/M/D` and `Y-M-D`; `D.M.Y`; `D/M/Y` or `M/D/Y` when one of the two cannot be a month.
    private mutating func readNumericDate(_ token: UnsafeBufferPointer<UInt8>, separator: UInt8) -> Bool {
        guard day == nil, month == nil, year == nil, !sawMar else { return false }
        guard let first = token.firstIndex(of: separator), let second = token[(first + 1)...].firstIndex(of: separator),
            !token[(second + 1)...].contains(separator), let a = number(token[..<first]),
            let b = number(token[(first + 1)..<second]), let c = number(token[(second + 1)...])
        else { return false }
        if first == 4 {
            (year, month, day) = (a, b, c)
        } else if token.count - second - 1 == 4 {
            year = c
            if separator == 0x2E || a > 12 || a == b {
                (day, month) = (a, b)
            } else if b > 12 {
                (day, month) = (b, a)
            } else {
                return false
            }
        } else {
            return false
        }
        return true
    }

    /// `±HHMM`, `±HH:MM` or `±HH`.
    private mutating func readOffset(_ token: UnsafeBufferPointer<UInt8>) -> Bool {
        guard token.count >= 3 else { return false }
        var digits = 0
        var value = 0
        for byte in token.dropFirst() where byte != 0x3A {
            guard isDigit(byte) else { return false }
            value = value * 10 + Int(byte - 0x30)
            digits += 1
        }
        guard digits == 4 || digits == 2 else { return false }
        let hours = digits == 4 ? value / 100 : value
        let minutes = digits == 4 ? value % 100 : 0
        offset = (token[0] == 0x2D ? -1 : 1) * (hours * 3600 + minutes * 60)
        return true
    }

    private func isDigit(_ byte: UInt8) -> Bool { (0x30...0x39).contains(byte) }

    /// The value of a run of ASCII digits (at most 9 of them), else nil.
    private func number<Digits: Collection<UInt8>>(_ digits: Digits) -> Int? {
        guard !digits.isEmpty, digits.count <= 9 else { return nil }
        var value = 0
        for byte in digits {
            guard isDigit(byte) else { return nil }
            value = value * 10 + Int(byte - 0x30)
        }
        return value
    }

    /// A word's first eight bytes, lower-cased (Latin-1 capitals such as `É` included) and without the
    /// dots of an abbreviation (`nov.`, `a.m.`), packed in a number; 0 for a word longer than 12 bytes.
    static func key<Bytes: Collection<UInt8>>(_ word: Bytes) -> UInt64 {
        guard word.count <= 12 else { return 0 }
        var packed: UInt64 = 0
        var count = 0
        var previous: UInt8 = 0
        for byte in word where byte != 0x2E && count < 8 {
            var lower = (0x41...0x5A).contains(byte) ? byte | 0x20 : byte
            if previous == 0xC3, (0x80...0x9E).contains(byte), byte != 0x97 { lower = byte + 0x20 }
            packed |= UInt64(lower) << (8 * count)
            count += 1
            previous = byte
        }
        return packed
    }

    /// `1er`, `1st`, `2nd`, `3rd`, `4th`.
    static let ordinalSuffixes: Set<UInt64> = Set(["er", "st", "nd", "rd", "th"].map { key($0.utf8) })

    enum Word {
        case month(Int)
        case weekday
        case weekdayOrMarch
        /// `am` or `pm` (true).
        case meridiem(Bool)
        /// Words between the parts of a date: `5 de noviembre`, `14:33 Uhr`, `à 14h33`.
        case filler
    }

    /// Month and day names, full and abbreviated, in English, French, German, Spanish and Catalan, accented
    /// and not.
    static let words: [UInt64: Word] = {
        let months = [
            "jan january januar jän jänner janv janvier ene enero gen gener",
            "feb february februar févr fevr fév fev février fevrier febrero febr febrer",
            "march märz mär mrz maerz mars marzo març marc",
            "apr april avr avril abr abril",
            "may mai mayo maig",
            "jun june juni juin junio juny",
            "jul july juli juil juillet julio juliol",
            "aug august août aout ago agosto ag agost",
            "sep sept september septembre septiembre setiembre set setembre",
            "oct october okt oktober octobre octubre",
            "nov november novembre noviembre",
            "dec december dez dezember déc décembre decembre dic diciembre des desembre",
        ]
        var table: [UInt64: Word] = [:]
        func add(_ names: String, _ word: Word) {
            for name in names.split(separator: " ") where table[key(name.utf8)] == nil { table[key(name.utf8)] = word }
        }
        for (index, names) in months.enumerated() { add(names, .month(index + 1)) }
        add("mar", .weekdayOrMarch)
        add(
            """
            mon monday tue tues tuesday wed weds wednesday thu thur thurs thursday fri friday sat saturday sun sunday \
            mo montag di dienstag mi mittwoch do donnerstag fr freitag sa samstag sonnabend so sonntag \
            lun lundi mardi mer mercredi jeu jeudi ven vendredi sam samedi dim dimanche \
            lunes martes mié mie miércoles miercoles jue jueves vie viernes sáb sab sábado sabado dom domingo \
            dl dt dc dj dv ds dg dilluns dimarts dimecres dijous divendres dissabte diumenge
            """, .weekday)
        add("am", .meridiem(false))
        add("pm", .meridiem(true))
        add("de del um uhr à at", .filler)
        return table
    }()
}
