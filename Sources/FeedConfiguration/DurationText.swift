import Foundation

/// Durations as people write them in the config: `90s`, `15m`, `2h`, `1d`, or combined as `1h30m`.
public enum DurationText {
    public static func parse(_ text: String) -> Duration? {
        var total: Int64 = 0
        var number: Int64?
        for character in text.trimmingCharacters(in: .whitespaces) {
            if let digit = character.wholeNumberValue, character.isASCII {
                let (shifted, overflow) = (number ?? 0).multipliedReportingOverflow(by: 10)
                guard !overflow, shifted <= maxSeconds else { return nil }
                number = shifted + Int64(digit)
                continue
            }
            guard let value = number else { return nil }
            let unit: Int64
            switch character {
            case "s": unit = 1
            case "m": unit = 60
            case "h": unit = 3600
            case "d": unit = 86_400
            default: return nil
            }
            let (seconds, overflow) = value.multipliedReportingOverflow(by: unit)
            guard !overflow, seconds <= maxSeconds - total else { return nil }
            total += seconds
            number = nil
        }
        guard number == nil, total > 0 else { return nil }
        return .seconds(total)
    }

    /// Nothing in feedd waits longer than ten years; longer text is refused rather than overflowed.
    static let maxSeconds: Int64 = 10 * 365 * 86_400

    /// The shortest text that `parse` reads back as `duration`: `1h30m`, `45s`.
    public static func format(_ duration: Duration) -> String {
        var seconds = duration.components.seconds
        guard seconds > 0 else { return "0s" }
        var text = ""
        for (unit, size) in [("d", Int64(86_400)), ("h", 3600), ("m", 60), ("s", 1)] where seconds >= size {
            text += "\(seconds / size)\(unit)"
            seconds %= size
        }
        return text
    }
}
