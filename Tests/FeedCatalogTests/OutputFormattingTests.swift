import FeedCore
import FeedCatalog
import FeedConfiguration
import FeedModel
import FeedStore
import Foundation
import Testing

struct OutputFormattingTests {
    static let hostile = "red\u{1B}[31m bell\u{07} back\u{08} csi\u{9B}2J del\u{7F} osc\u{1B}]52;c;Zm9v\u{07} cr\rend"

    @Test func terminalTextHasNoControlCharacters() {
        let safe = TerminalSafe.text(Self.hostile)
        #expect(!safe.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) })
        #expect(safe == "red [31m bell back csi 2J del osc ]52;c;Zm9v cr end")
    }

    @Test(arguments: [
        ("/tmp/\u{1B}]0;pwned\u{07}.yaml", "/tmp/\\e]0;pwned\\x07.yaml"),
        ("a\nb\rc\td", "a\\nb\\rc\\td"),
        ("\u{9B}2J and \u{7F}", "\\u{9B}2J and \\x7f"),
        ("invoice\u{202E}fdp.exe", "invoice\\u{202E}fdp.exe"),
        ("Élan « vital » 東京 😀", "Élan « vital » 東京 😀"),
    ])
    func namesAreEscapedNotStripped(_ raw: String, _ expected: String) {
        #expect(TerminalSafe.escaped(raw) == expected)
        #expect(TerminalSafe.escaped("line one\nline \u{1B}two", keepingNewlines: true) == "line one\nline \\etwo")
    }

    @Test func onlyWebAndMailLinksArePrinted() {
        #expect(TerminalSafe.link("https://example.org/a") == "https://example.org/a")
        #expect(TerminalSafe.link("mailto:a@example.org") == "mailto:a@example.org")
        #expect(TerminalSafe.link("javascript:alert(1)") == nil)
        #expect(TerminalSafe.link("data:text/html,hi") == nil)
        #expect(TerminalSafe.link("file:///etc/passwd") == nil)
    }

    @Test func jsonEscapesEveryControlCharacterIncludingC1AndDelete() {
        let json = JSONValue.array([.string(Self.hostile)]).serialized(indent: 0)
        #expect(!json.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) })
        #expect(json.contains("\\u009b2J"))
        #expect(json.contains("\\u007f"))
        let decoded = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String]
        #expect(decoded == [Self.hostile])
    }

    @Test func listLineKeepsEveryByteOfFrenchText() {
        let item = StoredItem(
            identity: "id:1", key: "feed:x|id:1",
            item: ParsedItem(title: "L’été «\u{00A0}chaud\u{00A0}» à Marseille : œuvres", link: "https://x.example/été",
                             published: Date(timeIntervalSince1970: 1_795_000_000)),
            firstSeen: Date(timeIntervalSince1970: 1_795_000_000))
        let listed = ListedItem(entry: IndexEntry(item, feed: "u"), feedNames: ["Blog"], isRead: false, shortID: "ab12")
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? .gmt
        let layout = TerminalLayout(width: nil, links: true, calendar: calendar)
        let text = layout.render([listed], now: Date(timeIntervalSince1970: 1_796_000_000), includeRead: false)
        #expect(text == "ab12  2026-11-18  Blog  L’été «\u{00A0}chaud\u{00A0}» à Marseille : œuvres  https://x.example/été\n1 unread item(s)\n")
    }

    /// A list is dated with one set of words per local day; each line still says what `describe` says of
    /// its own date: today's the time, then yesterday, days, dates, across the night clocks go back in Paris.
    @Test func everyLineIsDatedAsItsOwnDateWouldBe() {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Europe/Paris") ?? .gmt
        let now = Date(timeIntervalSince1970: 1_793_080_800)  // Wednesday 28 October 2026, 07:00 in Paris
        // Newest first, every 47 minutes for ten days, so some days start and end between two items.
        let dates = (0..<310).map { now.addingTimeInterval(-Double($0) * 47 * 60) }
        let items = dates.enumerated().map { number, date in
            let item = StoredItem(
                identity: "id:\(number)", key: "feed:x|id:\(number)", item: ParsedItem(title: "t", published: date), firstSeen: date)
            return ListedItem(entry: IndexEntry(item, feed: "u"), feedNames: ["F"], isRead: false, shortID: "abcd")
        }
        let lines = TerminalLayout(width: nil, calendar: calendar).render(items, now: now, includeRead: false).split(separator: "\n")
        let shown = lines.prefix(dates.count).map { $0.dropFirst("abcd  ".count).prefix(10).trimmingCharacters(in: .whitespaces) }
        let expected = dates.map { TerminalLayout.describe($0, now: now, calendar: calendar) }
        #expect(shown == expected)
        #expect(Set(expected).isSuperset(of: ["07:00", "00:44", "yesterday", "2d", "6d", "2026-10-20", "2026-10-18"]))
    }

    @Test func inAPipeReadAndStarredItemsAreMarkedAndNothingIsCut() {
        func listed(_ title: String, read: Bool, starred: Bool, feed: String) -> ListedItem {
            let item = StoredItem(
                identity: "id:" + title, key: "feed:x|id:" + title, item: ParsedItem(title: title),
                firstSeen: Date(timeIntervalSince1970: 1_795_000_000))
            return ListedItem(entry: IndexEntry(item, feed: "u"), feedNames: [feed], isRead: read, isStarred: starred, shortID: String(title.prefix(5)))
        }
        let longFeed = "Un flux au nom vraiment très long, plus long que sa colonne"
        let items = [
            listed("aaaa1", read: false, starred: false, feed: longFeed), listed("bbbb22", read: true, starred: true, feed: "B"),
            listed("cccc3", read: true, starred: false, feed: "C"),
        ]
        let lines = TerminalLayout(width: nil).render(items, now: Date(timeIntervalSince1970: 1_796_000_000), includeRead: true)
            .split(separator: "\n").map(String.init)
        #expect(lines[0].hasPrefix("aaaa1  N  ") && lines[0].contains(longFeed))
        #expect(lines[1].hasPrefix("bbbb2   * "))
        #expect(lines[2].hasPrefix("cccc3     2026"))
        let titleColumns = zip(lines.prefix(3), ["aaaa1", "bbbb22", "cccc3"]).map { line, title in
            line.range(of: title, options: .backwards).map { line.distance(from: line.startIndex, to: $0.lowerBound) }
        }
        #expect(Set(titleColumns).count == 1, "titles aligned: \(titleColumns)")
        #expect(lines[3] == "3 item(s), 1 unread")
        // On a terminal the long name is cut to its column.
        let narrow = TerminalLayout(width: 80).render(items, now: Date(timeIntervalSince1970: 1_796_000_000), includeRead: true)
        #expect(!narrow.contains(longFeed) && narrow.contains("Un flux au nom …"))
    }
}

struct DisplayWidthTests {
    @Test(arguments: [
        ("abc", 3),
        ("L’été « chaud »", 15),
        ("東京", 4),
        ("🌸", 2),
        ("👨‍👩‍👧‍👦", 2),  // a family: four emoji joined by ZWJ
        ("🇫🇷🇯🇵", 4),  // two flags, each two regional indicators
        ("❤️", 2),  // a symbol with the emoji variation selector
        ("👍🏽", 2),  // a skin tone
        ("e\u{301}", 1),  // a combining accent
        ("a\u{1B}b", 2),  // a control takes nothing
    ])
    func charactersTakeTheCellsATerminalGivesThem(_ text: String, _ cells: Int) {
        #expect(TerminalLayout.displayWidth(text) == cells)
    }
}
