import FeedConfiguration
import FeedModel
import Foundation

/// `feedctl hooks`: each configured hook with what waits for it, then the deliveries that failed.
public enum HookReport {
    public static func text(hooks: [HookConfig], outbox: Outbox, now: Date) -> String {
        let deliveries = outbox.deliveries()
        let gatherings = outbox.gatherings()
        var lines: [String] = []
        for hook in hooks {
            let own = deliveries.filter { $0.hook == hook.name }
            let waiting = own.filter { !$0.failed }
            let failed = own.count - waiting.count
            var line = "\(TerminalSafe.text(hook.name))  \(hook.kind.word)  \(hook.events.map(\.rawValue).sorted().joined(separator: ","))"
            line += "  \(waiting.count) waiting, \(failed) failed"
            if let next = waiting.map(\.nextAttempt).min(), next > now { line += " (next attempt \(stamp(next)))" }
            let gathered = gatherings.filter { $0.hook == hook.name }.map(\.entries.count).reduce(0, +)
            if gathered > 0 { line += ", \(gathered) item(s) gathered for the next digest" }
            lines.append(line)
        }
        if hooks.isEmpty { lines.append("No hooks configured.") }
        let configured = Set(hooks.map(\.name))
        for delivery in deliveries where !configured.contains(delivery.hook) {
            lines.append("\(TerminalSafe.text(delivery.hook)): no longer configured; delivery \(delivery.id) waits in the outbox")
        }
        let failed = deliveries.filter(\.failed)
        if !failed.isEmpty {
            lines.append("")
            lines.append("Failed (feedctl hooks retry [ID…]):")
            for delivery in failed {
                lines.append(
                    "  \(delivery.id)  \(TerminalSafe.text(delivery.hook))  \(delivery.event.rawValue)  \(delivery.entries.count) item(s)  "
                        + "\(delivery.attempts) attempts, last \(delivery.lastAttempt.map(stamp) ?? "never"): "
                        + TerminalSafe.text(delivery.lastError ?? ""))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `feedctl hooks --json`: the deliveries in the outbox, without their items' text.
    public static func json(hooks: [HookConfig], outbox: Outbox) -> Data {
        var json = JSONWriter(indent: 2, terminalSafe: true)
        let deliveries = outbox.deliveries()
        json.object { json in
            json.key("hooks")
            json.array(hooks) { json, hook in
                json.object { json in
                    json.field("name", hook.name)
                    json.field("kind", hook.kind.word)
                    json.field("events", hook.events.map(\.rawValue).sorted())
                }
            }
            json.key("deliveries")
            json.array(deliveries) { json, delivery in
                json.object { json in
                    json.field("id", delivery.id)
                    json.field("hook", delivery.hook)
                    json.field("event", delivery.event.rawValue)
                    json.field("created", delivery.created)
                    json.field("items", delivery.entries.map(\.item.id))
                    json.field("digest", delivery.digest)
                    json.field("attempts", delivery.attempts)
                    json.field("failed", delivery.failed)
                    json.field("next_attempt", delivery.nextAttempt)
                    json.fieldOrNull("last_attempt", delivery.lastAttempt)
                    json.fieldOrNull("last_error", delivery.lastError)
                }
            }
        }
        var data = json.data
        data.append(UInt8(ascii: "\n"))
        return data
    }

    private static func stamp(_ date: Date) -> String {
        let parts = Calendar.current.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        return String(format: "%04d-%02d-%02d %02d:%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0, parts.hour ?? 0, parts.minute ?? 0)
    }
}
