import FeedModel
import FeedStore
import Foundation
import Testing

struct ItemMergeTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func identityPrefersGuidThenLinkThenContentHash() {
        let items = [
            ParsedItem(id: "guid-1", title: "a", link: "https://x.example/1"),
            ParsedItem(title: "b", link: "https://x.example/2"),
            ParsedItem(title: "c", content: "<p>c</p>"),
        ]
        let identities = ItemMerge.identities(of: items)
        #expect(identities[0] == "id:guid-1")
        #expect(identities[1] == "link:https://x.example/2")
        #expect(identities[2].hasPrefix("hash:"))
    }

    @Test func repeatedGuidsAreToldApartWhileTheFirstKeepsItsIdentity() {
        let items = [
            ParsedItem(id: "same", title: "first", link: "https://x.example/1"),
            ParsedItem(id: "same", title: "second", link: "https://x.example/2"),
            ParsedItem(id: "same", title: "third", link: "https://x.example/2"),
        ]
        #expect(ItemMerge.identities(of: items) == ["id:same", "id:same|https://x.example/2", "id:same|#2"])
    }

    @Test func mergingTheSameDocumentTwiceAddsNothing() {
        let parsed = [ParsedItem(id: "1", title: "one"), ParsedItem(id: "2", title: "two")]
        let first = ItemMerge.merge(stored: [], parsed: parsed, feedURL: "https://x.example/feed", now: now)
        #expect(first.newCount == 2)
        let second = ItemMerge.merge(stored: first.items, parsed: parsed, feedURL: "https://x.example/feed", now: now.addingTimeInterval(60))
        #expect(second.newCount == 0)
        #expect(second.updatedCount == 0)
        #expect(second.items == first.items)
    }

    @Test func changedItemIsUpdatedInPlaceKeepingIdAndFirstSeen() {
        let first = ItemMerge.merge(stored: [], parsed: [ParsedItem(id: "1", title: "Tpyo")], feedURL: "f", now: now)
        let later = now.addingTimeInterval(3600)
        let second = ItemMerge.merge(stored: first.items, parsed: [ParsedItem(id: "1", title: "Typo")], feedURL: "f", now: later)
        #expect(second.updatedCount == 1)
        #expect(second.items.count == 1)
        #expect(second.items[0].title == "Typo")
        #expect(second.items[0].id == first.items[0].id)
        #expect(second.items[0].firstSeen == now)
    }

    @Test func itemsWithoutDateKeepFirstSeenOrderAndNeverFloatUp() {
        let first = ItemMerge.merge(stored: [], parsed: [ParsedItem(id: "old", title: "old")], feedURL: "f", now: now)
        let second = ItemMerge.merge(
            stored: first.items, parsed: [ParsedItem(id: "new", title: "new"), ParsedItem(id: "old", title: "old")],
            feedURL: "f", now: now.addingTimeInterval(60))
        #expect(second.items.map(\.identity) == ["id:new", "id:old"])
        #expect(second.items.allSatisfy { $0.published == nil })
        let third = ItemMerge.merge(stored: second.items, parsed: [ParsedItem(id: "old", title: "old")], feedURL: "f", now: now.addingTimeInterval(120))
        #expect(third.items.map(\.identity) == ["id:new", "id:old"])
    }

    @Test func itemIDsDependOnFeedAndIdentity() {
        #expect(ItemMerge.itemID(feedURL: "a", identity: "id:1") != ItemMerge.itemID(feedURL: "b", identity: "id:1"))
        #expect(ItemMerge.itemID(feedURL: "a", identity: "id:1") == ItemMerge.itemID(feedURL: "a", identity: "id:1"))
        #expect(StableHash.hex("") == "cbf29ce484222325")
    }
}
