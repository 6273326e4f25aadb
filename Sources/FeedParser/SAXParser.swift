import Foundation
internal import CLibXML2

/// An element name: its namespace URI (empty when none) and local name, interned by the parser (one instance
/// per distinct name in a document) and classified once, so that no element costs a string comparison
/// against the vocabularies feedd knows.
final class ElementName {
    let namespace: String
    let local: String
    let vocabulary: Vocabulary
    /// The item field an element of this name fills, per `FieldTable`.
    let itemRule: FieldRule?

    /// `aliases`: namespaces the document's root says are to be read as a feed vocabulary.
    init(namespace: String, local: String, aliases: [String: Vocabulary] = [:]) {
        self.namespace = namespace
        vocabulary = aliases[namespace] ?? Vocabulary(uri: namespace)
        self.local = vocabulary == .other ? local : ElementNames.canonical(local)
        itemRule = FieldTable.itemRule(vocabulary, self.local)
    }
}

/// Attributes of one start tag, read lazily from libxml2's buffer during the callback.
struct SAXAttributes {
    fileprivate let raw: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?
    fileprivate let count: Int

    /// No attributes, for elements whose attributes are not read.
    static var none: SAXAttributes { SAXAttributes(raw: nil, count: 0) }

    var isEmpty: Bool { count == 0 }

    /// `xml:base`, which any element may carry.
    var xmlBase: String? { count == 0 ? nil : value("base", namespace: Namespace.xml) }

    /// The value of the attribute with this local name and namespace URI (empty: no namespace).
    func value(_ local: StaticString, namespace: String = "") -> String? {
        guard let raw else { return nil }
        for index in 0..<count {
            let base = index * 5
            guard let name = raw[base], let start = raw[base + 3], let end = raw[base + 4],
                Self.equals(name, local), Self.equals(raw[base + 2], namespace)
            else { continue }
            return XMLReference.decodingAll(
                String(decoding: UnsafeBufferPointer(start: start, count: end - start), as: UTF8.self))
        }
        return nil
    }

    /// Compares a NUL-terminated libxml2 string with a literal, without allocating.
    private static func equals(_ pointer: UnsafePointer<xmlChar>, _ literal: StaticString) -> Bool {
        let bytes = literal.utf8Start
        for index in 0..<literal.utf8CodeUnitCount where pointer[index] != bytes[index] { return false }
        return pointer[literal.utf8CodeUnitCount] == 0
    }

    /// Compares a NUL-terminated libxml2 string (nil: empty) with a Swift string, without allocating.
    private static func equals(_ pointer: UnsafePointer<xmlChar>?, _ text: String) -> Bool {
        guard let pointer else { return text.isEmpty }
        var index = 0
        for byte in text.utf8 {
            guard pointer[index] == byte else { return false }
            index += 1
        }
        return pointer[index] == 0
    }

    /// Every attribute as (local name, value), in document order.
    func all() -> [(String, String)] {
        guard let raw else { return [] }
        return (0..<count).compactMap { index in
            let base = index * 5
            guard let name = raw[base], let start = raw[base + 3], let end = raw[base + 4] else { return nil }
            let value = String(decoding: UnsafeBufferPointer(start: start, count: end - start), as: UTF8.self)
            return (String(cString: name), XMLReference.decodingAll(value))
        }
    }
}

/// What the SAX parser reports, in document order.
protocol SAXParserDelegate: AnyObject {
    func startElement(_ name: ElementName, attributes: SAXAttributes)
    func endElement(_ name: ElementName)
    /// `isValidated`: the text is known to be well-formed UTF-8 made of whole characters (it was taken out of
    /// the repaired input, `DivertedText`); text from libxml2 itself is not vouched for.
    func characters(_ text: UnsafeBufferPointer<UInt8>, isValidated: Bool)
}

/// A libxml2 SAX2 push parser: bytes go in chunk by chunk, callbacks come out; no tree is ever built.
///
/// Safety: `XML_PARSE_NONET`, no DTD loading or validation, no entity substitution (`XML_PARSE_NOENT` would
/// load external entities on libxml2 2.9), a process-wide external entity loader that refuses everything,
/// and a cap on the character data entity expansion may produce.
final class SAXParser {
    private var context: xmlParserCtxtPtr?
    /// The owner keeps the delegate alive for the parser's lifetime (unowned: no weak-reference cost per event).
    private unowned(unsafe) let delegate: SAXParserDelegate
    /// Text taken out of the document before it reached libxml2, delivered at its markers.
    private let divertedText: DivertedText?
    private var names: [NameKey: ElementName] = [:]
    /// How the root says namespaces are to be read (`Vocabulary.rootAliases`).
    private var aliases: [String: Vocabulary] = [:]
    /// The elements open at this point, outermost first, with the libxml2 name pointers they were seen with.
    private var openElements: [(key: NameKey, name: ElementName)] = []
    private var characterBytes = 0
    private var characterBudget = ParserLimits.maxExpansionBytes
    /// Messages libxml2 reported (first few of them), in order.
    private(set) var errors: [String] = []
    private(set) var errorCount = 0
    /// Set when the parser stopped itself because a limit was reached.
    private(set) var limitError: FeedParseError?

    private static let options = Int32(
        XML_PARSE_NONET.rawValue | XML_PARSE_RECOVER.rawValue | XML_PARSE_IGNORE_ENC.rawValue
            | XML_PARSE_COMPACT.rawValue)
    private static let maxRecordedErrors = 20

    init(delegate: SAXParserDelegate, divertedText: DivertedText? = nil) {
        Self.installEntityLoader
        self.delegate = delegate
        self.divertedText = divertedText
        var handler = xmlSAXHandler()
        xmlSAXVersion(&handler, 2)
        handler.startElementNs = { context, localName, prefix, uri, _, _, attributeCount, _, attributes in
            guard let parser = SAXParser.from(context), let localName else { return }
            parser.startElement(localName, prefix, uri, attributes, Int(attributeCount))
        }
        handler.endElementNs = { context, localName, prefix, uri in
            guard let parser = SAXParser.from(context), let localName else { return }
            parser.endElement(localName, prefix, uri)
        }
        handler.characters = { context, text, length in
            guard let parser = SAXParser.from(context), let text else { return }
            parser.characters(text, Int(length))
        }
        handler.cdataBlock = handler.characters
        handler.ignorableWhitespace = handler.characters
        handler.comment = nil
        handler.processingInstruction = { context, target, data in
            guard let parser = SAXParser.from(context), let target else { return }
            parser.processingInstruction(target, data)
        }
        handler.externalSubset = nil
        handler.resolveEntity = { _, _, _ in nil }
        // Parser errors reach the structured handler with the parser context as user data.
        handler.serror = { context, error in
            guard let context, let error else { return }
            let parserContext = context.assumingMemoryBound(to: xmlParserCtxt.self)
            guard let owner = parserContext.pointee._private else { return }
            Unmanaged<SAXParser>.fromOpaque(owner).takeUnretainedValue().record(error.pointee)
        }
        context = xmlCreatePushParserCtxt(&handler, nil, nil, 0, nil)
        guard let context else { return }
        xmlCtxtUseOptions(context, Self.options)
        context.pointee._private = Unmanaged.passUnretained(self).toOpaque()
    }

    deinit {
        if let context {
            if let document = context.pointee.myDoc { xmlFreeDoc(document) }
            xmlFreeParserCtxt(context)
        }
    }

    /// Feeds UTF-8 bytes. `terminate` ends the document.
    func parse(_ bytes: UnsafeBufferPointer<UInt8>, terminate: Bool) {
        guard let context, limitError == nil else { return }
        characterBudget += bytes.count
        var offset = 0
        // xmlParseChunk takes an Int32 size.
        repeat {
            let size = min(bytes.count - offset, 1 << 30)
            let last = terminate && offset + size == bytes.count
            bytes.baseAddress.map { base in
                base.withMemoryRebound(to: CChar.self, capacity: bytes.count) {
                    _ = xmlParseChunk(context, $0 + offset, Int32(size), last ? 1 : 0)
                }
            } ?? { _ = xmlParseChunk(context, nil, 0, last ? 1 : 0) }()
            offset += size
        } while offset < bytes.count && limitError == nil
    }

    // MARK: - Callbacks

    private static func from(_ context: UnsafeMutableRawPointer?) -> SAXParser? {
        guard let context else { return nil }
        let parserContext = context.assumingMemoryBound(to: xmlParserCtxt.self)
        guard let owner = parserContext.pointee._private else { return nil }
        return Unmanaged<SAXParser>.fromOpaque(owner).takeUnretainedValue()
    }

    /// libxml2 interns names in its dictionary, so a pair of pointers identifies a name for the parser's lifetime.
    private struct NameKey: Hashable {
        let namespace: UnsafeRawPointer?
        let local: UnsafeRawPointer
        /// The prefix of a name whose prefix no declaration binds (`content:encoded` without `xmlns:content`).
        var undeclaredPrefix: UnsafeRawPointer?

        init(_ local: UnsafePointer<xmlChar>, prefix: UnsafePointer<xmlChar>?, uri: UnsafePointer<xmlChar>?) {
            self.local = UnsafeRawPointer(local)
            namespace = uri.map(UnsafeRawPointer.init)
            undeclaredPrefix = uri == nil ? prefix.map(UnsafeRawPointer.init) : nil
        }
    }

    private func internedName(_ key: NameKey) -> ElementName {
        if let known = names[key] { return known }
        let namespace = key.namespace.map { String(cString: $0.assumingMemoryBound(to: CChar.self)) }
            ?? key.undeclaredPrefix.flatMap { Vocabulary.undeclaredPrefix(String(cString: $0.assumingMemoryBound(to: CChar.self))) }
            ?? ""
        let name = ElementName(
            namespace: namespace, local: String(cString: key.local.assumingMemoryBound(to: CChar.self)), aliases: aliases)
        names[key] = name
        return name
    }

    private func startElement(
        _ localName: UnsafePointer<xmlChar>, _ prefix: UnsafePointer<xmlChar>?, _ uri: UnsafePointer<xmlChar>?,
        _ attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?, _ count: Int
    ) {
        if openElements.count >= ParserLimits.maxDepth {
            stop(.limitExceeded(detail: "elements nested deeper than \(ParserLimits.maxDepth) levels"))
            return
        }
        let attributes = SAXAttributes(raw: attributes, count: count)
        if names.isEmpty {
            // The root: it may say how the namespaces below it are to be read.
            aliases = Vocabulary.rootAliases(
                namespace: uri.map { String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self)) } ?? "",
                local: String(cString: UnsafeRawPointer(localName).assumingMemoryBound(to: CChar.self)),
                hasPrefix: prefix != nil, version: attributes.value("version"))
        }
        let key = NameKey(localName, prefix: prefix, uri: uri)
        let name = internedName(key)
        openElements.append((key, name))
        delegate.startElement(name, attributes: attributes)
    }

    private func endElement(
        _ localName: UnsafePointer<xmlChar>, _ prefix: UnsafePointer<xmlChar>?, _ uri: UnsafePointer<xmlChar>?
    ) {
        let key = NameKey(localName, prefix: prefix, uri: uri)
        // libxml2 closes elements in the order it opened them, so the name is the innermost open one's.
        let name = openElements.last.flatMap { $0.key == key ? $0.name : nil } ?? internedName(key)
        if !openElements.isEmpty { openElements.removeLast() }
        delegate.endElement(name)
    }

    private func characters(_ text: UnsafePointer<xmlChar>, _ length: Int) {
        characterBytes += length
        if characterBytes > characterBudget {
            stop(.limitExceeded(
                detail: "entity expansion produced more than \(ParserLimits.maxExpansionBytes >> 20) MiB of text"))
            return
        }
        delegate.characters(UnsafeBufferPointer(start: text, count: length), isValidated: false)
    }

    /// A marker of `divertedText` (with the right token) stands for its next piece of text; any other
    /// processing instruction means nothing to a feed.
    private func processingInstruction(_ target: UnsafePointer<xmlChar>, _ data: UnsafePointer<xmlChar>?) {
        guard let divertedText, let data,
            let number = target.withMemoryRebound(to: CChar.self, capacity: 1, { divertedText.pieceNumber(target: $0, data: data) })
        else { return }
        divertedText.deliver(number) { delegate.characters($0, isValidated: true) }
    }

    private func stop(_ error: FeedParseError) {
        guard limitError == nil else { return }
        limitError = error
        if let context { xmlStopParser(context) }
    }

    private func record(_ error: xmlError) {
        errorCount += 1
        if error.code == Int32(XML_ERR_ENTITY_LOOP.rawValue) && limitError == nil {
            // libxml2 halts the document when it detects exponential entity expansion (billion laughs).
            limitError = .limitExceeded(detail: "entity expansion loop (a \"billion laughs\" document)")
        }
        guard errors.count < Self.maxRecordedErrors else { return }
        let message = error.message.map { String(cString: $0) }?
            .trimmingCharacters(in: .whitespacesAndNewlines) ?? "XML error \(error.code)"
        errors.append(error.line > 0 ? "line \(error.line): \(message)" : message)
    }

    /// Refuses every external entity, DTD or schema libxml2 might try to load, for the whole process.
    private static let installEntityLoader: Void = {
        xmlInitParser()
        xmlSetExternalEntityLoader { _, _, _ in nil }
    }()
}
