import FeedCore
@testable import FeedModel
@testable import FeedStore
import Foundation
import TestSupport
import Testing

/// The unread index is read by the store's own reader (`feedctl list` reads it at every start) and by
/// Foundation's decoder when that reader is unsure: both must give the same index, and the reader must
/// step aside for whatever it does not read exactly as the decoder does.
struct IndexReaderTests {
    static func decoded(_ json: String) throws -> ItemIndexFile {
        try StoreCoding.decoder.decode(ItemIndexFile.self, from: Data(json.utf8))
    }

    /// Indexes of awkward entries (quotes, backslashes, controls, emoji, missing optionals, dates across
    /// three centuries), written by the store's writer and by Foundation's encoder, read alike.
    @Test func readsWhatBothEncodersWriteAsTheDecoderDoes() throws {
        var generator = SeededGenerator(seed: 17)
        for round in 0..<40 {
            let entries = (0..<Int(generator.next() % 30)).map { IndexEntry(StoreJSONTests.item(round * 100 + $0, generator: &generator), feed: "https://f/\(round)") }
            let index = ItemIndexFile(items: entries, title: round % 3 == 0 ? nil : StoreJSONTests.awkward[round % StoreJSONTests.awkward.count])
            for data in [index.jsonData, try StoreCoding.encoder.encode(index)] {
                let read = try #require(StoreJSONReader.itemIndexFile(data))
                #expect(read == (try StoreCoding.decoder.decode(ItemIndexFile.self, from: data)))
            }
        }
    }

    /// Escapes of every kind, white space between tokens, `null` optionals.
    @Test func readsEscapesAndNulls() throws {
        let json = #"""
             { "schema" : 1, "items": [
              {"id": "not trusted", "key": "k\u00e9\/1", "feeds": ["https://f/\ud83d\ude00"], "title": "Caf\u00E9 \"noir\"\n\t\\",
               "link": null, "published": "2026-11-30T08:15:00Z", "first_seen": "2026-11-30T09:00:59Z",
               "authors": [], "categories": ["r\u00fcst", "web"], "changed": false, "snippet": "« ça »"}
            ], "title": null }
            """#
        let read = try #require(StoreJSONReader.itemIndexFile(Data(json.utf8)))
        #expect(read == (try Self.decoded(json)))
        let entry = try #require(read.items.first)
        #expect(entry.key == "ké/1")
        #expect(entry.id == ItemIdentity.itemID(logicalKey: "ké/1"))
        #expect(entry.feeds == ["https://f/😀"])
        #expect(entry.title == "Café \"noir\"\n\t\\")
        #expect(entry.published == Date(timeIntervalSince1970: 1_796_026_500))
        #expect(entry.updated == nil && entry.link == nil)
    }

    /// What the reader does not read as the decoder would, it leaves to the decoder: a number that is not a
    /// plain integer, a date in another form or before 1583, a member given twice or not the writer's, a
    /// lone surrogate, a missing member, text after the object, broken JSON, another schema.
    @Test(arguments: [
        #"{"schema": 1, "items": [], "future": {"a": [1, true]}}"#,
        #"{"schema": 2, "items": []}"#,
        #"{"schema": 1.0, "items": []}"#,
        #"{"schema": 1, "items": [], "schema": 1}"#,
        #"{"schema": 1, "items": [{"key": "k", "feeds": [], "first_seen": "2026-11-30T09:00:59.5Z", "authors": [], "categories": [], "changed": true}]}"#,
        #"{"schema": 1, "items": [{"key": "k", "feeds": [], "first_seen": "2026-11-30T10:00:59+01:00", "authors": [], "categories": [], "changed": true}]}"#,
        #"{"schema": 1, "items": [{"key": "k", "feeds": [], "first_seen": "1500-01-01T00:00:00Z", "authors": [], "categories": [], "changed": true}]}"#,
        #"{"schema": 1, "items": [{"key": "\ud800", "feeds": [], "first_seen": "2026-11-30T09:00:59Z", "authors": [], "categories": [], "changed": true}]}"#,
        #"{"schema": 1, "items": [{"key": "k", "feeds": [], "authors": [], "categories": [], "changed": true}]}"#,
        #"{"schema": 1, "items": []} x"#,
        #"{"schema": 1, "items": [}"#,
        "{\"schema\": 1, \"items\": [], \"title\": \"tab\tinside\"}",
    ])
    func leavesToTheDecoderWhatItIsUnsureOf(_ json: String) {
        #expect(StoreJSONReader.itemIndexFile(Data(json.utf8)) == nil)
    }
}
