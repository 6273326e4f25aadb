import FeedModel
import FeedParser

/// An article as plain text: one block per paragraph, heading, figure caption, list, quote,
/// listing or table, separated by a blank line. White space collapses (a `<br>` is a line break); a list's
/// items are its lines, each after "• " or its number; a quote's lines start with "> " per level; a
/// listing keeps its lines; a table's rows are lines of cells joined by " | ". Images give no text.
public enum ArticleText {
    /// The text of the subtrees of `tree` at `roots`, in order, without the nodes `skipped` marks: read
    /// from the page's own tree, not from the article's HTML again (a second parse was a sixth of the cost
    /// on a 5 MB page); `ArticleMarkup` writes the same elements.
    static func plain(tree: HTMLTree, roots: [Int], skipped: [Bool]) -> String {
        var writer = Writer(tree: tree, skipped: skipped)
        for root in roots { writer.walk(root, depth: 0) }
        writer.endBlock()
        return joined(writer.blocks, separator: "\n\n", after: nil)
    }

    /// `parts` joined by `separator`, after `first` and the separator when given: one buffer of the whole
    /// size, where `joined` grows its result (the text of a 5 MB page copied four times over).
    static func joined(_ parts: [String], separator: String, after first: String?) -> String {
        let pieces = (first.map { [$0] } ?? []) + parts
        var text = ""
        text.reserveCapacity(pieces.reduce(0) { $0 + $1.utf8.count } + max(0, pieces.count - 1) * separator.utf8.count)
        for (position, piece) in pieces.enumerated() {
            if position > 0 { text += separator }
            text += piece
        }
        return text
    }

    /// Words, as the benchmark counts them: runs of letters and digits. By byte for ASCII, by scalar
    /// ranges for the rest (Character properties were a third of a 5 MB page's extraction).
    public static func wordCount(_ text: String) -> Int {
        var count = 0
        var inWord = false
        var text = text
        text.withUTF8 { bytes in
            var position = 0
            while position < bytes.count {
                let byte = bytes[position]
                let isWordScalar: Bool
                if byte < 0x80 {
                    isWordScalar = (byte >= 0x30 && byte <= 0x39) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A)
                    position += 1
                } else {
                    // A String's bytes are valid UTF-8: the lead byte gives the length.
                    let length = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : 2
                    var value = UInt32(byte) & (length == 2 ? 0x1F : length == 3 ? 0x0F : 0x07)
                    for next in (position + 1)..<min(position + length, bytes.count) { value = value << 6 | UInt32(bytes[next] & 0x3F) }
                    position += length
                    isWordScalar = Unicode.Scalar(value).map { isWordCharacter($0, inWord: inWord) } ?? false
                }
                if isWordScalar && !inWord { count += 1 }
                inWord = isWordScalar
            }
        }
        return count
    }

    private static func isWordCharacter(_ scalar: Unicode.Scalar, inWord: Bool) -> Bool {
        let value = scalar.value
        if value >= 0xC0 && value <= 0x24F { return value != 0xD7 && value != 0xF7 }  // Latin letters, × and ÷ aside
        if (value >= 0x2000 && value <= 0x206F) || value == 0xA0 || value == 0xAB || value == 0xBB { return false }  // spaces, dashes, quotes
        return scalar.properties.isAlphabetic || scalar.properties.numericType != nil
            || (inWord && scalar.properties.generalCategory == .nonspacingMark)
    }

    private struct Writer {
        let tree: HTMLTree
        let skipped: [Bool]
        var blocks: [String] = []
        /// The lines of the block being written, and the running text of its last line.
        private var lines: [String] = []
        private var line = ""
        /// What starts the line being written: a list item's bullet or number.
        private var marker = ""
        private var quoteDepth = 0
        private var preformatted = 0
        /// Open lists: ordered or not, and the number of the next item.
        private var lists: [(ordered: Bool, next: Int)] = []
        private var cells: [String]?
        /// Open tables: their parts (head, body, caption) are lines of one block.
        private var tables = 0

        init(tree: HTMLTree, skipped: [Bool]) {
            self.tree = tree
            self.skipped = skipped
        }

        mutating func walk(_ index: Int, depth: Int) {
            guard !skipped[index] else { return }
            if tree.nodes[index].isText {
                line += tree.ownText(index)
                return
            }
            guard depth < HTMLTree.maxDepth else { return }
            let name = tree.name(index)
            switch name {
            case "br":
                if cells == nil { endLine() } else { line += " " }
            case "ul", "ol":
                if lists.isEmpty { endBlock() } else { endLine() }
                let start = tree.attribute("start", of: index).flatMap { Int($0) } ?? 1
                lists.append((name == "ol", start))
                children(index, depth)
                lists.removeLast()
                if lists.isEmpty { endBlock() }
            case "li":
                endLine()
                let indent = String(repeating: "  ", count: max(0, lists.count - 1))
                if var list = lists.popLast() {
                    marker = indent + (list.ordered ? "\(list.next). " : "• ")
                    list.next += 1
                    lists.append(list)
                } else {
                    marker = "• "
                }
                children(index, depth)
                endLine()
            case "blockquote":
                endBlock()
                quoteDepth += 1
                children(index, depth)
                endBlock()
                quoteDepth -= 1
            case "pre":
                endBlock()
                preformatted += 1
                children(index, depth)
                preformatted -= 1
                let text = line.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
                line = ""
                lines = Array(text.drop { $0.allSatisfy(\.isWhitespace) }.reversed().drop { $0.allSatisfy(\.isWhitespace) }.reversed())
                endBlock(raw: true)
            case "table":
                if tables == 0 { endBlock() } else { endLine() }
                tables += 1
                children(index, depth)
                tables -= 1
                if tables == 0 { endBlock() } else { endLine() }
            case "tr":
                endLine()
                cells = []
                children(index, depth)
                let row = (cells ?? []).filter { !$0.isEmpty }.joined(separator: " | ")
                cells = nil
                line = row
                endLine()
            case "td", "th":
                let saved = line
                line = ""
                children(index, depth)
                cells?.append(TextCleaning.collapsingWhitespace(line))
                line = saved
            case "img":
                break
            case _ where HTMLElements.block.contains(name):
                breakBlock()
                children(index, depth)
                breakBlock()
            default:
                children(index, depth)
            }
        }

        private mutating func children(_ index: Int, _ depth: Int) {
            for child in tree.children(of: index) { walk(child, depth: depth + 1) }
        }

        /// At a block's edge: a new block, or in a list a new line, or in a table cell a space.
        private mutating func breakBlock() {
            if cells != nil {
                line += " "
            } else if lists.isEmpty && tables == 0 {
                endBlock()
            } else {
                endLine()
            }
        }

        /// Ends the current line, collapsed and after its marker; an empty one is dropped.
        private mutating func endLine() {
            guard cells == nil else { return }
            let text = preformatted > 0 ? line : TextCleaning.collapsingWhitespace(line)
            line = ""
            guard !text.isEmpty else { return }
            lines.append(marker + text)
            marker = ""
        }

        mutating func endBlock(raw: Bool = false) {
            if !raw { endLine() }
            guard !lines.isEmpty else { return }
            let prefix = String(repeating: "> ", count: quoteDepth)
            blocks.append(lines.map { prefix + $0 }.joined(separator: "\n"))
            lines = []
        }
    }
}
