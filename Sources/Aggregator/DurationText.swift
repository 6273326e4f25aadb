/// Durations as people write them in the config: `90s`, `15m`, `2h`, `1d`, or combined as `1h30m`.
public enum DurationText {
    public static func parse(_ text: String) -> Duration? {
        var total: Int64 = 0
        var number: Int64?
        for character in text.trimmingCharacters(in: .whitespaces) {
            if let digit = character.wholeNumberValue, character.isASCII {
                number = (number ?? 0) * 10 + Int64(digit)
                guard let current = number, current < 1_000_000_000 else { return nil }
                continue
            }
            guard let value = number else { return nil }
            switch character {
            case "s": total += value
            case "m": total += value * 60
            case "h": total += value * 3600
            case "d": total += value * 86_400
            default: return nil
            }
            number = nil
        }
        guard number == nil, total > 0 else { return nil }
        return .seconds(total)
    }

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

import Foundation
