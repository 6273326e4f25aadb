import FeedCore
import Foundation

/// One feed's fetch state: its record in `fetch-state.log`, appended after every fetch (a file of its own,
/// `feeds/KEY.state.json`, in stores before the log).
struct FeedStateFile: Codable, Sendable, Equatable {
    public static let currentSchema = 1

    public var schema: Int
    public var url: String
    public var fetch: FetchState

    /// The record's keys, in the order the store writes them: the one list its writer and reader follow.
    enum CodingKeys: String, CodingKey, CaseIterable {
        case schema, url, fetch
    }

    public init(url: String, fetch: FetchState) {
        self.schema = Self.currentSchema
        self.url = url
        self.fetch = fetch
    }
}
