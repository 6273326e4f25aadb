import FeedCore
import FeedModel
import Foundation
import Testing

struct ItemMergeTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    let url = "https://x.example/feed"

    func merge(_ feed: StoredFeed, _ items: [ParsedItem], at offset: TimeInterval = 0, retention: RetentionPolicy = RetentionPolicy(),
               read: Set<String> = []) -> ItemMerge.Outcome {
        ItemMerge.merge(feed, document: items, now: now.addingTimeInterval(offset), retention: retention) { read.contains($0) }
    }

    /// A new item a rule blocks is not stored and leaves a tombstone: fetched again (even changed), it is not
    /// new; the rules are asked about new items only, once; what they decide for the others comes back.
    @Test func aBlockedItemIsNeverNewAgainAndRulesSeeOnlyNewItems() {
        var asked: [String] = []
        func rules(_ item: StoredItem, _ now: Date) -> RuleVerdict {
            asked.append(item.title ?? "")
            if item.title?.hasPrefix("Promo") == true { return RuleVerdict(blocked: true, lines: [3]) }
            return item.title == "starred" ? RuleVerdict(star: true, lines: [4]) : RuleVerdict()
        }
        let document = [ParsedItem(id: "1", title: "Promo: -50 %"), ParsedItem(id: "2", title: "starred"), ParsedItem(id: "3", title: "plain")]
        let first = ItemMerge.merge(StoredFeed(url: url), document: document, now: now, rules: rules) { _ in false }
        #expect(Set(first.feed.items.map(\.title)) == ["starred", "plain"])
        #expect(first.blocked.map(\.title) == ["Promo: -50 %"] && first.newCount == 2)
        #expect(first.feed.tombstones.map(\.identity) == [first.blocked[0].identity])
        #expect(first.verdicts.values.map(\.star) == [true] && first.verdicts.count == 1)
        #expect(asked == ["Promo: -50 %", "starred", "plain"])

        let changed = [ParsedItem(id: "1", title: "Promo: -70 %"), ParsedItem(id: "2", title: "starred"), ParsedItem(id: "3", title: "plain")]
        let second = ItemMerge.merge(first.feed, document: changed, now: now.addingTimeInterval(3600), rules: rules) { _ in false }
        #expect(second.newCount == 0 && second.blocked.isEmpty && second.feed.items.count == 2)
        #expect(asked.count == 3, "no item was new, so no rule was asked")
    }

    @Test func mergingTheSameDocumentTwiceAddsNothing() {
        let document = [ParsedItem(id: "1", title: "one"), ParsedItem(id: "2", title: "two")]
        let first = merge(StoredFeed(url: url), document)
        #expect(first.newCount == 2)
        let second = merge(first.feed, document, at: 60)
        #expect(second.newCount == 0)
        #expect(second.updatedCount == 0)
        #expect(second.feed.items.map(\.id) == first.feed.items.map(\.id))
    }

    @Test(arguments: [
        ("http://blog.example/p/1", "https://blog.example/p/1"),  // moved to https
        ("https://blog.example/p/1", "https://www.blog.example/p/1"),  // added www.
        ("https://blog.example/p/1/", "https://blog.example/p/1"),  // dropped the trailing slash
        ("https://blog.example/p/1", "https://blog.example/p/1?utm_source=feed&utm_medium=rss"),  // tracking
        ("https://blog.example/p/1?ref=home", "https://blog.example/p/1?fbclid=XYZ"),
    ])
    func urlChurnIsTheSameItem(_ before: String, _ after: String) {
        for asGuid in [true, false] {
            let old = ParsedItem(id: asGuid ? before : nil, title: "t", link: asGuid ? nil : before)
            let new = ParsedItem(id: asGuid ? after : nil, title: "t", link: asGuid ? nil : after)
            let first = merge(StoredFeed(url: url), [old])
            let second = merge(first.feed, [new], at: 60)
            #expect(second.newCount == 0, "\(before) → \(after) (guid: \(asGuid))")
            #expect(second.feed.items.count == 1)
        }
    }

    @Test func aPublisherReDatingOldItemsDoesNotMakeThemNewNorFloatThemUp() {
        let original = ParsedItem(id: "1", title: "old post", published: now.addingTimeInterval(-86_400))
        let first = merge(StoredFeed(url: url), [original])
        var redated = original
        redated.published = now.addingTimeInterval(3600)
        let second = merge(first.feed, [redated], at: 3600)
        #expect(second.newCount == 0 && second.updatedCount == 0)
        #expect(second.feed.items[0].published == original.published)
    }

    @Test func changedItemIsUpdatedInPlaceWithItsUpdatedTime() {
        let first = merge(StoredFeed(url: url), [ParsedItem(id: "1", title: "Tpyo")])
        let second = merge(first.feed, [ParsedItem(id: "1", title: "Typo")], at: 3600)
        #expect(second.updatedCount == 1)
        #expect(second.feed.items.count == 1)
        #expect(second.feed.items[0].title == "Typo")
        #expect(second.feed.items[0].id == first.feed.items[0].id)
        #expect(second.feed.items[0].firstSeen == now)
        #expect(second.feed.items[0].updated == now.addingTimeInterval(3600))
    }

    @Test func itemsWithoutDateKeepFirstSeenOrderAndNeverFloatUp() {
        let first = merge(StoredFeed(url: url), [ParsedItem(id: "old", title: "old")])
        let second = merge(first.feed, [ParsedItem(id: "new", title: "new"), ParsedItem(id: "old", title: "old")], at: 60)
        #expect(second.feed.items.map(\.identity) == ["id:new", "id:old"])
        #expect(second.feed.items.allSatisfy { $0.published == nil })
        let third = merge(second.feed, [ParsedItem(id: "old", title: "old")], at: 120)
        #expect(third.feed.items.map(\.identity) == ["id:new", "id:old"])
    }

    @Test func aFeedWithUnreliableGuidsSwitchesToLinkAndTitleForGood() {
        let items = (0..<10).map { ParsedItem(id: "same", title: "t\($0)", link: "https://x.example/\($0)") }
        let first = merge(StoredFeed(url: url), items)
        #expect(first.feed.identityByLinkAndTitle)
        #expect(first.newCount == 10)
        #expect(first.feed.items.allSatisfy { $0.identity.hasPrefix("url:") }, "each link is unique: it alone is the item")
        let second = merge(first.feed, Array(items.prefix(2)), at: 60)  // a later document with good-looking guids
        #expect(second.feed.identityByLinkAndTitle && second.newCount == 0)
    }

    @Test func retentionKeepsWhatTheFeedCarriesAndUnreadItemsAndLeavesTombstones() {
        let policy = RetentionPolicy(maxItems: 2, forgetAfter: .seconds(86_400))
        var feed = StoredFeed(url: url)
        for number in 0..<5 { feed = merge(feed, [ParsedItem(id: "\(number)", title: "n\(number)")], at: Double(number)).feed }
        // Only item 4 is in the latest document; 0, 1, 2 are read, 3 is unread.
        let read = Set(feed.items.filter { ["0", "1", "2"].contains($0.identity.dropFirst(3)) }.map(\.key))
        let trimmed = merge(feed, [ParsedItem(id: "4", title: "n4")], at: 10, retention: policy, read: read)
        #expect(Set(trimmed.feed.items.map(\.identity)) == ["id:3", "id:4"])
        #expect(Set(trimmed.removed.map(\.identity)) == ["id:0", "id:1", "id:2"])
        #expect(Set(trimmed.feed.tombstones.map(\.identity)) == ["id:0", "id:1", "id:2"])
        // A deleted item still in the feed is not new again.
        let back = merge(trimmed.feed, [ParsedItem(id: "4", title: "n4"), ParsedItem(id: "1", title: "n1")], at: 20, retention: policy, read: read)
        #expect(back.newCount == 0)
        // Tombstones are forgotten once their item has been absent for `forgetAfter`.
        let later = merge(back.feed, [ParsedItem(id: "4", title: "n4")], at: 30, retention: policy, read: read)
        let muchLater = merge(later.feed, [ParsedItem(id: "4", title: "n4")], at: 30 + 2 * 86_400, retention: policy, read: read)
        #expect(muchLater.feed.tombstones.isEmpty)
    }

    @Test func retentionNeverRemovesAStarredItem() throws {
        let policy = RetentionPolicy(maxItems: 1, maxAge: .seconds(60), deleteUnread: true)
        var feed = StoredFeed(url: url)
        for number in 0..<3 { feed = merge(feed, [ParsedItem(id: "\(number)", title: "n\(number)")], at: Double(number)).feed }
        let starredKey = try #require(feed.items.first { $0.identity == "id:1" }).key
        let later = ItemMerge.merge(
            feed, document: [ParsedItem(id: "2", title: "n2")], now: now.addingTimeInterval(3600), retention: policy,
            starred: [starredKey]) { _ in true }
        #expect(Set(later.feed.items.map(\.identity)) == ["id:1", "id:2"], "past every limit, read, gone from the feed")
        #expect(later.removed.map(\.identity) == ["id:0"])
    }

    @Test func retentionByAgeAndDeleteUnread() {
        let policy = RetentionPolicy(maxItems: 500, maxAge: .seconds(86_400), deleteUnread: true)
        let first = merge(StoredFeed(url: url), [ParsedItem(id: "a", title: "a")])
        let later = merge(first.feed, [ParsedItem(id: "b", title: "b")], at: 2 * 86_400, retention: policy)
        #expect(later.feed.items.map(\.identity) == ["id:b"])
        #expect(later.removed.map(\.identity) == ["id:a"])
    }

    @Test func aFeedWhoseItemsAllLinkToItsHomePageStillGetsNewItems() {
        let home = "https://comic.example/"
        let first = merge(StoredFeed(url: url), [ParsedItem(id: "ep1", title: "Episode 1", link: home)])
        let second = merge(first.feed, [ParsedItem(id: "ep2", title: "Episode 2", link: home)], at: 86_400, read: [first.feed.items[0].key])
        #expect(second.newCount == 1)
        #expect(Set(second.feed.items.map(\.key)).count == 2, "the second episode has a key of its own")
        #expect(Set(second.feed.items.map(\.id)).count == 2)
    }

    @Test func switchingToLinkAndTitleKeepsEveryStoredItem() {
        let good = (0..<10).map { ParsedItem(id: "g\($0)", title: "t\($0)", link: "https://x.example/\($0)") }
        let first = merge(StoredFeed(url: url), good)
        var broken = good
        for index in 0..<3 { broken[index].id = nil }  // 30 % without a guid: identities switch
        let second = merge(first.feed, broken, at: 60)
        #expect(second.feed.identityByLinkAndTitle)
        #expect(second.newCount == 0)
        #expect(second.feed.items.count == 10)
        #expect(Set(second.feed.items.map(\.id)) == Set(first.feed.items.map(\.id)))
    }

    /// A feed without guids, as many hand-made and old CMS feeds are: three articles, then two notes that
    /// both link to the home page.
    func guidless(titles: [String] = ["Teh release notes", "Caching, part 2", "Road map"],
                  secondContent: String = "<p>We recieve many questions.</p>", thirdDate: Date) -> [ParsedItem] {
        [
            ParsedItem(title: titles[0], link: "https://x.example/notes", content: "<p>Notes.</p>"),
            ParsedItem(title: titles[1], link: "https://x.example/caching-2", content: secondContent),
            ParsedItem(title: titles[2], link: "https://x.example/road-map", published: thirdDate),
            ParsedItem(title: "Short note one", link: "https://x.example/"),
            ParsedItem(title: "Short note two", link: "https://x.example/"),
        ]
    }

    @Test func withoutGuidsAFixedTitleTypoOrDateIsAnUpdateNotANewItem() {
        let first = merge(StoredFeed(url: url), guidless(thirdDate: now))
        #expect(first.newCount == 5)
        #expect(first.feed.items.filter { $0.identity.hasPrefix("url:") }.count == 3)
        #expect(first.feed.items.filter { $0.identity.hasPrefix("lt:") }.count == 2, "links that repeat add the title")
        let fixed = guidless(
            titles: ["The release notes", "Caching, part 2", "Road map"], secondContent: "<p>We receive many questions.</p>",
            thirdDate: now.addingTimeInterval(86_400))
        let second = merge(first.feed, fixed, at: 3600)
        #expect(second.newCount == 0)
        #expect(Set(second.updated.map(\.title)) == ["The release notes", "Caching, part 2"])
        #expect(Set(second.feed.items.map(\.id)) == Set(first.feed.items.map(\.id)))
        let roadMap = second.feed.items.first { $0.title == "Road map" }
        #expect(roadMap?.published == now && roadMap?.changed == false, "a re-dated item keeps its first date")
    }

    @Test func anItemKnownByLinkAndTitleIsStillKnownOnceItsLinkIsItsOwn() {
        // A store written when guid-less items were always link and title, and a tombstone from then.
        let article = ParsedItem(title: "Teh title", link: "https://x.example/a")
        var stored = StoredFeed(url: url)
        stored.identityByLinkAndTitle = true
        stored.items = [StoredItem(identity: "lt:x.example/a|Teh title", key: "url:x.example/a", item: article, firstSeen: now)]
        stored.tombstones = [Tombstone(identity: "lt:x.example/gone|Old", key: "url:x.example/gone", deleted: now, absentSince: nil)]
        let next = merge(stored, [ParsedItem(title: "The title", link: "https://x.example/a"),
                                  ParsedItem(title: "Old", link: "https://x.example/gone")], at: 60)
        #expect(next.newCount == 0 && next.updatedCount == 1)
        #expect(next.feed.items.map(\.identity) == ["url:x.example/a"])
        #expect(next.feed.items.first?.id == ItemIdentity.itemID(logicalKey: "url:x.example/a"))

        // The link starts to repeat: the stored item is found by its title, the newcomer is new.
        let shared = merge(next.feed, [ParsedItem(title: "The title", link: "https://x.example/a"),
                                       ParsedItem(title: "Another", link: "https://x.example/a")], at: 120)
        #expect(shared.newCount == 1 && shared.updatedCount == 0)
        #expect(shared.feed.items.contains { $0.identity == "lt:x.example/a|The title" && $0.firstSeen == now })
    }
}
