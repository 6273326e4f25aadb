import Foundation

/// The small decisions HTTP responses call for, as pure functions of the response and `now`.
public enum HTTPDecisions {
    /// `host:port` with the scheme's default port filled in; a local file is its own "host".
    public static func hostKey(_ url: URL) -> String {
        if url.isFileURL { return "file:" + url.path }
        let host = url.host?.lowercased() ?? ""
        let port = url.port ?? (url.scheme?.lowercased() == "https" ? 443 : 80)
        return "\(host):\(port)"
    }

    /// When a 429 or 503 answer lets the client come back: `Retry-After` as delay-seconds or an HTTP-date.
    /// nil for other statuses, a missing or unreadable header, or a date in the past.
    public static func retryAfter(status: Int, headers: [String: String], now: Date) -> Date? {
        guard status == 429 || status == 503, let value = headers["retry-after"]?.trimmingCharacters(in: .whitespaces)
        else { return nil }
        if let seconds = Int(value), seconds >= 0 { return now.addingTimeInterval(TimeInterval(seconds)) }
        guard let date = parseHTTPDate(value), date > now else { return nil }
        return date
    }

    /// Until when a response is fresh: `Cache-Control: max-age`, else `Expires`; nil when neither says.
    public static func freshUntil(headers: [String: String], now: Date) -> Date? {
        if let cacheControl = headers["cache-control"]?.lowercased() {
            for directive in cacheControl.split(separator: ",") {
                let parts = directive.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1)
                if parts.count == 2, parts[0] == "max-age", let seconds = Int(parts[1].trimmingCharacters(in: .init(charactersIn: "\""))),
                    seconds >= 0
                {
                    return now.addingTimeInterval(TimeInterval(seconds))
                }
            }
        }
        if let expires = headers["expires"].flatMap(parseHTTPDate), expires > now { return expires }
        return nil
    }

    /// Whether a body equal to the last one can skip parsing: the server ignored the validators.
    public static func isUnchanged(bodyHash: String, previous: String?) -> Bool {
        previous == bodyHash
    }

    /// A stable digest of a body, to notice a server that re-sends the same bytes: 64 bits mixed from eight
    /// bytes at a time (multiply and shift), and the length. Not cryptographic: it only saves a parse, and a
    /// server that wants to hide a change can always send new bytes.
    public static func bodyHash(_ body: Data) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        body.withUnsafeBytes { bytes in
            var index = 0
            while index + 8 <= bytes.count {
                hash = (hash ^ UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self)))
                    &* 0x9E37_79B9_7F4A_7C15
                hash ^= hash >> 29
                index += 8
            }
            while index < bytes.count {
                hash = (hash ^ UInt64(bytes[index])) &* 0x0000_0100_0000_01B3
                index += 1
            }
        }
        let digits = String(hash, radix: 16)
        return "v2:" + String(repeating: "0", count: 16 - digits.count) + digits + ":\(body.count)"
    }

    // MARK: - HTTP dates

    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    private static let weekdays = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"]

    /// IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), also without the weekday.
    public static func parseHTTPDate(_ text: String) -> Date? {
        let parts = text.split(separator: " ").filter { !$0.isEmpty }
        let fields = parts.first?.hasSuffix(",") == true ? Array(parts.dropFirst()) : parts
        guard fields.count >= 4, let day = Int(fields[0]), let monthIndex = months.firstIndex(of: String(fields[1])),
            let year = Int(fields[2])
        else { return nil }
        let time = fields[3].split(separator: ":").compactMap { Int($0) }
        guard time.count == 3, (1...31).contains(day), (0...23).contains(time[0]), (0...59).contains(time[1]),
            (0...60).contains(time[2])
        else { return nil }
        var components = DateComponents()
        components.timeZone = TimeZone(identifier: "UTC")
        components.year = year
        components.month = monthIndex + 1
        components.day = day
        components.hour = time[0]
        components.minute = time[1]
        components.second = time[2]
        return Calendar(identifier: .gregorian).date(from: components)
    }

    /// Formats a date as IMF-fixdate.
    public static func httpDate(_ date: Date) -> String {
        let seconds = Int64(date.timeIntervalSince1970)
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        let weekday = weekdays[Int(((days % 7) + 7) % 7)]
        func pad(_ value: Int?, _ width: Int = 2) -> String {
            let text = String(value ?? 0)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(weekday), \(pad(parts.day)) \(months[(parts.month ?? 1) - 1]) \(pad(parts.year, 4)) "
            + "\(pad(parts.hour)):\(pad(parts.minute)):\(pad(parts.second)) GMT"
    }
}
