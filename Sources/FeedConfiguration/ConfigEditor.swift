import FeedModel
import Foundation
import Yams

/// Edits the text of the configuration file the way a careful person would: a new feed goes after the last
/// entry of `feeds:`, a removed feed takes only its own lines with it, and every other byte (comments,
/// blank lines, order, quoting, line endings) stays as it was. YAML is only parsed to locate the entries;
/// it is never dumped back.
public struct ConfigEditor {
    /// A feed to append, as `feedctl add` or `feedctl import` describe it.
    public struct NewFeed: Equatable, Sendable {
        public var url: String
        public var name: String?
        public var interval: String?
        public var tags: [String]

        public init(url: String, name: String? = nil, interval: String? = nil, tags: [String] = []) {
            self.url = url
            self.name = name
            self.interval = interval
            self.tags = tags
        }
    }

    /// The edited text.
    public private(set) var text: String
    private let path: String

    public init(text: String, path: String) {
        self.text = text
        self.path = path
    }

    /// Appends entries after the last feed, indented like it.
    public mutating func append(_ feeds: [NewFeed]) throws(ConfigError) {
        guard !feeds.isEmpty else { return }
        var lines = Lines(text)
        let layout = try locate(lines)
        let newline = lines.newline
        var insertAt: Int
        var dashIndent: String
        var dashGap = " "
        var keyIndent: String
        var separated = false
        if let last = layout.entries.last {
            insertAt = lines.lastContentLine(from: last.dashLine, to: layout.blockEnd, dashColumn: last.dashColumn) + 1
            let dashLine = lines[last.dashLine]
            dashIndent = String(repeating: " ", count: last.dashColumn)
            let afterDash = dashLine.dropFirst(last.dashColumn + 1).prefix { $0 == " " }.count
            dashGap = String(repeating: " ", count: max(afterDash, 1))
            keyIndent = String(repeating: " ", count: last.dashColumn + 1 + dashGap.count)
            separated = last.dashLine > 0 && lines.isBlank(last.dashLine - 1) && layout.entries.count > 1
        } else {
            insertAt = layout.keyLine + 1
            dashIndent = String(repeating: " ", count: lines.nestedIndentation)
            keyIndent = dashIndent + "  "
        }
        if insertAt > 0 && !lines.endsWithNewline(insertAt - 1) { lines.terminate(insertAt - 1) }
        var added: [String] = []
        for feed in feeds {
            if separated { added.append("") }
            added.append("\(dashIndent)-\(dashGap)url: \(Self.scalar(feed.url))")
            if let name = feed.name { added.append("\(keyIndent)name: \(Self.scalar(name))") }
            if let interval = feed.interval { added.append("\(keyIndent)interval: \(Self.scalar(interval))") }
            if !feed.tags.isEmpty {
                added.append("\(keyIndent)tags: [\(feed.tags.map { Self.scalar($0, inFlow: true) }.joined(separator: ", "))]")
            }
        }
        lines.insert(added.map { $0 + newline }, at: insertAt)
        if layout.emptyValueOnKeyLine { lines.clearInlineValue(layout.keyLine) }
        text = lines.joined
    }

    /// Removes the feed at `index` of the `feeds:` list, with the lines that belong to it.
    public mutating func remove(at index: Int) throws(ConfigError) {
        var lines = Lines(text)
        let layout = try locate(lines)
        let (entry, entryLast) = try bounds(of: index, lines, layout)
        var first = entry.dashLine
        var last = entryLast
        // The blank line that separated the entry goes with it: with one on each side, the one after; for
        // the last entry, the one before (where `append` puts it when entries are spaced out).
        let blankBefore = first > 0 && lines.isBlank(first - 1)
        if blankBefore, last + 1 < lines.count, lines.isBlank(last + 1) {
            last += 1
        } else if blankBefore, index == layout.entries.count - 1, last + 1 >= layout.blockEnd || !lines.isBlank(last + 1) {
            first -= 1
        }
        lines.remove(first...last)
        text = lines.joined
    }

    /// Sets one key of the feed at `index` (`name`, `tags`…) to `value`, YAML as `scalar` or
    /// `flowList` writes it, or removes the key for nil. The key's line (and a block value's lines below it)
    /// is replaced in place; a new key goes after the entry's last line, indented like its other keys. Every
    /// other line stays as it was.
    public mutating func set(_ key: String, to value: String?, at index: Int) throws(ConfigError) {
        var lines = Lines(text)
        let layout = try locate(lines)
        let (entry, last) = try bounds(of: index, lines, layout)
        let dashText = lines.content(entry.dashLine)
        let keyColumn = entry.dashColumn + 1 + dashText.dropFirst(entry.dashColumn + 1).prefix { $0 == " " }.count
        let newline = lines.newline
        // The line holding the key, at the entry's key column (on the dash line, just after `- `).
        let keyLine = (entry.dashLine...last).first { line in
            let content = lines.content(line)
            guard content.count > keyColumn, lines.indentation(line) == (line == entry.dashLine ? entry.dashColumn : keyColumn) else { return false }
            return content.dropFirst(keyColumn).hasPrefix(key + ":")
        }
        guard let keyLine else {
            guard let value else { return }
            let keyIndent = String(repeating: " ", count: keyColumn)
            if !lines.endsWithNewline(last) { lines.terminate(last) }
            lines.insert(["\(keyIndent)\(key): \(value)\(newline)"], at: last + 1)
            text = lines.joined
            return
        }
        // A block value (a `- ` list or deeper lines) runs to the next line at the key column or above.
        var valueEnd = keyLine
        var line = keyLine + 1
        while line <= last {
            if lines.isBlank(line) || lines.isComment(line) {
                line += 1
                continue
            }
            let indent = lines.indentation(line)
            guard indent > keyColumn || (indent == keyColumn && lines.content(line).dropFirst(indent).hasPrefix("- ")) else { break }
            valueEnd = line
            line += 1
        }
        let prefix = String(lines.content(keyLine).prefix(keyColumn))
        if let value {
            if valueEnd > keyLine { lines.remove((keyLine + 1)...valueEnd) }
            // A comment after the old value stays after the new one.
            let comment = Self.trailingComment(lines.content(keyLine).dropFirst(keyColumn + key.count + 1))
            lines.replace(keyLine, with: "\(prefix)\(key): \(value)\(comment)\(newline)")
        } else {
            guard keyLine != entry.dashLine else {
                throw ConfigError(path: path, line: keyLine + 1, message: "cannot remove `\(key)`, the entry's first key; edit the file by hand")
            }
            lines.remove(keyLine...valueEnd)
        }
        text = lines.joined
    }

    /// The comment that ends a line's value (with the blanks before it), or "": a `#` after a blank, outside
    /// quotes.
    static func trailingComment(_ value: Substring) -> Substring {
        var quote: Character?
        var previous: Character = " "
        var index = value.startIndex
        while index < value.endIndex {
            let character = value[index]
            if let open = quote {
                let next = value.index(after: index)
                if character == "\\" && open == "\"" {
                    index = next  // the escaped character
                } else if character == "'" && open == "'" && next < value.endIndex && value[next] == "'" {
                    index = next  // '' is a quote inside single quotes
                } else if character == open {
                    quote = nil
                }
            } else if character == "\"" || character == "'" {
                if previous == " " || previous == "\t" || previous == "[" || previous == "," || previous == "{" { quote = character }
            } else if character == "#" && (previous == " " || previous == "\t") {
                var start = index
                while start > value.startIndex, [" ", "\t"].contains(value[value.index(before: start)]) { start = value.index(before: start) }
                return value[start...]
            }
            previous = character
            if index < value.endIndex { index = value.index(after: index) }
        }
        return ""
    }

    /// The entry at `index` and its own last line.
    private func bounds(of index: Int, _ lines: Lines, _ layout: Layout) throws(ConfigError) -> (entry: Entry, last: Int) {
        guard layout.entries.indices.contains(index) else {
            throw ConfigError(path: path, line: nil, message: "no feed number \(index + 1) in `feeds:`")
        }
        let entry = layout.entries[index]
        let end = layout.entries.indices.contains(index + 1) ? layout.entries[index + 1].dashLine : layout.blockEnd
        return (entry, lines.lastContentLine(from: entry.dashLine, to: end, dashColumn: entry.dashColumn))
    }

    /// A flow list of scalars: `[a, "b c"]`.
    public static func flowList(_ values: [String]) -> String {
        "[" + values.map { scalar($0, inFlow: true) }.joined(separator: ", ") + "]"
    }

    // MARK: - Locating the feeds list

    private struct Layout {
        /// 0-based line of the top-level `feeds:` key.
        var keyLine: Int
        var entries: [Entry]
        /// The first line after the list: the next top-level key, or the end of the file.
        var blockEnd: Int
        /// `feeds: []` or `feeds: ~` written on the key's line, replaced when the first feed is added.
        var emptyValueOnKeyLine: Bool
    }

    private func locate(_ lines: Lines) throws(ConfigError) -> Layout {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text, .basic)
        } catch {
            throw ConfigError(path: path, line: nil, message: "cannot edit a file that is not valid YAML: \(error)")
        }
        guard let mapping = root?.mapping,
            let (keyNode, value) = mapping.first(where: { $0.key.string == "feeds" }), let keyMark = keyNode.mark
        else { throw ConfigError(path: path, line: nil, message: "no top-level `feeds:` list to edit") }
        let keyLine = keyMark.line - 1
        var blockEnd = lines.count
        for line in (keyLine + 1)..<lines.count where lines.isTopLevelContent(line) {
            blockEnd = line
            break
        }
        switch value {
        case .sequence(let sequence):
            if !sequence.isEmpty && lines.valueOnKeyLine(keyLine).hasPrefix("[") {
                throw ConfigError(
                    path: path, line: keyMark.line,
                    message: "`feeds:` is written as a [flow] list; write it as lines starting with `- ` so feedctl can edit it")
            }
            var entries: [Entry] = []
            for node in sequence {
                guard let mark = node.mark, let entry = lines.dash(atOrBefore: mark.line - 1, after: keyLine) else {
                    throw ConfigError(path: path, line: node.mark?.line, message: "cannot find where this feed entry starts")
                }
                entries.append(entry)
            }
            return Layout(keyLine: keyLine, entries: entries, blockEnd: blockEnd, emptyValueOnKeyLine: sequence.isEmpty)
        case .scalar(let scalar) where scalar.string.isEmpty || scalar.string == "null" || scalar.string == "~":
            return Layout(keyLine: keyLine, entries: [], blockEnd: blockEnd, emptyValueOnKeyLine: !scalar.string.isEmpty)
        default:
            throw ConfigError(path: path, line: keyMark.line, message: "`feeds` must be a list (lines starting with `- `)")
        }
    }

    // MARK: - Writing scalars

    /// A YAML scalar for `value`: plain when that reads back as the same string, else double-quoted.
    public static func scalar(_ value: String, inFlow: Bool = false) -> String {
        plainIsSafe(value, inFlow: inFlow) ? value : quoted(value)
    }

    private static func plainIsSafe(_ value: String, inFlow: Bool) -> Bool {
        guard let first = value.unicodeScalars.first, let last = value.unicodeScalars.last else { return false }
        if "-?:,[]{}#&*!|>'\"%@` \t".unicodeScalars.contains(first) || last == " " || last == ":" { return false }
        if value.contains(": ") || value.contains(" #") { return false }
        if inFlow && value.unicodeScalars.contains(where: { ",[]{}".unicodeScalars.contains($0) }) { return false }
        if value.unicodeScalars.contains(where: { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) || Self.yamlBreaks.contains($0) }) {
            return false
        }
        let lower = value.lowercased()
        if ["true", "false", "yes", "no", "on", "off", "y", "n", "null", "~"].contains(lower) { return false }
        if Double(value) != nil || Int(value) != nil || lower.hasPrefix("0x") || lower.hasPrefix("0o") || lower.hasPrefix(".") {
            return false
        }
        return true
    }

    /// Characters YAML reads as line breaks or drops (the line and paragraph separators, a BOM): never plain.
    private static let yamlBreaks: Set<Unicode.Scalar> = ["\u{2028}", "\u{2029}", "\u{FEFF}"]

    /// A double-quoted scalar. YAML reads JSON's escapes in double quotes, so the JSON writer does the work
    /// (controls, C1, the line and paragraph separators as `\uXXXX`); a BOM, which JSON may leave raw, is
    /// escaped too.
    private static func quoted(_ value: String) -> String {
        JSONValue.string(value).serialized(indent: 0).replacingOccurrences(of: "\u{FEFF}", with: "\\uFEFF")
    }
}

/// Where one entry of the `feeds:` list starts.
private struct Entry {
    /// 0-based line of the entry's `-`.
    var dashLine: Int
    var dashColumn: Int
}

/// The file as lines, each keeping its own line ending, so joining them gives the file back byte for byte.
private struct Lines {
    private var storage: [String]

    init(_ text: String) {
        var lines: [String] = []
        var current = ""
        for character in text {
            current.append(character)
            if character == "\n" || character == "\r\n" {
                lines.append(current)
                current = ""
            }
        }
        if !current.isEmpty { lines.append(current) }
        storage = lines
    }

    var count: Int { storage.count }
    var joined: String { storage.joined() }
    subscript(index: Int) -> String { storage[index] }

    /// The ending the file already uses.
    var newline: String { storage.first { $0.hasSuffix("\r\n") } != nil ? "\r\n" : "\n" }

    func content(_ index: Int) -> Substring {
        storage[index].prefix { $0 != "\n" && $0 != "\r\n" }
    }

    func indentation(_ index: Int) -> Int { storage[index].prefix { $0 == " " }.count }

    func isBlank(_ index: Int) -> Bool { content(index).allSatisfy { $0 == " " || $0 == "\t" } }

    func isComment(_ index: Int) -> Bool { content(index).drop { $0 == " " || $0 == "\t" }.hasPrefix("#") }

    /// A line at column 0 that is neither blank, a comment, nor a list item: the next top-level key.
    func isTopLevelContent(_ index: Int) -> Bool {
        guard let first = content(index).first else { return false }
        return first != " " && first != "\t" && first != "#" && first != "-"
    }

    func endsWithNewline(_ index: Int) -> Bool { storage[index].last == "\n" || storage[index].last == "\r\n" }

    /// What follows `key:` on the key's own line, without spaces.
    func valueOnKeyLine(_ index: Int) -> Substring {
        let text = content(index)
        guard let colon = text.firstIndex(of: ":") else { return "" }
        return text[text.index(after: colon)...].drop { $0 == " " || $0 == "\t" }
    }

    /// The line of the `-` that opens the entry whose content starts on `line`.
    func dash(atOrBefore line: Int, after floor: Int) -> Entry? {
        var index = line
        while index > floor {
            let text = content(index)
            let indent = text.prefix { $0 == " " }.count
            if text.dropFirst(indent).hasPrefix("-") { return Entry(dashLine: index, dashColumn: indent) }
            index -= 1
        }
        return nil
    }

    /// The last line of the entry whose `-` is on `start`: up to its last key (a comment in between, at
    /// any column, does not end it), then the comments indented deeper than the `-` that follow that key
    /// with no blank line between. A blank line and the comments after it belong to what follows.
    func lastContentLine(from start: Int, to end: Int, dashColumn: Int) -> Int {
        var last = start
        var trailingComments = true
        var index = start + 1
        while index < end {
            if isBlank(index) {
                trailingComments = false
            } else if isComment(index) {
                if trailingComments && indentation(index) > dashColumn { last = index }
            } else {
                guard indentation(index) > dashColumn else { break }
                last = index
                trailingComments = true
            }
            index += 1
        }
        return last
    }

    /// The indentation the document uses for nested keys (2 when it has none).
    var nestedIndentation: Int {
        for index in 0..<count where !isBlank(index) && !isComment(index) && indentation(index) > 0 {
            return indentation(index)
        }
        return 2
    }

    mutating func insert(_ lines: [String], at index: Int) { storage.insert(contentsOf: lines, at: index) }

    mutating func remove(_ range: ClosedRange<Int>) { storage.removeSubrange(range) }

    mutating func replace(_ index: Int, with line: String) { storage[index] = line }

    mutating func terminate(_ index: Int) { storage[index] += newline }

    /// `feeds: []` → `feeds:` (a trailing comment stays).
    mutating func clearInlineValue(_ index: Int) {
        let line = storage[index]
        guard let colon = line.firstIndex(of: ":") else { return }
        let rest = line[line.index(after: colon)...]
        var comment = ""
        if var start = rest.range(of: " #")?.lowerBound {
            while start > rest.startIndex && rest[rest.index(before: start)] == " " { start = rest.index(before: start) }
            comment = String(rest[start...])
        }
        let ending = line.hasSuffix("\r\n") ? "\r\n" : (line.hasSuffix("\n") ? "\n" : "")
        storage[index] = String(line[...colon]) + comment.trimmingCharacters(in: .newlines) + ending
    }
}
