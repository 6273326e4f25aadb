import FeedCore
@testable import FeedModel
@testable import FeedStore
import Foundation
import TestScheduling
import TestSupport
import Testing

/// The store writes its files with its own JSON writer and reads them with Foundation's decoder: what it
/// writes must be the very JSON Foundation's encoder would have written, and read back the same.
struct StoreJSONTests {
    static let awkward = ["", "plain", "quote \" and \\ backslash", "tab\there\nline\r\u{1}\u{1F}\u{7F}", "/path/ü « » 😀", "\u{2028}\u{FEFF}"]

    /// Both encoders' output, parsed back into Foundation's JSON objects.
    static func sameJSON<T: Encodable & StoreJSONEncodable>(_ value: T) throws -> Bool {
        let ours = try JSONSerialization.jsonObject(with: value.jsonData, options: [.fragmentsAllowed]) as? NSObject
        let foundations = try JSONSerialization.jsonObject(with: StoreCoding.encoder.encode(value), options: [.fragmentsAllowed]) as? NSObject
        return ours != nil && ours == foundations
    }

    static func item(_ index: Int, generator: inout SeededGenerator) -> StoredItem {
        func text() -> String? { generator.next() % 4 == 0 ? nil : awkward[Int(generator.next() % UInt64(awkward.count))] }
        func date() -> Date? {
            generator.next() % 3 == 0 ? nil : Date(timeIntervalSince1970: Double(Int64(generator.next() % 8_000_000_000) - 2_000_000_000) + 0.75)
        }
        var parsed = ParsedItem()
        parsed.title = text()
        parsed.link = text()
        parsed.published = date()
        parsed.updated = date()
        parsed.authors = [text(), text()].compactMap { $0 }
        parsed.categories = [text()].compactMap { $0 }
        parsed.summary = text()
        parsed.content = text()
        parsed.enclosures = generator.next() % 2 == 0 ? [] : [Enclosure(url: "https://x/\(index).mp3", type: text(), length: generator.next() % 2 == 0 ? nil : 12_345)]
        var item = StoredItem(identity: text() ?? "i\(index)", key: "k\(index)", item: parsed, firstSeen: date() ?? Date(timeIntervalSince1970: 1e9))
        item.changed = generator.next() % 2 == 0
        return item
    }

    @Test func itemsFilesAreWhatFoundationWouldWrite() throws {
        var generator = SeededGenerator(seed: 7)
        for round in 0..<40 {
            var feed = StoredFeed(url: "https://feeds.example.org/\(round)")
            feed.title = round % 3 == 0 ? nil : Self.awkward[round % Self.awkward.count]
            feed.link = round % 2 == 0 ? nil : "https://example.org/"
            feed.items = (0..<(round % 7)).map { Self.item($0, generator: &generator) }
            feed.tombstones = round % 2 == 0 ? [] : [Tombstone(identity: "t", key: "k", deleted: Date(timeIntervalSince1970: 1.7e9), absentSince: round % 4 == 1 ? nil : Date(timeIntervalSince1970: 1.8e9 + 0.5))]
            feed.identityByLinkAndTitle = round % 5 == 0
            #expect(try Self.sameJSON(feed), "round \(round)")
            let back = try StoreCoding.decoder.decode(StoredFeed.self, from: feed.jsonData)
            #expect(back == (try StoreCoding.decoder.decode(StoredFeed.self, from: StoreCoding.encoder.encode(feed))))
        }
    }

    @Test func hookEventsAreWhatFoundationWouldWrite() throws {
        var generator = SeededGenerator(seed: 13)
        for round in 0..<30 {
            let entries = (0..<(round % 5)).map { index in
                HookEvent.Entry(
                    feed: "https://feeds.example.org/\(round)", feedTitle: round % 3 == 0 ? nil : Self.awkward[round % Self.awkward.count],
                    item: Self.item(index, generator: &generator), read: index % 2 == 0, starred: round % 2 == 0,
                    tags: round % 4 == 0 ? [] : ["k8s", Self.awkward[index % Self.awkward.count]])
            }
            let created = Date(timeIntervalSince1970: 1.79e9 + Double(round) * 0.25)
            let event = round % 2 == 0
                ? HookEvent.newItems(feed: "https://feeds.example.org/\(round)", created: created, entries: entries)
                : HookEvent.starred(created: created, entries: entries)
            #expect(try Self.sameJSON(event), "round \(round)")
            let back = try StoreCoding.decoder.decode(HookEvent.self, from: event.jsonData)
            #expect(back == (try StoreCoding.decoder.decode(HookEvent.self, from: StoreCoding.encoder.encode(event))), "round \(round)")
        }
        #expect(try Self.sameJSON(EventedKeys(keys: Self.awkward)))
    }

    @Test func stateAndIndexFilesAreWhatFoundationWouldWrite() throws {
        var generator = SeededGenerator(seed: 11)
        for round in 0..<40 {
            var fetch = FetchState()
            fetch.etag = round % 2 == 0 ? nil : "\"abc\""
            fetch.lastModified = round % 3 == 0 ? nil : "Sun, 29 Nov 2026 05:00:00 GMT"
            fetch.lastFetch = Date(timeIntervalSince1970: 1.79e9 + Double(round) * 0.3)
            fetch.lastSuccess = round % 2 == 0 ? nil : Date(timeIntervalSince1970: 1.78e9)
            fetch.lastResult = Self.awkward[round % Self.awkward.count]
            fetch.consecutiveFailures = round % 4
            fetch.nextFetch = Date(timeIntervalSince1970: 1.8e9)
            fetch.movedTo = round % 5 == 0 ? "https://new.example.org/feed" : nil
            fetch.bodyHash = round % 2 == 0 ? "0123abcd" : nil
            if round % 3 != 0 {
                var hints = PublisherHints()
                hints.ttlMinutes = round % 2 == 0 ? 60 : nil
                hints.updatePeriod = round % 2 == 0 ? nil : "hourly"
                hints.skipHours = round % 4 == 0 ? [] : [0, 1, 23]
                hints.skipDays = round % 4 == 1 ? [] : ["Saturday"]
                fetch.hints = hints
            }
            fetch.itemCount = round % 2 == 0 ? nil : round
            fetch.title = round % 3 == 0 ? nil : "Le « blog »"
            fetch.adaptiveSeconds = round % 2 == 0 ? 3600 : nil
            fetch.disabledFor = round % 7 == 0 ? "fingerprint" : nil
            fetch.retryAfter = round % 6 == 0 ? Date(timeIntervalSince1970: 1.8e9 + 120) : nil
            let state = FeedStateFile(url: "https://feeds.example.org/\(round)", fetch: fetch)
            #expect(try Self.sameJSON(state), "round \(round)")

            let entries = (0..<(round % 5)).map { IndexEntry(Self.item($0, generator: &generator), feed: "https://f/\($0)") }
            let index = ItemIndexFile(items: entries, title: round % 2 == 0 ? nil : "Titre")
            #expect(try Self.sameJSON(index), "round \(round)")
        }
    }
}


/// Fetch states read back without Foundation's decoder: what the writer writes reads back as Foundation
/// reads it, and anything else is left to Foundation.
struct StoreJSONReaderTests {
    static func state(_ round: Int, generator: inout SeededGenerator) -> FeedStateFile {
        let pieces = (0..<0x20).map { String(UnicodeScalar(UInt8($0))) } + ["\u{7F}", "\"", "\\", "/", "a", "plain ", "é", "😀", "\u{2028}", "« »"]
        func text() -> String? {
            guard generator.next() % 3 != 0 else { return nil }
            return (0..<Int(generator.next() % 12)).map { _ in pieces[Int(generator.next() % UInt64(pieces.count))] }.joined()
        }
        func date() -> Date? {
            // Whole and fractional seconds, before 1583 and after 9999 included (Foundation writes those).
            generator.next() % 3 == 0 ? nil : Date(timeIntervalSince1970: Double(Int64(generator.next() % 320_000_000_000) - 14_000_000_000) + Double(generator.next() % 4) / 4)
        }
        func integer() -> Int? { generator.next() % 3 == 0 ? nil : Int(Int64(bitPattern: generator.next()) >> Int64(generator.next() % 64)) }
        var fetch = FetchState()
        fetch.etag = text()
        fetch.lastModified = text()
        fetch.lastFetch = date()
        fetch.lastSuccess = date()
        fetch.lastResult = text()
        fetch.consecutiveFailures = integer() ?? 0
        fetch.nextFetch = date()
        fetch.movedTo = text()
        fetch.bodyHash = text()
        if generator.next() % 2 == 0 {
            var hints = PublisherHints()
            hints.ttlMinutes = integer()
            hints.updatePeriod = text()
            hints.updateFrequency = integer()
            hints.skipHours = (0..<Int(generator.next() % 4)).map { _ in Int(generator.next() % 24) }
            hints.skipDays = (0..<Int(generator.next() % 3)).compactMap { _ in text() }
            fetch.hints = hints
        }
        fetch.freshUntil = date()
        fetch.itemCount = integer()
        fetch.title = text()
        fetch.link = text()
        fetch.adaptiveSeconds = integer()
        fetch.disabledFor = text()
        fetch.retryAfter = date()
        return FeedStateFile(url: text() ?? "https://feeds.example.org/\(round)", fetch: fetch)
    }

    @Test func whatTheWriterWritesReadsBackAsFoundationReadsIt() async throws {
        try await heavyWork {
            var generator = SeededGenerator(seed: 29)
            var readByFoundation = 0
            for round in 0..<3000 {
                let state = Self.state(round, generator: &generator)
                for data in [state.jsonData, try StoreCoding.encoder.encode(state)] {
                    let foundation = try StoreCoding.decoder.decode(FeedStateFile.self, from: data)
                    if let mine = StoreJSONReader.fetchStateFile(data) {
                        #expect(mine == foundation, "round \(round): \(String(decoding: data, as: UTF8.self))")
                    } else {
                        readByFoundation += 1
                    }
                }
                // The writer's own form is always read without Foundation, but for dates it writes as Foundation.
                let writerDates = [state.fetch.lastFetch, state.fetch.lastSuccess, state.fetch.nextFetch, state.fetch.freshUntil, state.fetch.retryAfter]
                    .compactMap { $0 }.allSatisfy { CivilTime(secondsSince1970: $0.timeIntervalSince1970.rounded(.down)) != nil }
                if writerDates { #expect(StoreJSONReader.fetchStateFile(state.jsonData) != nil, "round \(round)") }
            }
            #expect(readByFoundation > 0, "some records (dates out of range) go to Foundation")
        }
    }

    /// Read shards by the writer and the reader: keys with quotes, backslashes, controls and emoji, dates of
    /// every century Foundation writes alike; a shard in Foundation's own form, or not the store's, is read by
    /// Foundation's decoder, which decides.
    @Test func readShardsRoundTripAndOtherFormsAreLeftToFoundation() throws {
        var generator = SeededGenerator(seed: 31)
        var marks: [String: Date] = [:]
        for number in 0..<2000 {
            let key = "url:site.example/\(number)" + StoreJSONTests.awkward[number % StoreJSONTests.awkward.count]
            marks[key] = Date(timeIntervalSince1970: Double(generator.next() % 8_000_000_000) - 2_000_000_000)
        }
        let shard = ReadShard(read: marks)
        #expect(try StoreJSONTests.sameJSON(shard))
        let read = try #require(StoreJSONReader.readShard(shard.jsonData))
        #expect(read == (try StoreCoding.decoder.decode(ReadShard.self, from: shard.jsonData)))
        #expect(read.read.count == 2000)
        #expect(StoreJSONReader.readShard(try StoreCoding.encoder.encode(shard)) == read)
        #expect(StoreJSONReader.readShard(Data(#"{"schema":1,"read":{}}"#.utf8)) == ReadShard())
        for other in [
            #"{"schema":2,"read":{}}"#,  // a newer schema: Foundation's path reports it
            #"{"read":{}}"#,
            #"{"schema":1,"read":{"a":"2026-11-29T10:00:00.5Z"}}"#,
            #"{"schema":1,"read":{"a":"2026-11-29T10:00:00Z","a":"2026-11-29T10:00:00Z"}}"#,
            #"{"schema":1,"read":{"a":null}}"#,
            #"{"schema":1,"read":[]}"#,
            #"{"schema":1,"read":{}} trailing"#,
        ] {
            #expect(StoreJSONReader.readShard(Data(other.utf8)) == nil, "\(other)")
        }
    }

    @Test func recordsInAnotherFormAreLeftToFoundation() throws {
        let base = #"{"schema":1,"url":"https://a.example/feed","fetch":{"etag":"\"x\"","consecutive_failures":2}}"#
        let read = try #require(StoreJSONReader.fetchStateFile(Data(base.utf8)))
        #expect(read.fetch.etag == "\"x\"" && read.fetch.consecutiveFailures == 2)
        // Escapes the writer does not write, white space and null: still JSON, read the same as Foundation.
        let loose = #" { "schema" : 1 , "url" : "https:\/\/a.example\/caf\u00e9\ud83d\ude00" , "fetch" : { "title" : null , "hints" : null } } "#
        let looseRead = try #require(StoreJSONReader.fetchStateFile(Data(loose.utf8)))
        #expect(looseRead == (try StoreCoding.decoder.decode(FeedStateFile.self, from: Data(loose.utf8))))
        for other in [
            #"{"schema":2,"url":"u","fetch":{}}"#,  // a newer schema: Foundation's path reports it
            #"{"schema":1,"url":"u","fetch":{"consecutive_failures":1.0}}"#,
            #"{"schema":1,"url":"u","fetch":{"item_count":1e3}}"#,
            #"{"schema":1,"url":"u","fetch":{"last_fetch":"2026-11-29T10:00:00.5Z"}}"#,
            #"{"schema":1,"url":"u","fetch":{"last_fetch":"2026-02-30T10:00:00Z"}}"#,
            #"{"schema":1,"url":"u","fetch":{"etag":"a","etag":"b"}}"#,
            #"{"schema":1,"url":"u","fetch":{"future_field":true}}"#,
            #"{"schema":1,"url":"u","fetch":{"title":"\ud83d"}}"#,
            #"{"schema":1,"url":"u","fetch":{}} trailing"#,
            #"{"schema":1,"url":"u","fetch":{"title":"cut"#,
            "{\"schema\":1,\"url\":\"u\",\"fetch\":{\"title\":\"a\u{1}b\"}}",
        ] {
            #expect(StoreJSONReader.fetchStateFile(Data(other.utf8)) == nil, "\(other)")
        }
        let invalidUTF8 = Data(#"{"schema":1,"url":""#.utf8) + Data([0xC3, 0x28]) + Data(#"","fetch":{}}"#.utf8)
        #expect(StoreJSONReader.fetchStateFile(invalidUTF8) == nil)
    }
}

/// Index entries carry a snippet read from the start of a long body only: it must be the whole body's.
struct SnippetTests {
    @Test func inlineTagsJoinTheirWordsAndBlockTagsSeparateThem() {
        #expect(TextCleaning.snippet("<p>A 1930ft<sup>2</sup> <em>loft</em>,</p><p>next<br>line</p><ul><li>one</li><li>two</li></ul>")
            == "A 1930ft2 loft, next line one two")
    }

    @Test func aLongBodyGivesTheSnippetOfTheWholeBody() async {
        await heavyWork {
            var generator = SeededGenerator(seed: 21)
            let pieces = ["<p>", "</p>", "mot ", "l’été ", "  ", "\n\t", "<a href=\"x\">lien</a>", "<!-- note > fin -->", "a < b ", "<br/>",
                "e\u{301}", "🇫🇷", "\u{85}", "<img src='y'>", "<", ">", "x", "<b", "é",
                "<div style='" + String(repeating: "w", count: 700) + "'>",  // long tags: windows with little text
                ">\u{301}"]  // a `>` that is no character of its own
            for round in 0..<300 {
                var html = ""
                let count = Int(generator.next() % 3000)
                for _ in 0..<count { html += pieces[Int(generator.next() % UInt64(pieces.count))] }
                let whole = TextCleaning.collapsingWhitespace(TextCleaning.stripTags(html))
                let expected: String? = whole.isEmpty ? nil : String(whole.prefix(280))
                let same = TextCleaning.snippet(html) == expected
                #expect(same, "round \(round)")
            }
        }
    }

    /// Counting characters on bytes gives what counting `Character`s gives, whatever follows or precedes
    /// the cut: combining marks, joiners, variation selectors, flags, Hangul jamo, CR LF.
    @Test func countingCharactersOnBytesAgreesWithCharacters() {
        var generator = SeededGenerator(seed: 34)
        let pieces = ["a", " ", "é", "e", "\u{301}", "’", "—", "«", "»", "…", "‼", "\u{200D}", "\u{FE0F}", "👩", "🇫", "🇷",
            "\u{1100}", "\u{1161}", "한", "\u{AD}", "\u{2028}", "\u{2060}", "\r", "\n", "ʼ", "\u{2FF}", "\u{300}", "‧", "‰", "⁞", "\u{205F}"]
        for round in 0..<3000 {
            var text = ""
            for _ in 0..<Int(generator.next() % 40) { text += pieces[Int(generator.next() % UInt64(pieces.count))] }
            let count = Int(generator.next() % 30)
            let expected = text.count > count ? text.index(text.startIndex, offsetBy: count) : nil
            #expect(TextCleaning.endOfFirstCharacters(text, count: count) == expected, "round \(round): \(text.unicodeScalars.map { String($0.value, radix: 16) })")
        }
    }
}
