import FeedCatalog
import FeedConfiguration
import FeedParser
import FeedStore
import Foundation

/// What apps may change in the subscriptions when `api.edit_subscriptions` is on: they edit the YAML config
/// exactly as `feedctl add`, `remove` and `import` do (only the entries concerned change, comments stay, the
/// result is validated before it replaces the file), then `changed` hands the new configuration to the
/// daemon, which reloads its schedule.
public struct SubscriptionEditor: Sendable {
    public let store: FeedStore
    public let changed: @Sendable (Configuration) -> Void

    public init(store: FeedStore, changed: @escaping @Sendable (Configuration) -> Void) {
        self.store = store
        self.changed = changed
    }

    /// A failed edit, said in one line (the config file and why it cannot be written, when that is it).
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
        /// The config could not be written (rather than the request being wrong).
        public var unwritable = false
    }

    /// Subscribes to the feed at `address` (or the one the page there advertises first): it is fetched and
    /// parsed first, and refused when already subscribed.
    /// Returns the feed's URL and its title (the one given, else the feed's own).
    public func subscribe(_ address: String, title: String?, tags: [String], configuration: Configuration) async throws(Failure)
        -> (url: URL, title: String)
    {
        do {
            let added = try await Subscription.add(
                address, name: title, interval: nil, tags: tags, path: configuration.path, configuration: configuration, store: store,
                pick: { _, _ in 0 })
            changed(added.configuration)
            return (added.url, added.title)
        } catch let failure as Failure {
            throw failure
        } catch {
            throw Self.failure(error, path: configuration.path)
        }
    }

    public func unsubscribe(_ url: URL, configuration: Configuration) throws(Failure) {
        try edit(configuration.path) { try ConfigFile.remove(url, path: configuration.path) }
    }

    /// Renames a feed and sets its tags (nil leaves each as it is).
    public func update(_ url: URL, name: String??, tags: [String]?, configuration: Configuration) throws(Failure) {
        try edit(configuration.path) { try ConfigFile.update(url, name: name, tags: tags, path: configuration.path) }
    }

    /// Appends the feeds of an OPML file that are not subscribed yet; returns how many were added and skipped.
    public func importOPML(_ data: Data, configuration: Configuration) throws(Failure) -> (added: Int, skipped: Int) {
        let feeds: [OPMLFeed]
        do {
            feeds = try OPML.read(data).feeds
        } catch {
            throw Failure(description: "not an OPML file: \(error)")
        }
        let plan = OPMLExchange.plan(feeds, configuration: configuration, store: store)
        if !plan.added.isEmpty {
            try edit(configuration.path) { try ConfigFile.append(plan.added, urls: plan.addedURLs, path: configuration.path) }
        }
        return (plan.added.count, plan.skipped.count)
    }

    private func edit(_ path: String, _ change: () throws -> Configuration) throws(Failure) {
        do {
            changed(try change())
        } catch {
            throw Self.failure(error, path: path)
        }
    }

    /// The error in one line; a config that cannot be written says where to look.
    private static func failure(_ error: any Error, path: String) -> Failure {
        let text = "\(error)"
        let unwritable = ["Read-only file system", "Permission denied", "Operation not permitted", "cannot lock", "cannot open its folder"]
            .contains { text.contains($0) }
        return Failure(
            description: unwritable
                ? "\(text) (the API edits \(path); under systemd that file must be writable by feedd: see README, The sync API)" : text,
            unwritable: unwritable)
    }
}
