import FeedModel
import FeedParser

/// An article as plain text: one block per paragraph, heading, figure caption, list, quote,
/// listing or table, separated by a blank line. White space collapses (a `<br>` is a line break); a list's
/// items are its lines, each after "• " or its number; a quote's lines start with "> " per level; a
/// listing keeps its lines; a table's rows are lines of cells joined by " | ". Images give no text.
public enum ArticleText {
    /// The article's text: `heading` (when it has any) as its first block, then the text of the subtrees of
    /// `tree` at `roots`, in order, without the nodes `skipped` marks; and the words after the heading.
    /// Read from the page's own tree, not from the article's HTML again (a second parse was a sixth of
    /// the cost on a 5 MB page), and written as bytes into one buffer; `ArticleMarkup` writes the same
    /// elements.
    static func plain(tree: HTMLTree, roots: [Int], skipped: [Bool], heading: String?) -> (text: String, bodyWords: Int) {
        var writer = Writer(tree: tree, skipped: skipped)
        writer.output.reserveCapacity(tree.textByteCount + 4096)
        if let heading, !heading.isEmpty { writer.output += heading.utf8 }
        writer.endBlock()
        let bodyStart = writer.output.count
        for root in roots { writer.walk(root, depth: 0) }
        writer.endBlock()
        let words = writer.output.withUnsafeBufferPointer { wordCount(utf8: UnsafeBufferPointer(rebasing: $0[bodyStart...])) }
        return (String(decoding: writer.output, as: UTF8.self), words)
    }

    /// Words, as the benchmark counts them: runs of letters and digits. By byte for ASCII, by scalar
    /// ranges for the rest (Character properties were a third of a 5 MB page's extraction).
    public static func wordCount(_ text: String) -> Int {
        var text = text
        return text.withUTF8(wordCount(utf8:))
    }

    /// `wordCount` of valid UTF-8.
    static func wordCount(utf8 bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var count = 0
        var inWord = false
        do {
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

    /// Writes blocks straight into `output`, a blank line between them; each line starts with its
    /// quote prefix.
    private struct Writer {
        let tree: HTMLTree
        let skipped: [Bool]
        var output: [UInt8] = []
        /// Where the block being written starts in `output`, and how many lines it has so far.
        private var blockStart = 0
        private var blockLines = 0
        /// The running text of the line being written, as it is in the page.
        private var line: [UInt8] = []
        /// What starts the line being written: a list item's bullet or number.
        private var marker = ""
        private var quoteDepth = 0
        private var preformatted = 0
        /// Open lists: ordered or not, and the number of the next item.
        private var lists: [(ordered: Bool, next: Int)] = []
        private var cells: [[UInt8]]?
        /// Open tables: their parts (head, body, caption) are lines of one block.
        private var tables = 0

        init(tree: HTMLTree, skipped: [Bool]) {
            self.tree = tree
            self.skipped = skipped
        }

        mutating func walk(_ index: Int, depth: Int) {
            guard !skipped[index] else { return }
            if tree.isText(index) {
                tree.withOwnText(index) { line += $0 }
                return
            }
            guard depth < HTMLTree.maxDepth else { return }
            let name = tree.name(index)
            switch name {
            case "br":
                if cells == nil { endLine() } else { line.append(0x20) }
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
                // The listing's lines as they are, without blank lines at either end (and without lines a
                // `<br>` ended: the listing is its text).
                let listing = line.split(separator: 0x0A, omittingEmptySubsequences: false)
                let isBlank = { (text: ArraySlice<UInt8>) in String(decoding: text, as: UTF8.self).allSatisfy(\.isWhitespace) }
                let first = listing.firstIndex { !isBlank($0) }
                let last = listing.lastIndex { !isBlank($0) }
                line = []
                output.removeSubrange(blockStart...)
                blockLines = 0
                if let first, let last {
                    for text in listing[first...last] { appendLine(text, marked: false) }
                }
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
                var row: [UInt8] = []
                for cell in cells ?? [] where !cell.isEmpty {
                    if !row.isEmpty { row += " | ".utf8 }
                    row += cell
                }
                cells = nil
                line = row
                endLine()
            case "td", "th":
                let saved = line
                line = []
                children(index, depth)
                var cell: [UInt8] = []
                line.withUnsafeBufferPointer { TextCleaning.appendCollapsingWhitespace($0, to: &cell) }
                cells?.append(cell)
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
                line.append(0x20)
            } else if lists.isEmpty && tables == 0 {
                endBlock()
            } else {
                endLine()
            }
        }

        /// Ends the current line, collapsed and after its marker; an empty one is dropped.
        private mutating func endLine() {
            guard cells == nil else { return }
            defer { line.removeAll(keepingCapacity: true) }
            if preformatted > 0 {
                guard !line.isEmpty else { return }
                appendLine(line[...])
                return
            }
            // Collapsed straight into place, after the line's start; taken back if nothing is left.
            let lineStart = output.count
            startLine(marked: true)
            let textStart = output.count
            line.withUnsafeBufferPointer { TextCleaning.appendCollapsingWhitespace($0, to: &output) }
            if output.count == textStart {
                output.removeSubrange(lineStart...)
            } else {
                blockLines += 1
                marker = ""
            }
        }

        /// Adds a line to the block: its start, then its text.
        private mutating func appendLine(_ text: ArraySlice<UInt8>, marked: Bool = true) {
            startLine(marked: marked)
            output += text
            blockLines += 1
            if marked { marker = "" }
        }

        /// What comes before a line's text: the break from the line or block before it, the quote prefix,
        /// the marker waiting for it (a listing's lines take none).
        private mutating func startLine(marked: Bool) {
            if blockLines > 0 {
                output.append(0x0A)
            } else if !output.isEmpty {
                output += "\n\n".utf8
            }
            for _ in 0..<quoteDepth { output += "> ".utf8 }
            if marked { output += marker.utf8 }
        }

        mutating func endBlock(raw: Bool = false) {
            if !raw { endLine() }
            blockLines = 0
            blockStart = output.count
        }
    }
}
