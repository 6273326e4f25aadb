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

    /// An element or a run of text. Nodes are numbered in document order, so a node's descendants are the
    /// nodes after it up to `end`, and its next sibling starts there. Plain 32-bit numbers only (its name,
    /// text and attributes are the tree's, by position; a tree has at most `maxNodes` nodes of a page of
    /// at most a few MB): walking and copying nodes costs no reference counting, and a node is 28 bytes.
    public struct Node: Sendable {
        /// Its name's place in `names`; 0 for text.
        public let nameNumber: Int32
        /// Its text in `textBytes` (a text node's, or a JSON-LD script's).
        var textStart: Int32
        var textCount: Int32
        /// Its attributes in `attributeList`.
        let attributeStart: Int32
        let attributeCount: Int32
        var parentNumber: Int32
        var endNumber: Int32

        public var parent: Int { Int(parentNumber) }
        /// One past its last descendant.
        public var end: Int { Int(endNumber) }

        public var isText: Bool { nameNumber == 0 }
    }

    public static let maxDepth = 200
    public static let maxNodes = 1_000_000

    /// Node 0 is the document; every other node has a parent before it.
    public private(set) var nodes: [Node]
    /// The page had more nodes than `maxNodes`: its end is missing.
    public private(set) var isTruncated = false
    /// The bytes of all the page's text.
    public var textByteCount: Int { textBytes.count }
    /// Element names, lower-case, each once; the first is text's (empty).
    public private(set) var names: [String] = ["", "#document"]
    private var textBytes: [UInt8] = []
    private var attributeList: [Attribute] = []

    /// Elements whose content is never kept as text.
    static let unread: Set<String> = ["script", "style", "template", "svg", "math", "noscript", "textarea"]

    init() {
        nodes = [Node(nameNumber: 1, textStart: 0, textCount: 0, attributeStart: 0, attributeCount: 0, parentNumber: -1, endNumber: 1)]
    }

    /// Parses UTF-8 bytes (see `HTMLPageText` for other encodings; a charset the page declares is ignored,
    /// the bytes being UTF-8 already); nil when libxml2 could not make a parser, or for a gigabyte or more.
    public static func parse(utf8 html: [UInt8]) -> HTMLTree? {
        guard html.count < 1 << 30 else { return nil }
        let builder = Builder()
        builder.reserve(forBytes: html.count)
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

    // MARK: Reading nodes

    /// The element's name, lower-case; empty for text.
    public func name(_ index: Int) -> String { names[Int(nodes[index].nameNumber)] }

    public func isText(_ index: Int) -> Bool { nodes[index].nameNumber == 0 }

    /// The number elements named `name` have in their nodes' `nameNumber`; nil when the page has none.
    public func nameNumber(of name: String) -> Int32? { names.firstIndex(of: name).map(Int32.init) }

    /// A text node's text (or a JSON-LD script's), as it is.
    public func ownText(_ index: Int) -> String {
        let node = nodes[index]
        return String(decoding: textBytes[Int(node.textStart)..<Int(node.textStart + node.textCount)], as: UTF8.self)
    }

    /// A text node's UTF-8 bytes, without making a String of them.
    public func withOwnText<Result>(_ index: Int, _ body: (ArraySlice<UInt8>) -> Result) -> Result {
        let node = nodes[index]
        return body(textBytes[Int(node.textStart)..<Int(node.textStart + node.textCount)])
    }

    public func attributes(_ index: Int) -> ArraySlice<Attribute> {
        let node = nodes[index]
        return attributeList[Int(node.attributeStart)..<Int(node.attributeStart + node.attributeCount)]
    }

    public func attribute(_ name: String, of index: Int) -> String? { attributes(index).first { $0.name == name }?.value }

    /// The text of a node and everything in it, as it is (white space not collapsed).
    public func text(of index: Int) -> String {
        var bytes: [UInt8] = []
        for node in subtree(index) where nodes[node].isText { withOwnText(node) { bytes += $0 } }
        return String(decoding: bytes, as: UTF8.self)
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

    /// Names of elements to test nodes against by number, not by String (in walks over every node).
    public struct NameSet: Sendable {
        let members: [Bool]

        public func contains(_ node: Node) -> Bool { members[Int(node.nameNumber)] }
    }

    /// The names of this page that are in `names`.
    public func nameSet(_ names: Set<String>) -> NameSet { NameSet(members: self.names.map { !$0.isEmpty && names.contains($0) }) }

    /// The elements named `name`, in document order.
    public func elements(named name: String) -> [Int] {
        guard let number = names.firstIndex(of: name), number > 0 else { return [] }
        return nodes.indices.filter { nodes[$0].nameNumber == number }
    }

    /// Whether any element of the page has one of `names`.
    public func contains(elementNamedAnyOf names: Set<String>) -> Bool {
        let members = nameSet(names)
        return nodes.contains { members.contains($0) }
    }

    /// Builds the tree from SAX events: keeps the open elements, skips the content of unread ones, and
    /// caches element and attribute names by libxml2's interned pointers.
    private final class Builder {
        var tree = HTMLTree()
        /// Open elements: their node, or -1 for one kept out of the tree, with its name and whether its
        /// content is unread (a script, or anything inside one).
        private var open: [(node: Int, name: Int32, unread: Bool)] = []
        /// The open elements kept in the tree, innermost last; text and new elements go to the last.
        private var kept: [Int] = []
        private var current: Int { kept.last ?? 0 }
        /// Inside an unread element: how many are open.
        private var unreadDepth = 0
        /// Inside a JSON-LD script: its node.
        private var jsonScript: Int?
        private var numbersByPointer: [UnsafePointer<xmlChar>: Int32] = [:]
        private var numbersByName: [String: Int32] = ["": 0, "#document": 1]
        /// What each name number is, as the builder treats it.
        private var kinds: [Kind] = [.kept, .kept]
        private var attributeNames: [UnsafePointer<xmlChar>: String] = [:]

        private enum Kind {
            case kept, unread, void, script
        }

        static func of(_ context: UnsafeMutableRawPointer?) -> Builder? {
            guard let context else { return nil }
            let parserContext = context.assumingMemoryBound(to: xmlParserCtxt.self)
            guard let owner = parserContext.pointee._private else { return nil }
            return Unmanaged<Builder>.fromOpaque(owner).takeUnretainedValue()
        }

        /// Room for a page of `count` bytes: reserved, not touched, so growing never copies what is built.
        func reserve(forBytes count: Int) {
            tree.nodes.reserveCapacity(min(count / 8, HTMLTree.maxNodes) + 1)
            tree.textBytes.reserveCapacity(count)
            tree.attributeList.reserveCapacity(count / 16)
        }

        private func number(_ pointer: UnsafePointer<xmlChar>) -> Int32 {
            if let known = numbersByPointer[pointer] { return known }
            let name = String(cString: pointer).lowercased()
            let number: Int32
            if let known = numbersByName[name] {
                number = known
            } else {
                number = Int32(tree.names.count)
                tree.names.append(name)
                numbersByName[name] = number
                kinds.append(
                    name == "script" ? .script : HTMLTree.unread.contains(name) ? .unread : HTMLElements.void.contains(name) ? .void : .kept)
            }
            numbersByPointer[pointer] = number
            return number
        }

        private func attributeName(_ pointer: UnsafePointer<xmlChar>) -> String {
            if let known = attributeNames[pointer] { return known }
            let name = String(cString: pointer).lowercased()
            attributeNames[pointer] = name
            return name
        }

        func start(_ namePointer: UnsafePointer<xmlChar>, _ attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?) {
            let number = number(namePointer)
            if unreadDepth > 0 || tree.isTruncated {
                push(-1, number, unread: unreadDepth > 0)
                return
            }
            let attributeStart = tree.attributeList.count
            var index = 0
            while let attributes, let key = attributes[index] {
                tree.attributeList.append(Attribute(name: attributeName(key), value: attributes[index + 1].map { String(cString: $0) } ?? ""))
                index += 2
            }
            let element = (number, attributeStart)
            switch kinds[Int(number)] {
            case .script where tree.attributeList[attributeStart...].contains { $0.name == "type" && $0.value.lowercased().contains("ld+json") }:
                let node = append(element)
                jsonScript = node >= 0 ? node : nil
                push(-1, number, unread: true)
            case .script, .unread:
                // Kept as an empty element (a video's <noscript>, say, still tells what the page is), never its text.
                _ = append(element)
                push(-1, number, unread: true)
            case .void:
                // An element that has no content (libxml2 lets some, such as <embed>, swallow what follows).
                _ = append(element)
            case .kept:
                guard open.count < HTMLTree.maxDepth else {
                    tree.attributeList.removeSubrange(attributeStart...)
                    return push(-1, number, unread: false)
                }
                push(append(element), number, unread: false)
            }
        }

        private func push(_ node: Int, _ name: Int32, unread: Bool) {
            open.append((node, name, unread))
            if unread { unreadDepth += 1 }
            if node >= 0 { kept.append(node) }
        }

        func end(_ namePointer: UnsafePointer<xmlChar>) {
            let number = number(namePointer)
            // libxml2 balances what it reports, but a page may close what was never open: look for it.
            guard let position = open.lastIndex(where: { $0.name == number }) else { return }
            for entry in open[position...] {
                if entry.unread { unreadDepth -= 1 }
                if entry.node >= 0 {
                    kept.removeLast()
                    tree.nodes[entry.node].endNumber = Int32(tree.nodes.count)
                }
            }
            if unreadDepth == 0 { jsonScript = nil }
            open.removeSubrange(position...)
        }

        func characters(_ bytes: UnsafeBufferPointer<xmlChar>) {
            // A node's text is the last in `textBytes` while it can grow: a JSON-LD script's (nothing else
            // is kept inside it), or the last node's.
            if let jsonScript {
                tree.textBytes.append(contentsOf: bytes)
                tree.nodes[jsonScript].textCount += Int32(bytes.count)
                return
            }
            guard unreadDepth == 0, !tree.isTruncated else { return }
            let last = tree.nodes.count - 1
            if tree.nodes[last].isText && tree.nodes[last].parent == current {
                tree.textBytes.append(contentsOf: bytes)
                tree.nodes[last].textCount += Int32(bytes.count)
            } else if append((0, tree.attributeList.count), textCount: bytes.count) >= 0 {
                tree.textBytes.append(contentsOf: bytes)
            }
        }

        /// Adds a node under the current element, its text (if any) to come next in `textBytes`; -1 once
        /// the tree is full.
        private func append(_ element: (name: Int32, attributeStart: Int), textCount: Int = 0) -> Int {
            guard tree.nodes.count < HTMLTree.maxNodes else {
                tree.isTruncated = true
                tree.attributeList.removeSubrange(element.attributeStart...)
                return -1
            }
            let index = tree.nodes.count
            tree.nodes.append(
                Node(
                    nameNumber: element.name, textStart: Int32(tree.textBytes.count), textCount: Int32(textCount),
                    attributeStart: Int32(element.attributeStart), attributeCount: Int32(tree.attributeList.count - element.attributeStart),
                    parentNumber: Int32(current), endNumber: Int32(index + 1)))
            return index
        }

        /// Ends the elements still open at the end of the page: they hold everything after them.
        func finish() {
            for node in kept { tree.nodes[node].endNumber = Int32(tree.nodes.count) }
            tree.nodes[0].endNumber = Int32(tree.nodes.count)
        }
    }
}
