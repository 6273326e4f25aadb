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
        var output = ""
        for root in roots { write(root, into: &output, depth: 0, inFlow: false) }
        return output
    }

    /// `inFlow`: inside an element where text runs (a paragraph, an item, a cell), where a wrapper of text
    /// is unwrapped rather than made a paragraph.
    private func write(_ index: Int, into output: inout String, depth: Int, inFlow: Bool) {
        guard !removed[index], depth <= HTMLTree.maxDepth else { return }
        let node = tree.nodes[index]
        if node.isText {
            output += Self.escaped(node.text, quotes: false)
            return
        }
        var name = node.name == "h1" ? "h2" : node.name
        if name == "img" { return writeImage(node, into: &output) }
        if Self.kept[name] == nil {
            let holdsBlock = tree.children(of: index).contains { !tree.nodes[$0].isText && Self.blockNames.contains(tree.nodes[$0].name) }
            let holdsText = tree.children(of: index).contains { tree.nodes[$0].isText && !tree.nodes[$0].text.allSatisfy(\.isWhitespace) }
            guard !inFlow, Self.wrappers.contains(name), holdsText, !holdsBlock else {
                for child in tree.children(of: index) { write(child, into: &output, depth: depth + 1, inFlow: inFlow) }
                return
            }
            name = "p"
        }
        var tag = "<" + name
        for attribute in node.attributes where Self.kept[name]?.contains(attribute.name) == true {
            guard let value = value(of: attribute) else { continue }
            tag += " \(attribute.name)=\"\(Self.escaped(value, quotes: true))\""
        }
        if name == "code", let language = node.attribute("class")?.split(separator: " ").first(where: { $0.hasPrefix("language-") }) {
            tag += " class=\"\(Self.escaped(String(language), quotes: true))\""
        }
        output += tag + ">"
        if HTMLElements.void.contains(name) { return }
        let childrenInFlow = inFlow || !Self.containers.contains(name)
        for child in tree.children(of: index) { write(child, into: &output, depth: depth + 1, inFlow: childrenInFlow) }
        output += "</" + name + ">"
    }

    /// Text for HTML: `&`, `<`, `>` (and `"` in attribute values) as references; control characters
    /// other than tab and line breaks dropped.
    static func escaped(_ text: String, quotes: Bool) -> String {
        var text = text
        let special = text.withUTF8 { bytes in
            bytes.contains { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 || ($0 < 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D) || $0 == 0x7F }
        }
        guard special else { return text }
        var result = ""
        result.reserveCapacity(text.utf8.count + 16)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"" where quotes: result += "&quot;"
            case "\t", "\n", "\r": result.unicodeScalars.append(scalar)
            case _ where scalar.value < 0x20 || scalar.value == 0x7F: continue
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
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
    private func writeImage(_ node: HTMLTree.Node, into output: inout String) {
        let declared = node.attribute("src").flatMap { $0.lowercased().hasPrefix("data:") || $0.isEmpty ? nil : $0 }
        let lazy = ["data-src", "data-lazy-src", "data-original", "data-url"].lazy.compactMap { node.attribute($0) }.first
        guard let source = (lazy ?? declared).flatMap({ link($0, schemes: ["http", "https"], keepFragment: false) }) else { return }
        var tag = "<img src=\"\(Self.escaped(source, quotes: true))\""
        for name in ["alt", "title", "width", "height"] {
            if let value = node.attribute(name) { tag += " \(name)=\"\(Self.escaped(value, quotes: true))\"" }
        }
        output += tag + ">"
    }
}
