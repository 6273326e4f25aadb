import FeedModel
@_spi(Benchmarks) @testable import FeedCore
import Foundation
import Testing

/// Identity rules, one table each: an item must be recognised whatever its publisher did to it.
struct ItemIdentityTests {
    @Test(arguments: [
        ("https://www.Example.org/2026/11/post/", "example.org/2026/11/post"),
        ("http://example.org/2026/11/post", "example.org/2026/11/post"),  // http → https
        ("https://example.org/post?utm_source=rss&utm_medium=feed", "example.org/post"),
        ("https://example.org/post?fbclid=abc&id=7&gclid=x&ref=hn", "example.org/post?id=7"),
        ("https://example.org:443/post", "example.org/post"),
        ("https://example.org:8443/post#comments", "example.org:8443/post#comments"),
        ("https://example.org/", "example.org"),
    ])
    func canonicalURLs(_ url: String, _ expected: String) {
        #expect(CanonicalURL.key(url) == expected)
    }

    @Test func nonWebGuidsAreNotURLs() {
        #expect(CanonicalURL.key("tag:github.com,2008:Repository/1/v2") == nil)
        #expect(CanonicalURL.key("urn:uuid:123") == nil)
        #expect(CanonicalURL.key("/relative/path") == nil)
    }

    @Test func identityPrefersGuidThenLinkThenContentHash() {
        let items = [
            ParsedItem(id: "guid-1", title: "a", link: "https://x.example/1"),
            ParsedItem(id: "https://x.example/?p=2", title: "b"),
            ParsedItem(title: "c", link: "https://x.example/3"),
            ParsedItem(title: "d", content: "<p>d</p>"),
        ]
        let identities = ItemIdentity.identities(of: items, byLinkAndTitle: false)
        #expect(identities[0] == "id:guid-1")
        #expect(identities[1] == "url:x.example?p=2")
        #expect(identities[2] == "url:x.example/3")
        #expect(identities[3].hasPrefix("hash:"))
    }

    @Test func repeatedGuidsAreToldApartWhileTheFirstKeepsItsIdentity() {
        let items = [
            ParsedItem(id: "same", title: "first", link: "https://x.example/1"),
            ParsedItem(id: "same", title: "second", link: "https://x.example/2"),
            ParsedItem(id: "same", title: "third", link: "https://x.example/2"),
        ]
        let identities = ItemIdentity.identities(of: items, byLinkAndTitle: false)
        #expect(identities[0] == "id:same" && identities[1] == "id:same|x.example/2")
        #expect(identities[2].hasPrefix("id:same|hash:"), "told apart by content, not position: \(identities[2])")
        // Adding an item above does not move the others' identities.
        let shifted = ItemIdentity.identities(of: [ParsedItem(id: "new", title: "zero")] + items, byLinkAndTitle: false)
        #expect(Array(shifted.dropFirst()) == identities)
    }

    @Test func ignoringGuidsALinkAloneIsTheItemUnlessOtherItemsShareIt() {
        let items = [
            ParsedItem(id: "same", title: "a", link: "https://x.example/a"),
            ParsedItem(id: "same", title: "b", link: "https://x.example/"),
            ParsedItem(id: "same", title: "c", link: "https://x.example/"),
            ParsedItem(title: "d", link: "tag:x.example,2026:d"),
            ParsedItem(title: "e", content: "<p>e</p>"),
        ]
        let identities = ItemIdentity.identities(of: items, byLinkAndTitle: true)
        #expect(identities[0] == "url:x.example/a")
        #expect(identities[1] == "lt:x.example|b" && identities[2] == "lt:x.example|c", "every sharer, the first too")
        #expect(identities[3] == "link:tag:x.example,2026:d")
        #expect(identities[4].hasPrefix("hash:"))
        // Guid-less items of a feed whose guids are trusted follow the same rule.
        let trusted = ItemIdentity.identities(of: [items[0]] + items.dropFirst().map { ParsedItem(title: $0.title, link: $0.link) }, byLinkAndTitle: false)
        #expect(Array(trusted.prefix(3)) == ["id:same", "lt:x.example|b", "lt:x.example|c"])
    }

    @Test func unreliableGuidsAreDetectedAboveFivePercent() {
        let good = (0..<40).map { ParsedItem(id: "g\($0)", link: "https://x.example/\($0)") }
        #expect(!ItemIdentity.guidsAreUnreliable(good))
        var oneBad = good
        oneBad[3].id = nil  // 1 in 40 = 2.5 %
        #expect(!ItemIdentity.guidsAreUnreliable(oneBad))
        var threeBad = oneBad
        threeBad[5].id = "g0"
        threeBad[9].id = ""  // 3 in 40 = 7.5 %
        #expect(ItemIdentity.guidsAreUnreliable(threeBad))
    }

    @Test func identitiesOfOlderStoresAreMigrated() {
        #expect(ItemIdentity.migrate("id:http://www.example.org/p/1/") == "url:example.org/p/1")
        #expect(ItemIdentity.migrate("link:https://example.org/p/2?utm_source=x") == "url:example.org/p/2")
        #expect(ItemIdentity.migrate("id:tag:x,2026:1") == "id:tag:x,2026:1")
        #expect(ItemIdentity.migrate("id:https://example.org/p|https://www.example.org/q/") == "url:example.org/p|example.org/q")
        #expect(ItemIdentity.migrate("id:42|https://www.example.org/q/") == "id:42|example.org/q")
        #expect(ItemIdentity.migrate("hash:00ff") == "hash:00ff")
    }

    @Test func uniqueLinksAndURLGuidsAreSharedAcrossFeedsOthersAreNot() {
        let a = "https://a.example/feed"
        let b = "https://b.example/feed"
        let links: Set<String> = ["blog.example/p"]
        // A republished article: different guids, the same link.
        #expect(ItemIdentity.logicalKey(identity: "id:planet-7", link: "https://www.blog.example/p?utm_source=x", uniqueLinks: links, feedURL: a)
            == ItemIdentity.logicalKey(identity: "url:blog.example/p", link: "https://blog.example/p", uniqueLinks: links, feedURL: b))
        // A link every item of a feed shares (its home page) identifies nothing.
        #expect(ItemIdentity.logicalKey(identity: "id:42", link: "https://a.example/", uniqueLinks: [], feedURL: a)
            != ItemIdentity.logicalKey(identity: "id:42", link: "https://a.example/", uniqueLinks: [], feedURL: b))
        #expect(ItemIdentity.uniqueLinkKeys(["https://a.example/", "http://a.example", "https://a.example/x", nil]) == ["a.example/x"])
    }
}

/// `CanonicalURL` reads plain URLs itself and leaves the rest to Foundation's parser: both must agree.
struct CanonicalURLFastPathTests {
    @Test func theByteReaderAgreesWithFoundationsParserOnEveryURLItTakes() {
        let schemes = ["http://", "https://", "HTTP://", "ftp://"]
        let hosts = ["example.org", "WWW.Example.ORG", "www.", "www", ".", "a-b.c.", "127.0.0.1", "www.x.", "ex_ample.org", "éxample.org", ""]
        let ports = ["", ":8080", ":80", ":443"]
        let paths = ["", "/", "//", "/a/b/", "/a//", "/a%20b", "/a%zz", "/é", "/a b", "/a:b@c/", "/~x/(y);z=1,2", "/a|b"]
        let queries = ["", "?", "?a=1", "?utm_source=x", "?UTM_Medium=y&b=2", "?a&&b", "?=x", "?a=b=c", "?ref=1&x", "?a?b", "?a&", "?Ref=2"]
        let fragments = ["", "#", "#frag", "#a?b/c", "#a#b"]
        var taken = 0
        var disagreements: [String] = []
        for scheme in schemes {
            for host in hosts {
                for port in ports {
                    for path in paths {
                        for query in queries {
                            for fragment in fragments {
                                let url = scheme + host + port + path + query + fragment
                                guard let simple = CanonicalURL.simpleKey(url) else { continue }
                                taken += 1
                                if simple != CanonicalURL.parsedKey(url) { disagreements.append(url) }
                            }
                        }
                    }
                }
            }
        }
        #expect(disagreements.isEmpty, "\(disagreements.prefix(10))")
        #expect(taken >= 4000)  // the usual shapes do take the fast path
        #expect(CanonicalURL.simpleKey("https://www.example.org/2026/11/post/?utm_source=rss&p=2#more") == "example.org/2026/11/post?p=2#more")
        // What neither reader takes at once: the same key as Foundation's parser alone gives.
        for text in ["tag:example.org,2026:1", "urn:uuid:1", "f0-1", " HTTP://Example.org/a", "\u{A0}https://x.org/", "Https://x.org/a b",
            "mailto:a@b", "\thttp://x.org:8080/", "ht", ""] {
            #expect(CanonicalURL.key(text) == CanonicalURL.parsedKey(text), "\(text.debugDescription)")
        }
    }
}
