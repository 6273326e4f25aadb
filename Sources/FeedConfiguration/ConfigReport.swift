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
            if feed.fullText.mode != .never { line += ", full_text \(feed.fullText.mode.rawValue) (newest \(feed.fullText.limit))" }
            if feed.auth != nil { line += ", auth" }
            if feed.insecure { line += ", INSECURE (no TLS verification)" }
            lines.append(line)
        }
        if !configuration.hooks.isEmpty { lines.append("hooks: \(configuration.hooks.count)") }
        for hook in configuration.hooks {
            var line = "- \(hook.name): \(hook.kind.word), \(hook.events.map(\.rawValue).sorted().joined(separator: " and "))"
            switch hook.gathering {
            case .none: break
            case .batch(let window): line += ", batch \(duration(window))"
            case .daily(let hour, let minute): line += ", daily at " + String(format: "%02d:%02d", hour, minute)
            }
            if !hook.feeds.isEmpty { line += ", feeds \(hook.feeds.joined(separator: ", "))" }
            line += ", timeout \(duration(hook.timeout))"
            lines.append(line)
        }
        if let api = configuration.api {
            let listen: String
            switch api.listen {
            case .tcp(let host, let port): listen = host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
            case .unixSocket(let path): listen = path
            }
            lines.append(
                "api: listen \(listen), users \(api.users.map(\.name).joined(separator: ", ")), trusted_proxies "
                    + (api.trustedProxies.isEmpty ? "none" : api.trustedProxies.joined(separator: ", "))
                    + ", edit_subscriptions \(api.editSubscriptions)")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
