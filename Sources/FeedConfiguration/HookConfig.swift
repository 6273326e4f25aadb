import FeedCore
import Foundation

/// One entry of `hooks:`: what feedd runs or calls when something happens, and for which items.
public struct HookConfig: Sendable, Equatable {
    /// How the event leaves feedd.
    public enum Kind: Sendable, Equatable {
        /// A program, started without a shell, given the event as JSON on its standard input.
        case exec(argv: [String], environment: [String: String])
        /// An HTTP POST of the event, signed with HMAC-SHA256 when a secret is configured.
        case webhook(url: URL, secret: FeedAuth.PasswordSource?, headers: [HTTPHeader])
        /// A mail message handed to a sendmail-compatible command.
        case email(to: [String], from: String, sendmail: [String])

        /// The kind as the config writes it.
        public var word: String {
            switch self {
            case .exec: return "exec"
            case .webhook: return "webhook"
            case .email: return "email"
            }
        }
    }

    /// Whether events go out as they come or gathered into one digest.
    public enum Gathering: Sendable, Equatable {
        case none
        /// `batch: 1h`: everything that arrived within this long of the first item, together.
        case batch(Duration)
        /// `daily: "07:00"`: everything since the last digest, at this local time each day.
        case daily(hour: Int, minute: Int)
    }

    /// Names the hook in logs, in the outbox and in `feedctl hooks`; unique in the config.
    public var name: String
    public var kind: Kind
    public var events: Set<HookEventKind> = [.newItems]
    /// Feed names, URLs or `tag:NAME` (as a global rule's `feeds:`); empty for every feed.
    public var feeds: [String] = []
    /// Item tags (given by `tag` rules): only items with one of them; empty for every item.
    public var tags: [String] = []
    /// Also items already read when stored (by a `mark_read` rule, or read in another feed).
    public var includeRead = false
    /// How long one delivery attempt may take.
    public var timeout = HookConfig.defaultTimeout
    /// How long after a first failed attempt the next comes (then twice as long each time).
    public var firstRetry = Duration.seconds(30)
    public var gathering = Gathering.none
    /// The config line that names this hook, for messages.
    public var line: Int

    public static let defaultTimeout = Duration.seconds(30)
    /// What `email` hands messages to unless `sendmail:` says otherwise.
    public static let defaultSendmail = ["/usr/sbin/sendmail", "-t", "-oi"]

    public init(name: String, kind: Kind, line: Int) {
        self.name = name
        self.kind = kind
        self.line = line
    }

    /// Whether this hook is told of `feed`'s items (its `feeds:` names it, or it names none).
    public func covers(_ feed: FeedConfig) -> Bool {
        feeds.isEmpty || feeds.contains { Configuration.selector($0, names: feed) }
    }
}
