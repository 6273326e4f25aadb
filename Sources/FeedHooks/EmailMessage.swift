import FeedCatalog
import FeedParser
import FeedStore
import Foundation

/// The mail an `email` hook hands to sendmail: RFC 5322 headers (non-ASCII ones as RFC 2047 encoded
/// words), a multipart/alternative body with a plain-text part rendered as `feedctl show` renders items and
/// an HTML part built from the same text (escaped: no markup of the publisher's reaches the mail), both
/// UTF-8 in base64. The same delivery always makes the same message (its id is the `Message-ID`).
public enum EmailMessage {
    public static func render(_ delivery: Delivery, from: String?, to: [String], calendar: Calendar = .current) -> Data {
        let boundary = "feedd-\(delivery.id)"
        var lines: [String] = []
        if let from { lines.append("From: \(from)") }
        lines.append("To: \(to.joined(separator: ", "))")
        lines.append(contentsOf: encodedHeader("Subject", subject(delivery)))
        lines.append("Date: \(rfc5322Date(delivery.created))")
        lines.append("Message-ID: <\(delivery.id)@feedd>")
        lines.append("X-Feedd-Delivery: \(delivery.id)")
        lines.append("X-Feedd-Event: \(delivery.event.rawValue)")
        lines.append("Auto-Submitted: auto-generated")
        lines.append("MIME-Version: 1.0")
        lines.append("Content-Type: multipart/alternative; boundary=\"\(boundary)\"")
        lines.append("")
        for (type, body) in [("text/plain", plainText(delivery, calendar: calendar)), ("text/html", html(delivery, calendar: calendar))] {
            lines.append("--\(boundary)")
            lines.append("Content-Type: \(type); charset=utf-8")
            lines.append("Content-Transfer-Encoding: base64")
            lines.append("")
            lines.append(contentsOf: base64Lines(Data(body.utf8)))
        }
        lines.append("--\(boundary)--")
        return Data((lines.joined(separator: "\r\n") + "\r\n").utf8)
    }

    /// `[feedd] Feed: Title` for one item; for several, how many, from which feed when they share one, and
    /// the first title. A digest says so first.
    static func subject(_ delivery: Delivery) -> String {
        var subject = "[feedd] " + (delivery.digest ? "Digest: " : "") + (delivery.event == .starred ? "Starred: " : "")
        guard let first = delivery.entries.first else { return subject + "nothing" }
        let title = oneLine(first.item.title ?? "(untitled)")
        let feed = oneLine(delivery.feedName(of: first))
        if delivery.entries.count == 1 { return subject + "\(feed): \(title)" }
        subject += "\(delivery.entries.count) \(delivery.event == .starred ? "items" : "new items")"
        if delivery.entries.allSatisfy({ $0.feed == first.feed }) { subject += " from \(feed)" }
        return subject + ": \(title), …"
    }

    /// The items one after the other, as `feedctl show` shows them at 72 columns.
    static func plainText(_ delivery: Delivery, calendar: Calendar) -> String {
        delivery.entries.map { entry in
            ItemPage.render(entry.item, feedNames: [delivery.feedName(of: entry)], tags: entry.tags, width: 72, calendar: calendar)
        }.joined(separator: "\n" + String(repeating: "-", count: 72) + "\n\n")
    }

    /// The same text as HTML: headings and links for each item, its paragraphs escaped.
    static func html(_ delivery: Delivery, calendar: Calendar) -> String {
        var parts = ["<!DOCTYPE html>", "<html><head><meta charset=\"utf-8\"></head><body>"]
        for entry in delivery.entries {
            let item = entry.item
            let title = escape(item.title ?? "(untitled)")
            if let link = item.link, let safe = httpLink(link) {
                parts.append("<h2><a href=\"\(escape(safe))\">\(title)</a></h2>")
            } else {
                parts.append("<h2>\(title)</h2>")
            }
            let day = calendar.dateComponents([.year, .month, .day], from: item.shownDate)
            let date = String(format: "%04d-%02d-%02d", day.year ?? 0, day.month ?? 0, day.day ?? 0)
            parts.append("<p><small>\(escape(delivery.feedName(of: entry))) · \(date)</small></p>")
            let (blocks, links) = HTMLText.render(item.content ?? item.summary ?? "")
            for block in blocks {
                let text = escape(block.text).replacingOccurrences(of: "\n", with: "<br>")
                var element = block.preformatted ? "<pre>\(text)</pre>" : "<p>\(escape(block.marker))\(text)</p>"
                for _ in 0..<block.quoteDepth { element = "<blockquote>\(element)</blockquote>" }
                parts.append(element)
            }
            if !links.isEmpty {
                parts.append("<ol>")
                for link in links {
                    if let safe = httpLink(link) { parts.append("<li><a href=\"\(escape(safe))\">\(escape(safe))</a></li>") } else { parts.append("<li>\(escape(link))</li>") }
                }
                parts.append("</ol>")
            }
            parts.append("<hr>")
        }
        parts.append("</body></html>")
        return parts.joined(separator: "\n")
    }

    /// A header line, folded; its value as RFC 2047 `=?UTF-8?B?…?=` words when it is not plain ASCII, each
    /// word whole characters of at most 45 bytes (60 of base64), so no line passes 78 characters.
    static func encodedHeader(_ name: String, _ value: String) -> [String] {
        if value.unicodeScalars.allSatisfy({ $0.isASCII && $0.value >= 0x20 && $0.value != 0x7F }) && value.utf8.count + name.count <= 76
            && !value.contains("=?")
        {
            return ["\(name): \(value)"]
        }
        var words: [String] = []
        var chunk: [UInt8] = []
        for character in value {
            let bytes = Array(String(character).utf8)
            if chunk.count + bytes.count > 45 {
                words.append("=?UTF-8?B?\(Data(chunk).base64EncodedString())?=")
                chunk = []
            }
            chunk.append(contentsOf: bytes)
        }
        if !chunk.isEmpty { words.append("=?UTF-8?B?\(Data(chunk).base64EncodedString())?=") }
        // Encoded words on separate lines are joined without the folding white space (RFC 2047 §6.2).
        return words.enumerated().map { index, word in index == 0 ? "\(name): \(word)" : " \(word)" }
    }

    static func rfc5322Date(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        return formatter.string(from: date)
    }

    private static func base64Lines(_ data: Data) -> [String] {
        let text = data.base64EncodedString()
        var lines: [String] = []
        var index = text.startIndex
        while index < text.endIndex {
            let end = text.index(index, offsetBy: 76, limitedBy: text.endIndex) ?? text.endIndex
            lines.append(String(text[index..<end]))
            index = end
        }
        return lines
    }

    /// Control characters (a newline in a title among them) as spaces: a header is one line.
    private static func oneLine(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { $0.properties.generalCategory == .control ? " " : $0 }))
    }

    private static func escape(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            default: result.append(character)
            }
        }
        return result
    }

    /// Only http(s) links become anchors.
    private static func httpLink(_ link: String) -> String? {
        let lower = link.lowercased()
        return lower.hasPrefix("http://") || lower.hasPrefix("https://") ? link : nil
    }
}
