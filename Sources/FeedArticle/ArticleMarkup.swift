import FeedModel
import FeedParser
import Foundation

/// The article's HTML, written anew from the page's tree: only elements and attributes of an allow-list,
/// so nothing that runs, loads or submits survives (no script, style, iframe, form, event attribute,
/// `style`, `javascript:` or `data:` URL); links and images absolute; wrappers (`div`, `span`, `section`…)
/// dropped, a wrapper of text alone becoming a paragraph; `<h1>` demoted to `<h2>` under the headline.
struct ArticleMarkup {
    let tree: HTMLTree
    let removed: [Bool]
    let base: URL?

    /// Elements kept as they are, with the attributes each may keep.
    static let kept: [String: Set<String>] = [
        "p": [], "h2": [], "h3": [], "h4": [], "h5": [], "h6": [], "ul": [], "ol": ["start", "reversed"], "li": ["value"],
        "blockquote": ["cite"], "q": ["cite"], "pre": [], "code": [], "em": [], "strong": [], "b": [], "i": [], "u": [],
        "s": [], "sub": [], "sup": [], "small": [], "mark": [], "br": [], "hr": [], "a": ["href", "title"],
        "img": ["src", "alt", "title", "width", "height"], "figure": [], "figcaption": [], "table": [], "thead": [],
        "tbody": [], "tfoot": [], "tr": [], "td": ["colspan", "rowspan"], "th": ["colspan", "rowspan", "scope"],
        "caption": [], "dl": [], "dt": [], "dd": [], "abbr": ["title"], "cite": [], "time": ["datetime"], "del": [],
        "ins": [], "kbd": [], "samp": [], "var": [], "dfn": [], "wbr": [],
    ]
    /// Wrappers that become a paragraph when they hold text and no block.
    static let wrappers: Set<String> = ["div", "section", "article", "main", "header", "center"]
    static let blockNames: Set<String> = HTMLElements.block.union(["img", "figure", "table", "pre"])

    /// Elements whose content is a list of blocks, not running text.
    static let containers: Set<String> = ["blockquote", "figure", "ul", "ol", "dl", "table", "thead", "tbody", "tfoot", "tr"]

    func html(of roots: [Int]) -> String {
        var output: [UInt8] = []
        // The page's text and some markup: reserved, so the buffer never grows by copying (untouched room costs nothing).
        output.reserveCapacity(tree.textByteCount + tree.textByteCount / 4 + 4096)
        for root in roots { write(root, into: &output, depth: 0, inFlow: false) }
        return String(decoding: output, as: UTF8.self)
    }

    /// `inFlow`: inside an element where text runs (a paragraph, an item, a cell), where a wrapper of text
    /// is unwrapped rather than made a paragraph.
    private func write(_ index: Int, into output: inout [UInt8], depth: Int, inFlow: Bool) {
        guard !removed[index], depth <= HTMLTree.maxDepth else { return }
        if tree.isText(index) {
            tree.withOwnText(index) { Self.appendEscaped($0, quotes: false, to: &output) }
            return
        }
        var name = tree.name(index)
        if name == "h1" { name = "h2" }
        if name == "img" { return writeImage(index, into: &output) }
        if Self.kept[name] == nil {
            let holdsBlock = tree.children(of: index).contains { !tree.isText($0) && Self.blockNames.contains(tree.name($0)) }
            let holdsText = tree.children(of: index).contains { tree.isText($0) && !tree.ownText($0).allSatisfy(\.isWhitespace) }
            guard !inFlow, Self.wrappers.contains(name), holdsText, !holdsBlock else {
                for child in tree.children(of: index) { write(child, into: &output, depth: depth + 1, inFlow: inFlow) }
                return
            }
            name = "p"
        }
        output.append(UInt8(ascii: "<"))
        output += name.utf8
        let allowed = Self.kept[name] ?? []
        for attribute in tree.attributes(index) where allowed.contains(attribute.name) {
            guard let value = value(of: attribute) else { continue }
            Self.appendAttribute(attribute.name, value, to: &output)
        }
        if name == "code", let language = tree.attribute("class", of: index)?.split(separator: " ").first(where: { $0.hasPrefix("language-") }) {
            Self.appendAttribute("class", String(language), to: &output)
        }
        output.append(UInt8(ascii: ">"))
        if HTMLElements.void.contains(name) { return }
        let childrenInFlow = inFlow || !Self.containers.contains(name)
        for child in tree.children(of: index) { write(child, into: &output, depth: depth + 1, inFlow: childrenInFlow) }
        output += "</".utf8
        output += name.utf8
        output.append(UInt8(ascii: ">"))
    }

    /// ` name="value"`, the value escaped.
    private static func appendAttribute(_ name: String, _ value: String, to output: inout [UInt8]) {
        output.append(UInt8(ascii: " "))
        output += name.utf8
        output += "=\"".utf8
        appendEscaped(ArraySlice(value.utf8), quotes: true, to: &output)
        output.append(UInt8(ascii: "\""))
    }

    /// Text for HTML: `&`, `<`, `>` (and `"` in attribute values) as references; control characters
    /// other than tab and line breaks dropped. By byte: every byte below 0x80 is a whole character in UTF-8,
    /// and runs of bytes that need nothing are copied at once.
    static func appendEscaped(_ bytes: ArraySlice<UInt8>, quotes: Bool, to output: inout [UInt8]) {
        bytes.withUnsafeBufferPointer { buffer in
            var runStart = 0
            for (position, byte) in buffer.enumerated() {
                let replacement: StaticString?
                switch byte {
                case UInt8(ascii: "&"): replacement = "&amp;"
                case UInt8(ascii: "<"): replacement = "&lt;"
                case UInt8(ascii: ">"): replacement = "&gt;"
                case UInt8(ascii: "\"") where quotes: replacement = "&quot;"
                case 0x09, 0x0A, 0x0D: continue
                case 0..<0x20, 0x7F: replacement = ""
                default: continue
                }
                output.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[runStart..<position]))
                if let replacement {
                    output.append(contentsOf: UnsafeBufferPointer(start: replacement.utf8Start, count: replacement.utf8CodeUnitCount))
                }
                runStart = position + 1
            }
            output.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[runStart...]))
        }
    }

    /// An attribute's value as written out: URLs absolute and of the schemes a reader may follow; nil
    /// to leave it out.
    private func value(of attribute: HTMLTree.Attribute) -> String? {
        switch attribute.name {
        case "href", "cite": return link(attribute.value, schemes: ["http", "https", "mailto"], keepFragment: true)
        case "src": return link(attribute.value, schemes: ["http", "https"], keepFragment: false)
        default: return attribute.value
        }
    }

    private func link(_ value: String, schemes: Set<String>, keepFragment: Bool) -> String? {
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { return nil }
        if keepFragment && trimmed.hasPrefix("#") { return nil }
        guard let url = RelativeLinks.absoluteURL(trimmed, base: base) else {
            // Relative with no base (a page read from a file): kept relative, as no scheme can run.
            return base == nil && !trimmed.contains(":") ? trimmed : nil
        }
        guard let scheme = url.scheme?.lowercased(), schemes.contains(scheme) else { return nil }
        return url.absoluteString
    }

    /// An image: its lazy-loading source when `src` is a placeholder; left out without a usable source.
    private func writeImage(_ index: Int, into output: inout [UInt8]) {
        let declared = tree.attribute("src", of: index).flatMap { $0.lowercased().hasPrefix("data:") || $0.isEmpty ? nil : $0 }
        let lazy = ["data-src", "data-lazy-src", "data-original", "data-url"].lazy.compactMap { tree.attribute($0, of: index) }.first
        guard let source = (lazy ?? declared).flatMap({ link($0, schemes: ["http", "https"], keepFragment: false) }) else { return }
        output += "<img".utf8
        Self.appendAttribute("src", source, to: &output)
        for name in ["alt", "title", "width", "height"] {
            if let value = tree.attribute(name, of: index) { Self.appendAttribute(name, value, to: &output) }
        }
        output.append(UInt8(ascii: ">"))
    }
}
