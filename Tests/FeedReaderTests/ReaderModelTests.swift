import FeedCatalog
import FeedCore
@testable import FeedReader
import FeedModel
import FeedStore
import Foundation
import Testing

struct ReaderModelTests {
    static func item(_ number: Int, read: Bool = false, link: String? = "https://x.example/p/1") -> ListedItem {
        let stored = StoredItem(
            identity: "id:\(number)", key: "url:x.example/\(number)",
            item: ParsedItem(title: "Item \(number)", link: link, published: Date(timeIntervalSince1970: 1_800_000_000 - Double(number) * 60)),
            firstSeen: Date(timeIntervalSince1970: 1_800_000_000))
        return ListedItem(entry: IndexEntry(stored, feed: "https://x.example/feed"), feedNames: ["X"], isRead: read)
    }

    static func model(_ count: Int, height: Int = 5) -> ReaderModel {
        var model = ReaderModel()
        model.replaceItems((0..<count).map { item($0) }, height: height)
        return model
    }

    @Test func movingKeepsTheCursorOnScreen() {
        var model = Self.model(20)
        for _ in 0..<7 { _ = model.handle(.down, height: 5) }
        #expect(model.cursor == 7 && model.top == 3)
        _ = model.handle(.end, height: 5)
        #expect(model.cursor == 19 && model.top == 15)
        _ = model.handle(.pageUp, height: 5)
        #expect(model.cursor == 15 && model.top == 15)
        _ = model.handle(.character("g"), height: 5)
        #expect(model.cursor == 0 && model.top == 0)
        _ = model.handle(.up, height: 5)
        #expect(model.cursor == 0)
    }

    @Test func openingMarksReadAndTheItemStaysUntilAllIsToggled() {
        var model = Self.model(3)
        _ = model.handle(.down, height: 5)
        let key = model.items[1].entry.key
        #expect(model.handle(.enter, height: 5) == [.open(key: key)])
        model.opened(["Item 1", "", "text"], key: key)
        #expect(model.view == .item && model.items[1].isRead)
        #expect(model.handle(.character("q"), height: 5).isEmpty)
        #expect(model.view == .list && model.cursor == 1)
        // The store no longer lists it as unread: it stays, read, with the cursor on it.
        model.replaceItems([Self.item(0), Self.item(2)], height: 5)
        #expect(model.items.map(\.entry.key) == [Self.item(0).entry.key, key, Self.item(2).entry.key])
        #expect(model.cursor == 1 && model.items[1].isRead)
        #expect(model.handle(.character("a"), height: 5) == [.reload])
        _ = model.handle(.character("a"), height: 5)
        model.replaceItems([Self.item(0), Self.item(2)], height: 5)
        #expect(model.items.count == 2, "back to unread only: the read item is gone")
    }

    @Test func aReloadKeepsTheCursorOnItsItem() {
        var model = Self.model(5)
        _ = model.handle(.down, height: 5)
        _ = model.handle(.down, height: 5)
        let key = model.items[2].entry.key
        model.replaceItems([Self.item(-1), Self.item(-2)] + (0..<5).map { Self.item($0) }, height: 5)
        #expect(model.current?.entry.key == key, "two new items above it")
    }

    @Test func nextAndPreviousWalkTheListFromAnItem() {
        var model = Self.model(2)
        _ = model.handle(.enter, height: 5)
        model.opened(["a"], key: model.items[0].entry.key)
        #expect(model.handle(.character("n"), height: 5) == [.open(key: model.items[1].entry.key)])
        #expect(model.handle(.character("n"), height: 5).isEmpty && model.message == "This is the last item.")
        #expect(model.handle(.character("p"), height: 5) == [.open(key: model.items[0].entry.key)])
    }

    @Test func readStarAndLinkKeysAskTheStore() {
        var model = Self.model(1)
        let id = model.items[0].entry.id
        #expect(model.handle(.character("r"), height: 5) == [.setRead(id: id, read: true)])
        #expect(model.handle(.character("r"), height: 5) == [.setRead(id: id, read: false)])
        #expect(model.handle(.character("s"), height: 5) == [.setStarred(id: id, starred: true)])
        #expect(model.items[0].isStarred)
        #expect(model.handle(.character("o"), height: 5) == [.openLink("https://x.example/p/1")])
        #expect(model.handle(.character("R"), height: 5) == [.requestFetch, .reload])
        #expect(model.handle(.interrupt, height: 5) == [.quit])
        #expect(model.handle(.suspend, height: 5) == [.suspend])
    }

    @Test func searchIsTypedThenAppliedAndClearedByQ() {
        var model = Self.model(3)
        _ = model.handle(.character("/"), height: 5)
        for character in "été x" { _ = model.handle(.character(character), height: 5) }
        _ = model.handle(.backspace, height: 5)
        #expect(model.prompt == "été ")
        #expect(model.handle(.character("q"), height: 5).isEmpty, "q is a letter of the search")
        #expect(model.handle(.enter, height: 5) == [.reload])
        #expect(model.search == "été q" && model.prompt == nil)
        #expect(model.handle(.character("q"), height: 5) == [.reload], "q clears the search first")
        #expect(model.search == nil)
        #expect(model.handle(.character("q"), height: 5) == [.quit])
    }

    @Test func theFeedsViewFiltersTheList() {
        var model = Self.model(3)
        #expect(model.handle(.character("f"), height: 5) == [.loadFeeds])
        model.showFeeds([.init(name: "A", url: "https://a.example/feed", unread: 3), .init(name: "B", url: "https://b.example/feed", unread: 0)])
        _ = model.handle(.down, height: 5)
        #expect(model.handle(.enter, height: 5) == [.reload])
        #expect(model.view == .list && model.feed?.url == "https://b.example/feed")
    }

    @Test func rowsFitTheirWidthWithWideCharacters() {
        let stored = StoredItem(
            identity: "id:w", key: "url:w.example/1",
            item: ParsedItem(title: "東京の天気 🌸👨‍👩‍👧 週末は晴れ、来週は雨の予報です \u{1B}[31m rouge", published: Date(timeIntervalSince1970: 1_800_000_000)),
            firstSeen: Date(timeIntervalSince1970: 1_800_000_000))
        let item = ListedItem(entry: IndexEntry(stored, feed: "u"), feedNames: ["ニュース"], isRead: false, isStarred: true)
        for width in [40, 80, 200] {
            let row = ReaderLayout.row(item, width: width, now: Date(timeIntervalSince1970: 1_800_000_000))
            #expect(TerminalLayout.displayWidth(row) <= width - 1)
            #expect(row.hasPrefix("N* "))
            #expect(!row.unicodeScalars.contains { $0.value == 0x1B })
        }
    }
}
