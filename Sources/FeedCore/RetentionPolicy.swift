/// How long items are kept (config `retention:`, per feed or for all).
public struct RetentionPolicy: Sendable, Equatable {
    /// Items kept per feed, counting by first-seen time.
    public var maxItems: Int
    /// Items first seen longer ago than this go.
    public var maxAge: Duration
    /// Whether unread items may go too; by default they stay until read.
    public var deleteUnread: Bool
    /// A tombstone is forgotten once its item has been absent from the feed this long.
    public var forgetAfter: Duration

    public init(maxItems: Int = 500, maxAge: Duration = .seconds(180 * 86_400), deleteUnread: Bool = false,
                forgetAfter: Duration = .seconds(30 * 86_400)) {
        self.maxItems = maxItems
        self.maxAge = maxAge
        self.deleteUnread = deleteUnread
        self.forgetAfter = forgetAfter
    }
}
