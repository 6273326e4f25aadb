import FeedCatalog
import FeedStore
import Foundation

/// The terminal reader's state and what each key does to it: pure, so every key is tested without a
/// terminal. The session (`ReaderSession`) draws it and carries out the effects it returns.
public struct ReaderModel: Sendable {
    public enum View: Equatable, Sendable {
        case list, item, feeds, help
    }

    /// A line of the feeds view.
    public struct FeedRow: Equatable, Sendable {
        public var name: String
        public var url: String
        public var unread: Int

        public init(name: String, url: String, unread: Int) {
            self.name = name
            self.url = url
            self.unread = unread
        }
    }

    public var view: View = .list
    /// The list as shown: the store's items for the filters, plus those read here while listing unread ones.
    public private(set) var items: [ListedItem] = []
    public private(set) var cursor = 0
    /// The first list row on screen.
    public private(set) var top = 0
    /// All items (the newest `ReaderSession.allLimit`), or unread ones only.
    public private(set) var showAll = false
    /// Only this feed's items (its URL), and its name for the header.
    public private(set) var feed: (url: String, name: String)?
    public private(set) var search: String?
    /// The search being typed after `/`; nil when not typing.
    public private(set) var prompt: String?
    public private(set) var feeds: [FeedRow] = []
    public private(set) var feedCursor = 0
    /// The open item, as `feedctl show` renders it, line by line, and the first line on screen.
    public private(set) var page: [String] = []
    public private(set) var pageTop = 0
    /// One line for the status bar (what happened, or an error), until the next key.
    public var message: String?
    /// Items read here while only unread ones are listed: they stay, shown read, until `a`.
    private var readHere: [String: ListedItem] = [:]

    public init() {}

    /// The key of the item under the cursor.
    public var current: ListedItem? { items.indices.contains(cursor) ? items[cursor] : nil }

    // MARK: - What the session tells the model

    /// A fresh list from the store. Items read here stay in an unread-only list, those the filters still
    /// take (`keeping`); the cursor stays on the item it was on (by key), else at the same row.
    public mutating func replaceItems(_ fresh: [ListedItem], height: Int, keeping: (ListedItem) -> Bool = { _ in true }) {
        let key = current?.entry.key
        var list = fresh
        if !showAll {
            let present = Set(fresh.map(\.entry.key))
            let kept = readHere.values.filter { !present.contains($0.entry.key) && keeping($0) }
            if !kept.isEmpty {
                list += kept
                list.sort { IndexEntry.newestFirst($0.entry, $1.entry) }
            }
        }
        items = list
        if let key, let position = items.firstIndex(where: { $0.entry.key == key }) { cursor = position }
        cursor = max(0, min(cursor, items.count - 1))
        scrollToCursor(height: height)
    }

    public mutating func showFeeds(_ rows: [FeedRow]) {
        feeds = rows
        feedCursor = max(0, min(feedCursor, rows.count - 1))
        view = .feeds
    }

    /// The item opened: its page, and its mark read in the list.
    public mutating func opened(_ lines: [String], key: String) {
        page = lines
        pageTop = 0
        view = .item
        setRead(key: key, true)
    }

    public mutating func setRead(key: String, _ read: Bool) {
        for index in items.indices where items[index].entry.key == key {
            items[index].isRead = read
            if read, !showAll { readHere[key] = items[index] } else { readHere[key] = nil }
        }
    }

    public mutating func setStarred(key: String, _ starred: Bool) {
        for index in items.indices where items[index].entry.key == key { items[index].isStarred = starred }
    }

    // MARK: - Keys

    /// What `key` does, given the rows the screen has for the list or the page.
    public mutating func handle(_ key: ReaderKey, height: Int) -> [ReaderEffect] {
        message = nil
        if key == .interrupt { return [.quit] }
        if key == .suspend { return [.suspend] }
        if key == .resize {
            scrollToCursor(height: height)
            return []
        }
        if prompt != nil { return typing(key, height: height) }
        switch view {
        case .list: return inList(key, height: height)
        case .item: return inItem(key, height: height)
        case .feeds: return inFeeds(key)
        case .help:
            view = .list
            return []
        }
    }

    private mutating func inList(_ key: ReaderKey, height: Int) -> [ReaderEffect] {
        switch key {
        case .down, .character("j"): move(by: 1, height: height)
        case .up, .character("k"): move(by: -1, height: height)
        case .pageDown, .character(" "): move(by: max(1, height - 1), height: height)
        case .pageUp, .character("b"): move(by: -max(1, height - 1), height: height)
        case .home, .character("g"): move(by: -items.count, height: height)
        case .end, .character("G"): move(by: items.count, height: height)
        case .enter, .character("l"):
            if let item = current { return [.open(key: item.entry.key)] }
        case .character("q"), .escape:
            if feed != nil || search != nil {
                feed = nil
                search = nil
                return [.reload]
            }
            return [.quit]
        default: return common(key)
        }
        return []
    }

    private mutating func inItem(_ key: ReaderKey, height: Int) -> [ReaderEffect] {
        let last = max(0, page.count - height)
        switch key {
        case .down, .character("j"): pageTop = min(last, pageTop + 1)
        case .up, .character("k"): pageTop = max(0, pageTop - 1)
        case .pageDown, .character(" "): pageTop = min(last, pageTop + max(1, height - 1))
        case .pageUp, .character("b"): pageTop = max(0, pageTop - max(1, height - 1))
        case .home, .character("g"): pageTop = 0
        case .end, .character("G"): pageTop = last
        case .character("q"), .escape, .character("h"): view = .list
        case .character("n"), .character("p"):
            let step = key == .character("n") ? 1 : -1
            guard items.indices.contains(cursor + step) else {
                message = step > 0 ? "This is the last item." : "This is the first item."
                return []
            }
            cursor += step
            return [.open(key: items[cursor].entry.key)]
        default: return common(key)
        }
        return []
    }

    private mutating func inFeeds(_ key: ReaderKey) -> [ReaderEffect] {
        switch key {
        case .down, .character("j"): feedCursor = min(max(0, feeds.count - 1), feedCursor + 1)
        case .up, .character("k"): feedCursor = max(0, feedCursor - 1)
        case .enter, .character("l"):
            guard feeds.indices.contains(feedCursor) else { return [] }
            feed = (feeds[feedCursor].url, feeds[feedCursor].name)
            cursor = 0
            view = .list
            return [.reload]
        case .character("q"), .escape, .character("h"), .character("f"): view = .list
        default: break
        }
        return []
    }

    /// Keys that mean the same in the list and in an item.
    private mutating func common(_ key: ReaderKey) -> [ReaderEffect] {
        switch key {
        case .character("r"):
            guard let item = current else { return [] }
            setRead(key: item.entry.key, !item.isRead)
            return [.setRead(id: item.entry.id, read: !item.isRead)]
        case .character("s"):
            guard let item = current else { return [] }
            setStarred(key: item.entry.key, !item.isStarred)
            return [.setStarred(id: item.entry.id, starred: !item.isStarred)]
        case .character("o"):
            guard let link = current?.entry.link else {
                message = "This item has no link."
                return []
            }
            return [.openLink(link)]
        case .character("a"):
            showAll.toggle()
            readHere = [:]
            return [.reload]
        case .character("/"):
            prompt = ""
            return []
        case .character("f"): return [.loadFeeds]
        case .character("R"): return [.requestFetch, .reload]  // what the daemon stored so far, at once
        case .character("?"):
            view = .help
            return []
        case .character("q"): return [.quit]
        default: return []
        }
    }

    private mutating func typing(_ key: ReaderKey, height: Int) -> [ReaderEffect] {
        switch key {
        case .enter:
            let text = prompt?.trimmingCharacters(in: .whitespaces) ?? ""
            prompt = nil
            search = text.isEmpty ? nil : text
            cursor = 0
            view = .list
            return [.reload]
        case .escape:
            prompt = nil
        case .backspace:
            if prompt?.isEmpty == false { prompt?.removeLast() }
        case .character(let character) where !character.isNewline:
            prompt?.append(character)
        default: break
        }
        return []
    }

    private mutating func move(by rows: Int, height: Int) {
        guard !items.isEmpty else { return }
        cursor = max(0, min(items.count - 1, cursor + rows))
        scrollToCursor(height: height)
    }

    private mutating func scrollToCursor(height: Int) {
        let rows = max(1, height)
        if cursor < top { top = cursor }
        if cursor >= top + rows { top = cursor - rows + 1 }
        top = max(0, min(top, max(0, items.count - rows)))
    }
}
