import Foundation

/// Durations as people read them: "in 4m", "2h ago", "now".
public enum RelativeTime {
    public static func describe(_ date: Date, now: Date) -> String {
        let seconds = Int(date.timeIntervalSince(now).rounded())
        let magnitude = abs(seconds)
        let text: String
        switch magnitude {
        case 0..<5: return "now"
        case 5..<60: text = "\(magnitude)s"
        case 60..<3600: text = "\(magnitude / 60)m"
        case 3600..<86_400: text = "\(magnitude / 3600)h"
        default: text = "\(magnitude / 86_400)d"
        }
        return seconds > 0 ? "in \(text)" : "\(text) ago"
    }
}
