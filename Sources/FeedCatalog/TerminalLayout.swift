import FeedConfiguration
import FeedModel
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// How `feedctl list` lays items out for a person: local dates said briefly, columns that fit the
/// terminal measured in display cells (accents take one, CJK and most emoji two), colours only on request.
public struct TerminalLayout: Sendable {
    /// Columns available; nil means no limit (a pipe).
    public var width: Int?
    public var links: Bool
    public var colour: Bool
    public var calendar: Calendar

    public init(width: Int?, links: Bool = false, colour: Bool = false, calendar: Calendar = .current) {
        self.width = width
        self.links = links
        self.colour = colour
        self.calendar = calendar
    }

    static let dateColumn = 10

    /// The feed column: 18 cells, less on a narrow terminal so titles keep room.
    var feedColumn: Int { width.map { max(6, min(18, $0 / 5)) } ?? 18 }

    /// The lines of `feedctl list`, then a line with the counts. Each line starts with the item's short
    /// id (dim); with read items listed, or starred ones, a marker column tells them apart without colour:
    /// `N` unread, `*` starred. On a terminal, long feed names and titles are cut to fit; in a pipe nothing
    /// is.
    public func render(_ items: [ListedItem], now: Date, includeRead: Bool) -> String {
        var output = ""
        output.reserveCapacity(items.count * 96)
        let idColumn = items.map { $0.shortID.count }.max() ?? 0
        let markers = includeRead || items.contains { $0.isStarred }
        var dates = DateWords(now: now, calendar: calendar)
        let feeds = items.map { TerminalSafe.text($0.feedNames.count == 1 ? $0.feedNames[0] : $0.feedNames.joined(separator: ", ")) }
        // In a pipe the feed column is as wide as the widest name: aligned, and nothing cut.
        let feedColumn = width != nil ? self.feedColumn : feeds.map(Self.displayWidth).max() ?? 0
        for position in items.indices {
            let item = items[position]
            let feed = pad(width != nil ? truncate(feeds[position], feedColumn) : feeds[position], feedColumn)
            var title = TerminalSafe.text(item.entry.title ?? "(untitled)")
            if item.entry.changed { title += " (updated)" }
            let link = links ? item.entry.link.flatMap(TerminalSafe.link) : nil
            let indent = idColumn + 2 + (markers ? 3 : 0) + Self.dateColumn + 2 + feedColumn + 2
            if let width { title = truncate(title, max(8, width - indent)) }
            output += paint(pad(item.shortID, idColumn), "2")
            output += "  "
            if markers { output += (item.isRead ? " " : "N") + (item.isStarred ? "* " : "  ") }
            output += pad(dates.describe(item.entry.shownDate), Self.dateColumn)
            output += "  "
            output += paint(feed, "36")
            output += "  "
            output += item.isRead || !colour ? title : paint(title, "1")
            if let link {
                // In a terminal the link gets a line of its own, under the title; in a pipe it ends the line.
                output += width == nil ? "  " + link : "\n" + String(repeating: " ", count: indent) + paint(link, "4")
            }
            output += "\n"
        }
        let unread = items.filter { !$0.isRead }.count
        if items.isEmpty {
            output += includeRead ? "No items.\n" : "No unread items.\n"
        } else {
            output += includeRead ? "\(items.count) item(s), \(unread) unread\n" : "\(items.count) unread item(s)\n"
        }
        return output
    }

    /// `describe` for many dates against one `now`: the words for a date before today depend only on its
    /// local day, so they are kept with that day's bounds, and a date in the same day as the one before
    /// (a list is newest first) costs two comparisons; they are also kept by quarter hour (every zone's
    /// offset is a whole number of quarter hours, so a quarter never straddles a local midnight), for dates
    /// out of order (shown dates of items sorted by their first sighting). Today's say the time, so they
    /// are kept for their minute. Calendar arithmetic was half of `feedctl list --all`.
    struct DateWords {
        let now: Date
        let calendar: Calendar
        private var day: Range<Date>?
        private var words = ""
        private var byQuarter: [Int: String] = [:]
        private var minute: Int?
        private var minuteWords = ""

        init(now: Date, calendar: Calendar) {
            self.now = now
            self.calendar = calendar
        }

        mutating func describe(_ date: Date) -> String {
            if let day, day.contains(date) { return words }
            let minuteNumber = Int((date.timeIntervalSince1970 / 60).rounded(.down))
            if minuteNumber == minute { return minuteWords }
            let quarter = Int((date.timeIntervalSince1970 / 900).rounded(.down))
            if let known = byQuarter[quarter] { return known }
            let described = TerminalLayout.describe(date, now: now, calendar: calendar)
            if !calendar.isDate(date, inSameDayAs: now), let interval = calendar.dateInterval(of: .day, for: date) {
                day = interval.start..<interval.end
                words = described
                byQuarter[quarter] = described
            } else {
                day = nil
                minute = minuteNumber
                minuteWords = described
            }
            return described
        }
    }

    /// "14:05" today, "yesterday", "3d" within the week, else the date, all in local time.
    public static func describe(_ date: Date, now: Date, calendar: Calendar) -> String {
        if calendar.isDate(date, inSameDayAs: now) {
            let parts = calendar.dateComponents([.hour, .minute], from: date)
            return String(format: "%02d:%02d", parts.hour ?? 0, parts.minute ?? 0)
        }
        let days = calendar.dateComponents([.day], from: calendar.startOfDay(for: date), to: calendar.startOfDay(for: now)).day ?? 0
        if days == 1 { return "yesterday" }
        if days > 1 && days < 7 { return "\(days)d" }
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0)
    }

    /// Display cells of a string, character by character (grapheme clusters, as a terminal draws them): an
    /// emoji takes two whatever it is made of (a ZWJ family, a flag of two regional indicators, a symbol
    /// with the emoji variation selector, a skin tone), East Asian wide and fullwidth characters two,
    /// combining marks, joiners and controls none, everything else one.
    public static func displayWidth(_ text: String) -> Int {
        // ASCII is one cell a byte (controls none): no cluster to look at.
        if text.utf8.allSatisfy({ $0 < 0x80 }) { return text.utf8.reduce(0) { $0 + ($1 < 0x20 || $1 == 0x7F ? 0 : 1) } }
        return text.reduce(0) { $0 + cells($1) }
    }

    static func cells(_ character: Character) -> Int {
        let scalars = character.unicodeScalars
        guard let first = scalars.first else { return 0 }
        if scalars.count > 1 {
            if (0x1F1E6...0x1F1FF).contains(first.value) { return 2 }  // a flag
            if first.properties.isEmoji, scalars.contains(where: { $0.value == 0xFE0F || $0.value == 0x200D || (0x1F3FB...0x1F3FF).contains($0.value) }) {
                return 2
            }
        }
        return min(2, scalars.reduce(0) { $0 + cells($1) })
    }

    static func cells(_ scalar: Unicode.Scalar) -> Int {
        let value = scalar.value
        if value < 0x20 || (0x7F...0x9F).contains(value) { return 0 }
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format: return 0
        default: break
        }
        if (0xFE00...0xFE0F).contains(value) || value == 0x200D { return 0 }
        if scalar.properties.isEmojiPresentation { return 2 }
        switch value {
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF,
            0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x20000...0x3FFFD:
            return 2
        default:
            return 1
        }
    }

    /// The text cut to `width` cells, ending in "…" when cut.
    public func truncate(_ text: String, _ width: Int) -> String {
        guard Self.displayWidth(text) > width else { return text }
        var result = ""
        var used = 0
        for character in text {
            let cells = Self.cells(character)
            if used + cells > width - 1 { break }
            result.append(character)
            used += cells
        }
        return result + "…"
    }

    private func pad(_ text: String, _ width: Int) -> String {
        let missing = width - Self.displayWidth(text)
        return missing > 0 ? text + String(repeating: " ", count: missing) : text
    }

    private func paint(_ text: String, _ code: String) -> String {
        colour ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }

    /// The width to lay out for: `$COLUMNS` when set, else the terminal's, else none (a pipe).
    public static func width(environment: [String: String]) -> Int? {
        if let columns = environment["COLUMNS"].flatMap(Int.init), columns > 0 { return columns }
        return terminalSize().map { Int($0.ws_col) }.flatMap { $0 > 0 ? $0 : nil }
    }

    /// The height to page for: `$LINES` when set, else the terminal's, else none (a pipe).
    public static func height(environment: [String: String]) -> Int? {
        if let lines = environment["LINES"].flatMap(Int.init), lines > 0 { return lines }
        return terminalSize().map { Int($0.ws_row) }.flatMap { $0 > 0 ? $0 : nil }
    }

    /// Standard output's terminal size; nil when it is not a terminal.
    private static func terminalSize() -> winsize? {
        guard isatty(STDOUT_FILENO) == 1 else { return nil }
        var size = winsize()
        return ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0 ? size : nil
    }

    /// Colours only on a terminal, never with `NO_COLOR` set or `TERM=dumb`.
    public static func wantsColour(environment: [String: String]) -> Bool {
        isatty(STDOUT_FILENO) == 1 && environment["NO_COLOR"] == nil && environment["TERM"] != "dumb"
    }
}

extension OutputFormatting {
    /// `feedctl list --format tsv`: id, UTC date, feeds, title, link; tabs, newlines and backslashes escaped,
    /// control characters removed.
    public static func itemsTSV(_ items: [ListedItem]) -> String {
        func field(_ text: String) -> String {
            TerminalSafe.text(
                text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\t", with: "\\t")
                    .replacingOccurrences(of: "\n", with: "\\n").replacingOccurrences(of: "\r", with: "\\r"))
        }
        return items.map { item in
            [
                item.entry.id, UTCTimestamp.format(item.entry.shownDate), field(item.feedNames.joined(separator: ", ")),
                field(item.entry.title ?? ""), item.entry.link.flatMap(TerminalSafe.link).map(field) ?? "",
            ].joined(separator: "\t") + "\n"
        }.joined()
    }
}
