@_spi(Benchmarks) import FeedCore
import FeedModel
import Foundation

/// The store's hand-written fast paths beside what each replaces, for `feedbench fastpaths` only (not API):
/// the measure of whether each still earns its place (docs/PERFORMANCE.md).
@_spi(Benchmarks) public enum StoreFastPaths {
    /// `CanonicalURL.key` (its byte reader, Foundation for the URLs that reader leaves), and Foundation's
    /// `URLComponents` reading alone.
    public static func canonicalKey(_ url: String) -> String? { CanonicalURL.key(url) }
    public static func canonicalKeyByFoundation(_ url: String) -> String? { CanonicalURL.parsedKey(url) }

    /// An items file by `JSONWriter`, and by Foundation's `JSONEncoder`.
    public static func encode(_ feed: StoredFeed) -> Data { feed.jsonData }
    public static func encodeByFoundation(_ feed: StoredFeed) throws -> Data { try StoreCoding.encoder.encode(feed) }

    /// A fetch-state record as the store writes it; read back by `StoreJSONReader`, and by Foundation's
    /// `JSONDecoder`.
    public static func encodeState(url: String, fetch: FetchState) -> Data { FeedStateFile(url: url, fetch: fetch).jsonData }
    public static func decodeState(_ data: Data) -> FetchState? { StoreJSONReader.fetchStateFile(data)?.fetch }
    public static func decodeStateByFoundation(_ data: Data) throws -> FetchState {
        try StoreCoding.decoder.decode(FeedStateFile.self, from: data).fetch
    }

    /// A feed's unread index record of these items as the store writes it; read back by `StoreJSONReader`
    /// (the number of entries), and by Foundation's `JSONDecoder`.
    public static func encodeIndex(_ feed: StoredFeed) -> Data {
        ItemIndexFile(items: feed.items.map { IndexEntry($0, feed: feed.url) }, title: feed.title).jsonData
    }
    public static func decodeIndex(_ data: Data) -> Int? { StoreJSONReader.itemIndexFile(data)?.items.count }
    public static func decodeIndexByFoundation(_ data: Data) throws -> Int {
        try StoreCoding.decoder.decode(ItemIndexFile.self, from: data).items.count
    }

    /// A read shard of these marks as the store writes it; read back by `StoreJSONReader` (the number of
    /// marks), and by Foundation's `JSONDecoder`.
    public static func encodeShard(_ marks: [String: Date]) -> Data { ReadShard(read: marks).jsonData }
    public static func decodeShard(_ data: Data) -> Int? { StoreJSONReader.readShard(data)?.read.count }
    public static func decodeShardByFoundation(_ data: Data) throws -> Int {
        try StoreCoding.decoder.decode(ReadShard.self, from: data).read.count
    }
}
