import Foundation

/// A UTC date and time of the Gregorian calendar, from seconds since 1970. Years 1583–9999 only.
public struct CivilTime {
    public var year, month, day, hour, minute, second: Int

    public init?(secondsSince1970: Double) {
        // 1583-01-01T00:00:00Z … 9999-12-31T23:59:59Z
        guard secondsSince1970 >= -12_212_553_600, secondsSince1970 <= 253_402_300_799 else { return nil }
        let total = Int(secondsSince1970)
        let days = total >= 0 ? total / 86_400 : (total - 86_399) / 86_400  // rounded down
        let seconds = total - days * 86_400
        hour = seconds / 3600
        minute = seconds % 3600 / 60
        second = seconds % 60
        let (year, month, day) = UTCTimestamp.civil(fromDays: Int64(days))
        (self.year, self.month, self.day) = (Int(year), Int(month), Int(day))
    }
}

