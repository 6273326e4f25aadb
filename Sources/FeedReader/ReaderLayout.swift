import FeedCatalog
import FeedModel
import Foundation

/// The reader's lines as text fitted to a width in cells: pure, tested without a terminal.
public enum ReaderLayout {
    /// A list row: read/star markers, date, feed, title, cut to `width` cells.
    public static func row(_ item: ListedItem, width: Int, now: Date, calendar: Calendar = .current) -> String {
        let layout = TerminalLayout(width: width, calendar: calendar)
        let marker = (item.isRead ? " " : "N") + (item.isStarred ? "*" : " ")
        let date = pad(TerminalLayout.describe(item.entry.shownDate, now: now, calendar: calendar), 10)
        let feedColumn = max(6, min(18, width / 5))
        let feed = pad(layout.truncate(TerminalSafe.text(item.feedNames.joined(separator: ", ")), feedColumn), feedColumn)
        var title = TerminalSafe.text(item.entry.title ?? "(untitled)")
        if item.entry.changed { title += " (updated)" }
        return fit(marker + " " + date + "  " + feed + "  " + title, width)
    }

    /// A line of the feeds view: unread count, then the name.
    public static func feedRow(_ row: ReaderModel.FeedRow, width: Int) -> String {
        let count = String(row.unread)
        return fit(String(repeating: " ", count: max(0, 6 - count.count)) + count + "  " + TerminalSafe.text(row.name), width)
    }

    /// The header: what is listed.
    public static func header(_ model: ReaderModel, width: Int) -> String {
        var parts = ["feedd"]
        switch model.view {
        case .list:
            let unread = model.items.filter { !$0.isRead }.count
            parts.append(model.showAll ? "all items (\(unread) unread)" : "\(unread) unread")
            if let feed = model.feed { parts.append("feed: " + TerminalSafe.text(feed.name)) }
            if let search = model.search { parts.append("search: " + TerminalSafe.text(search)) }
        case .item:
            parts.append("item \(model.cursor + 1) of \(model.items.count)")
            if let title = model.current?.entry.title { parts.append(TerminalSafe.text(title)) }
        case .feeds: parts.append("feeds")
        case .help: parts.append("keys")
        }
        return fit(" " + parts.joined(separator: " — "), width)
    }

    /// The status bar: the search being typed, else the message, else the keys of the view.
    public static func status(_ model: ReaderModel, width: Int) -> String {
        if let prompt = model.prompt { return fit("/" + prompt, width) }
        if let message = model.message { return fit(" " + TerminalSafe.text(message), width) }
        switch model.view {
        case .list: return fit(" Enter open  r read  s star  / search  f feeds  a all  R fetch  ? keys  q quit", width)
        case .item: return fit(" n next  p previous  r read  s star  o open link  q back", width)
        case .feeds: return fit(" Enter show this feed  q back", width)
        case .help: return fit(" any key: back", width)
        }
    }

    public static let help = [
        "Enter, l     open the item (and mark it read)",
        "j k, arrows  move; Space b, PgDn PgUp: a page; g G: first, last",
        "n p          next, previous item (in an item)",
        "r            read or unread",
        "s            star or unstar",
        "o            open the link (xdg-open)",
        "/            search: words by their beginning, \"a phrase\", -word",
        "f            feeds, with unread counts (Enter: only that feed)",
        "a            all items, or unread only",
        "R            ask the running feedd to fetch now",
        "q, Esc       back; in the list: clear the filter, then quit",
        "Ctrl-C       quit; Ctrl-Z suspend",
    ]

    /// The text cut to `width` cells (never the last column: a terminal scrolls when it is written).
    static func fit(_ text: String, _ width: Int) -> String {
        let room = max(0, width - 1)
        guard TerminalLayout.displayWidth(text) > room else { return text }
        return TerminalLayout(width: room).truncate(text, room)
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        text + String(repeating: " ", count: max(0, width - TerminalLayout.displayWidth(text)))
    }
}
