import Foundation
internal import CLibXML2

/// Finds the feeds an HTML page advertises with `<link rel="alternate" type="application/rss+xml" href=…>`
/// (also Atom and JSON Feed types), using libxml2's HTML push parser with SAX callbacks.
public enum HTMLFeedLinks {
    private static let feedTypes: Set<String> = [
        "application/rss+xml", "application/atom+xml", "application/feed+json", "application/json",
        "application/rdf+xml", "application/xml", "text/xml",
    ]

    private final class Collector {
        var links: [String] = []
        let base: URL?
        init(base: URL?) { self.base = base }
    }

    /// Absolute URLs of the advertised feeds, in page order, without duplicates.
    public static func find(in html: [UInt8], base: URL?) -> [String] {
        let collector = Collector(base: base)
        var handler = htmlSAXHandler()
        handler.startElement = { context, name, attributes in
            guard let context, let name, xmlStrcasecmp(name, "link") == 0, let attributes else { return }
            let parserContext = context.assumingMemoryBound(to: xmlParserCtxt.self)
            guard let owner = parserContext.pointee._private else { return }
            let collector = Unmanaged<Collector>.fromOpaque(owner).takeUnretainedValue()
            var values: [String: String] = [:]
            var index = 0
            while let key = attributes[index] {
                values[String(cString: key).lowercased()] = attributes[index + 1].map { String(cString: $0) } ?? ""
                index += 2
            }
            let rels = (values["rel"] ?? "").lowercased().split(separator: " ")
            let type = (values["type"] ?? "").lowercased().split(separator: ";").first.map(String.init) ?? ""
            guard rels.contains("alternate"), HTMLFeedLinks.feedTypes.contains(type), let href = values["href"],
                let url = URL(string: href, relativeTo: collector.base)?.absoluteURL,
                ["http", "https"].contains(url.scheme?.lowercased() ?? ""),
                !collector.links.contains(url.absoluteString)
            else { return }
            collector.links.append(url.absoluteString)
        }
        handler.serror = { _, _ in }
        handler.warning = nil
        handler.error = nil
        let retained = Unmanaged.passRetained(collector)
        defer { retained.release() }
        guard let context = htmlCreatePushParserCtxt(&handler, nil, nil, 0, nil, XML_CHAR_ENCODING_UTF8) else {
            return []
        }
        defer { htmlFreeParserCtxt(context) }
        context.pointee._private = retained.toOpaque()
        htmlCtxtUseOptions(context, Int32(HTML_PARSE_NONET.rawValue | HTML_PARSE_NOERROR.rawValue | HTML_PARSE_NOWARNING.rawValue | HTML_PARSE_RECOVER.rawValue))
        html.withUnsafeBufferPointer { buffer in
            buffer.baseAddress?.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                _ = htmlParseChunk(context, $0, Int32(min(buffer.count, Int(Int32.max))), 1)
            }
        }
        if let document = context.pointee.myDoc { xmlFreeDoc(document) }
        return collector.links
    }
}
