/// When feedd fetches an item's web page for its full article (config `full_text`, per feed or in
/// `defaults`): `never`; `auto`, when the feed's content is missing or a teaser; `always`, for every new
/// item. Only new items, and at most `limit` of the newest of one fetch: never a feed's whole back
/// catalogue.
public struct FullTextPolicy: Sendable, Equatable {
    public enum Mode: String, Sendable, Equatable, CaseIterable {
        case never, auto, always
    }

    public static let defaultLimit = 10

    public var mode: Mode
    public var limit: Int

    public init(mode: Mode = .never, limit: Int = FullTextPolicy.defaultLimit) {
        self.mode = mode
        self.limit = limit
    }
}
