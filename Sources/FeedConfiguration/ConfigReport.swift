import Foundation

/// `feedctl config check`: the configuration as feedd will use it, every default filled in.
public enum ConfigReport {
    public static func text(_ configuration: Configuration, stateDirectory: URL) -> String {
        func duration(_ value: Duration) -> String { DurationText.format(value) }
        var lines = [
            "config: \(configuration.path) (valid)",
            "state_dir: \(stateDirectory.path)",
            "schedule: min_interval \(duration(configuration.schedule.minInterval)), max_interval \(duration(configuration.schedule.maxInterval))",
            "fetch: concurrency \(configuration.fetch.concurrency), per_host \(configuration.fetch.perHost), max_bytes \(configuration.fetch.maxBytes), "
                + "proxy \(configuration.fetch.proxy ?? "(environment)"), user_agent \(configuration.fetch.userAgent)",
            "feeds: \(configuration.feeds.count)",
        ]
        for feed in configuration.feeds {
            var line = "- \(feed.url.absoluteString)"
            if let name = feed.name { line += " (\(name))" }
            line += ": interval \(feed.adaptive ? "auto" : duration(feed.interval)), timeout \(duration(feed.timeout))"
            line += ", retention \(feed.retention.maxItems) items / \(duration(feed.retention.maxAge))"
            if feed.retention.deleteUnread { line += " (unread too)" }
            line += ", on_update \(feed.onUpdate.rawValue)"
            if feed.auth != nil { line += ", auth" }
            if feed.insecure { line += ", INSECURE (no TLS verification)" }
            lines.append(line)
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
