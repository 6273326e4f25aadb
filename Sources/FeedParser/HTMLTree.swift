internal import CLibXML2
import FeedModel

/// A web page as a tree of elements and text, built from libxml2's lenient HTML parser (SAX: libxml2 keeps
/// no tree of its own). What no reader shows is never stored: the text of scripts (but JSON-LD's), styles,
/// templates, SVG and MathML. Bounded whatever the page: elements nested deeper than `maxDepth` join the
/// deepest kept one, and past `maxNodes` the rest of the page is left out (`isTruncated`).
public struct HTMLTree: Sendable {
    /// One attribute, its name lower-cased.
    public struct Attribute: Sendable, Equatable {
        public var name: String
        public var value: String
    }

    /// An element (lower-case `name`) or a run of text (`name` empty). Nodes are numbered in document order,
    /// so a node's descendants are the nodes after it up to `end`, and its next sibling starts there.
    public struct Node: Sendable {
        public var name: String
        public var attributes: [Attribute]
        public var text: String
        public var parent: Int
        /// One past its last descendant.
        public var end: Int

        public var isText: Bool { name.isEmpty }

        public func attribute(_ name: String) -> String? { attributes.first { $0.name == name }?.value }
    }

    public static let maxDepth = 200
    public static let maxNodes = 1_000_000

    /// Node 0 is the document; every other node has a parent before it.
    public private(set) var nodes: [Node]
    /// The page had more nodes than `maxNodes`: its end is missing.
    public private(set) var isTruncated = false

    /// Elements whose content is never kept as text.
    static let unread: Set<String> = ["script", "style", "template", "svg", "math", "noscript", "textarea"]

    init() {
        nodes = [Node(name: "#document", attributes: [], text: "", parent: -1, end: 1)]
    }

    /// Parses UTF-8 bytes (see `HTMLPageText` for other encodings; a charset the page declares is ignored,
    /// the bytes being UTF-8 already); nil only when libxml2 could not make a parser.
    public static func parse(utf8 html: [UInt8]) -> HTMLTree? {
        let builder = Builder()
        var handler = htmlSAXHandler()
        handler.startElement = { context, name, attributes in
            guard let builder = Builder.of(context), let name else { return }
            builder.start(name, attributes)
        }
        handler.endElement = { context, name in
            guard let builder = Builder.of(context), let name else { return }
            builder.end(name)
        }
        handler.characters = { context, text, length in
            guard let builder = Builder.of(context), let text else { return }
            builder.characters(UnsafeBufferPointer(start: text, count: Int(length)))
        }
        handler.cdataBlock = handler.characters
        handler.serror = { _, _ in }
        handler.warning = nil
        handler.error = nil
        let box = Unmanaged.passRetained(builder)
        defer { box.release() }
        guard let context = htmlCreatePushParserCtxt(&handler, nil, nil, 0, nil, XML_CHAR_ENCODING_UTF8) else { return nil }
        defer { htmlFreeParserCtxt(context) }
        context.pointee._private = box.toOpaque()
        let options =
            HTML_PARSE_NONET.rawValue | HTML_PARSE_NOERROR.rawValue | HTML_PARSE_NOWARNING.rawValue
            | HTML_PARSE_RECOVER.rawValue | HTML_PARSE_IGNORE_ENC.rawValue | HTML_PARSE_NOBLANKS.rawValue
        htmlCtxtUseOptions(context, Int32(options))
        // In chunks: libxml2 then never holds the whole page twice, and a stop is seen between them.
        let chunk = 256 << 10
        html.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            base.withMemoryRebound(to: CChar.self, capacity: buffer.count) { bytes in
                var offset = 0
                repeat {
                    let length = min(chunk, buffer.count - offset)
                    let last = offset + length >= buffer.count
                    _ = htmlParseChunk(context, bytes + offset, Int32(length), last ? 1 : 0)
                    offset += length
                } while offset < buffer.count && !builder.tree.isTruncated
            }
        }
        if html.isEmpty { _ = htmlParseChunk(context, nil, 0, 1) }
        if let document = context.pointee.myDoc { xmlFreeDoc(document) }
        builder.finish()
        return builder.tree
    }

    /// The text of a node and everything in it, as it is (white space not collapsed).
    public func text(of index: Int) -> String {
        var text = ""
        for node in subtree(index) where nodes[node].isText { text += nodes[node].text }
        return text
    }

    /// The nodes of the subtree at `index` in document order, itself first.
    public func subtree(_ index: Int) -> Range<Int> { index..<nodes[index].end }

    /// The children of a node, in order.
    public func children(of index: Int) -> Children { Children(tree: self, upcoming: index + 1, end: nodes[index].end) }

    /// A node's children: each starts where the one before it ends.
    public struct Children: Sequence, IteratorProtocol {
        let tree: HTMLTree
        var upcoming: Int
        let end: Int

        public mutating func next() -> Int? {
            guard upcoming < end else { return nil }
            defer { upcoming = tree.nodes[upcoming].end }
            return upcoming
        }
    }

    /// The elements named `name`, in document order.
    public func elements(named name: String) -> [Int] { nodes.indices.filter { nodes[$0].name == name } }

    /// Builds the tree from SAX events: keeps the open elements, skips the content of unread ones, and
    /// caches element and attribute names by libxml2's interned pointers.
    private final class Builder {
        var tree = HTMLTree()
        /// Open elements: their node, or -1 for one kept out of the tree, with its name and whether its
        /// content is unread (a script, or anything inside one).
        private var open: [(node: Int, name: String, unread: Bool)] = []
        /// The open elements kept in the tree, innermost last; text and new elements go to the last.
        private var kept: [Int] = []
        private var current: Int { kept.last ?? 0 }
        /// Inside an unread element: how many are open.
        private var unreadDepth = 0
        /// Inside a JSON-LD script: its node.
        private var jsonScript: Int?
        private var names: [UnsafePointer<xmlChar>: String] = [:]

        static func of(_ context: UnsafeMutableRawPointer?) -> Builder? {
            guard let context else { return nil }
            let parserContext = context.assumingMemoryBound(to: xmlParserCtxt.self)
            guard let owner = parserContext.pointee._private else { return nil }
            return Unmanaged<Builder>.fromOpaque(owner).takeUnretainedValue()
        }

        private func name(_ pointer: UnsafePointer<xmlChar>) -> String {
            if let known = names[pointer] { return known }
            let name = String(cString: pointer).lowercased()
            names[pointer] = name
            return name
        }

        func start(_ namePointer: UnsafePointer<xmlChar>, _ attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?) {
            let name = name(namePointer)
            if unreadDepth > 0 || tree.isTruncated {
                push(-1, name, unread: unreadDepth > 0)
                return
            }
            var values: [Attribute] = []
            var index = 0
            while let attributes, let key = attributes[index] {
                values.append(Attribute(name: self.name(key), value: attributes[index + 1].map { String(cString: $0) } ?? ""))
                index += 2
            }
            if name == "script" && values.contains(where: { $0.name == "type" && $0.value.lowercased().contains("ld+json") }) {
                let node = append(Node(name: name, attributes: values, text: "", parent: current, end: 0))
                jsonScript = node >= 0 ? node : nil
                push(-1, name, unread: true)
                return
            }
            if HTMLTree.unread.contains(name) {
                // Kept as an empty element (a video's <noscript>, say, still tells what the page is), never its text.
                _ = append(Node(name: name, attributes: values, text: "", parent: current, end: 0))
                push(-1, name, unread: true)
                return
            }
            // An element that has no content (libxml2 lets some, such as <embed>, swallow what follows).
            if HTMLElements.void.contains(name) {
                _ = append(Node(name: name, attributes: values, text: "", parent: current, end: 0))
                return
            }
            guard open.count < HTMLTree.maxDepth else { return push(-1, name, unread: false) }
            let node = append(Node(name: name, attributes: values, text: "", parent: current, end: 0))
            push(node, name, unread: false)
        }

        private func push(_ node: Int, _ name: String, unread: Bool) {
            open.append((node, name, unread))
            if unread { unreadDepth += 1 }
            if node >= 0 { kept.append(node) }
        }

        func end(_ namePointer: UnsafePointer<xmlChar>) {
            let name = name(namePointer)
            // libxml2 balances what it reports, but a page may close what was never open: look for it.
            guard let position = open.lastIndex(where: { $0.name == name }) else { return }
            for entry in open[position...] {
                if entry.unread { unreadDepth -= 1 }
                if entry.node >= 0 {
                    kept.removeLast()
                    tree.nodes[entry.node].end = tree.nodes.count
                }
            }
            if unreadDepth == 0 { jsonScript = nil }
            open.removeSubrange(position...)
        }

        func characters(_ bytes: UnsafeBufferPointer<xmlChar>) {
            if let jsonScript {
                tree.nodes[jsonScript].text += String(decoding: bytes, as: UTF8.self)
                return
            }
            guard unreadDepth == 0, !tree.isTruncated else { return }
            let text = String(decoding: bytes, as: UTF8.self)
            if let last = tree.nodes.last, last.isText, last.parent == current {
                tree.nodes[tree.nodes.count - 1].text += text
            } else {
                _ = append(Node(name: "", attributes: [], text: text, parent: current, end: 0))
            }
        }

        /// Adds a node under its parent; -1 once the tree is full.
        private func append(_ node: Node) -> Int {
            guard tree.nodes.count < HTMLTree.maxNodes else {
                tree.isTruncated = true
                return -1
            }
            let index = tree.nodes.count
            var node = node
            node.end = index + 1
            tree.nodes.append(node)
            return index
        }

        /// Ends the elements still open at the end of the page: they hold everything after them.
        func finish() {
            for node in kept { tree.nodes[node].end = tree.nodes.count }
            tree.nodes[0].end = tree.nodes.count
        }
    }
}
