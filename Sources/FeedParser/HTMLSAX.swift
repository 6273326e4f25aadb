internal import CLibXML2

/// What a walk through an HTML document reports: element names and attribute names lower-cased.
protocol HTMLSAXDelegate: AnyObject {
    func start(_ name: String, _ attributes: [String: String])
    func end(_ name: String)
    func text(_ text: String)
}

/// libxml2's HTML push parser driven through SAX callbacks (no tree is built), lenient, offline and silent:
/// the one place feedd reads HTML, for feed discovery and for `feedctl show`.
enum HTMLSAX {
    /// Walks `html`; false when libxml2 could not make a parser.
    static func walk(_ html: [UInt8], delegate: HTMLSAXDelegate) -> Bool {
        var handler = htmlSAXHandler()
        handler.startElement = { context, name, attributes in
            guard let owner = HTMLSAX.delegate(of: context), let name else { return }
            var values: [String: String] = [:]
            var index = 0
            while let attributes, let key = attributes[index] {
                values[String(cString: key).lowercased()] = attributes[index + 1].map { String(cString: $0) } ?? ""
                index += 2
            }
            owner.start(String(cString: name).lowercased(), values)
        }
        handler.endElement = { context, name in
            guard let owner = HTMLSAX.delegate(of: context), let name else { return }
            owner.end(String(cString: name).lowercased())
        }
        handler.characters = { context, text, length in
            guard let owner = HTMLSAX.delegate(of: context), let text else { return }
            owner.text(String(decoding: UnsafeBufferPointer(start: text, count: Int(length)), as: UTF8.self))
        }
        handler.cdataBlock = handler.characters
        handler.serror = { _, _ in }
        handler.warning = nil
        handler.error = nil
        let box = Unmanaged.passRetained(DelegateBox(delegate))
        defer { box.release() }
        guard let context = htmlCreatePushParserCtxt(&handler, nil, nil, 0, nil, XML_CHAR_ENCODING_UTF8) else { return false }
        defer { htmlFreeParserCtxt(context) }
        context.pointee._private = box.toOpaque()
        htmlCtxtUseOptions(
            context, Int32(HTML_PARSE_NONET.rawValue | HTML_PARSE_NOERROR.rawValue | HTML_PARSE_NOWARNING.rawValue | HTML_PARSE_RECOVER.rawValue))
        html.withUnsafeBufferPointer { buffer in
            buffer.baseAddress?.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                _ = htmlParseChunk(context, $0, Int32(min(buffer.count, Int(Int32.max))), 1)
            }
        }
        if let document = context.pointee.myDoc { xmlFreeDoc(document) }
        return true
    }

    private final class DelegateBox {
        let delegate: HTMLSAXDelegate
        init(_ delegate: HTMLSAXDelegate) { self.delegate = delegate }
    }

    fileprivate static func delegate(of context: UnsafeMutableRawPointer?) -> HTMLSAXDelegate? {
        guard let context else { return nil }
        let parserContext = context.assumingMemoryBound(to: xmlParserCtxt.self)
        guard let owner = parserContext.pointee._private else { return nil }
        return Unmanaged<DelegateBox>.fromOpaque(owner).takeUnretainedValue().delegate
    }
}
