import FeedModel
import Foundation
internal import CLibXML2

/// An item's HTML content as readable blocks of text, for `feedctl show`: read with libxml2's HTML parser
/// (SAX, so no tree), scripts and styles dropped, entities decoded, links numbered.
public enum HTMLText {
    /// One block of text: a paragraph, a list item, a quoted paragraph, a heading or preformatted text.
    public struct Block: Sendable, Equatable {
        /// What starts its first line ("• ", "1. ") and, as spaces, the lines after.
        public var marker: String
        /// Quote depth: each level is shown as "> ".
        public var quoteDepth: Int
        public var text: String
        /// Preformatted: its lines are kept as they are.
        public var preformatted: Bool
    }

    /// The blocks of `html` and the links it holds (http, https and mailto only), numbered from 1 in the
    /// order of their `[n]` marks in the text.
    public static func render(_ html: String) -> (blocks: [Block], links: [String]) {
        let renderer = Renderer()
        var handler = htmlSAXHandler()
        handler.startElement = { context, name, attributes in
            guard let owner = HTMLText.owner(context), let name else { return }
            var values: [String: String] = [:]
            var index = 0
            while let attributes, let key = attributes[index] {
                values[String(cString: key).lowercased()] = attributes[index + 1].map { String(cString: $0) } ?? ""
                index += 2
            }
            owner.start(String(cString: name).lowercased(), values)
        }
        handler.endElement = { context, name in
            guard let owner = HTMLText.owner(context), let name else { return }
            owner.end(String(cString: name).lowercased())
        }
        handler.characters = { context, text, length in
            guard let owner = HTMLText.owner(context), let text else { return }
            owner.text(String(decoding: UnsafeBufferPointer(start: text, count: Int(length)), as: UTF8.self))
        }
        handler.cdataBlock = handler.characters
        handler.serror = { _, _ in }
        handler.warning = nil
        handler.error = nil
        let retained = Unmanaged.passRetained(renderer)
        defer { retained.release() }
        guard let context = htmlCreatePushParserCtxt(&handler, nil, nil, 0, nil, XML_CHAR_ENCODING_UTF8) else {
            return ([Block(marker: "", quoteDepth: 0, text: html, preformatted: false)], [])
        }
        defer { htmlFreeParserCtxt(context) }
        context.pointee._private = retained.toOpaque()
        htmlCtxtUseOptions(
            context, Int32(HTML_PARSE_NONET.rawValue | HTML_PARSE_NOERROR.rawValue | HTML_PARSE_NOWARNING.rawValue | HTML_PARSE_RECOVER.rawValue))
        let bytes = Array(html.utf8)
        bytes.withUnsafeBufferPointer { buffer in
            buffer.baseAddress?.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                _ = htmlParseChunk(context, $0, Int32(min(buffer.count, Int(Int32.max))), 1)
            }
        }
        if let document = context.pointee.myDoc { xmlFreeDoc(document) }
        renderer.flush()
        return (renderer.blocks, renderer.links)
    }

    private static func owner(_ context: UnsafeMutableRawPointer?) -> Renderer? {
        guard let context else { return nil }
        let parserContext = context.assumingMemoryBound(to: xmlParserCtxt.self)
        guard let owner = parserContext.pointee._private else { return nil }
        return Unmanaged<Renderer>.fromOpaque(owner).takeUnretainedValue()
    }

    private final class Renderer {
        var blocks: [Block] = []
        var links: [String] = []
        private var current = ""
        private var marker = ""
        private var quoteDepth = 0
        private var preformatted = 0
        private var skipping = 0
        private var lists: [(ordered: Bool, count: Int)] = []
        private var openLinks: [String?] = []

        static let blockElements: Set<String> = [
            "p", "div", "section", "article", "header", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol",
            "blockquote", "pre", "tr", "table", "figure", "figcaption", "dl", "dt", "dd", "hr",
        ]

        func start(_ name: String, _ attributes: [String: String]) {
            if name == "script" || name == "style" || name == "head" { skipping += 1; return }
            guard skipping == 0 else { return }
            switch name {
            case "br": current += "\n"
            case "ul", "ol": flush(); lists.append((name == "ol", 0))
            case "li":
                flush()
                if var list = lists.popLast() {
                    list.count += 1
                    marker = list.ordered ? "\(list.count). " : "• "
                    lists.append(list)
                } else {
                    marker = "• "
                }
            case "blockquote": flush(); quoteDepth += 1
            case "pre": flush(); preformatted += 1
            case "a":
                let href = attributes["href"].flatMap { link -> String? in
                    let lower = link.lowercased()
                    return lower.hasPrefix("http://") || lower.hasPrefix("https://") || lower.hasPrefix("mailto:") ? link : nil
                }
                openLinks.append(href)
            case "img":
                if let alt = attributes["alt"], !alt.isEmpty { current += "[image: \(alt)]" }
            case _ where Self.blockElements.contains(name): flush()
            default: break
            }
        }

        func end(_ name: String) {
            if name == "script" || name == "style" || name == "head" { skipping = max(0, skipping - 1); return }
            guard skipping == 0 else { return }
            switch name {
            case "ul", "ol": flush(); _ = lists.popLast()
            case "blockquote": flush(); quoteDepth = max(0, quoteDepth - 1)
            case "pre": flush(); preformatted = max(0, preformatted - 1)
            case "a":
                if let href = openLinks.popLast() ?? nil {
                    if let existing = links.firstIndex(of: href) {
                        current += " [\(existing + 1)]"
                    } else {
                        links.append(href)
                        current += " [\(links.count)]"
                    }
                }
            case _ where Self.blockElements.contains(name): flush()
            default: break
            }
        }

        func text(_ text: String) {
            guard skipping == 0 else { return }
            current += text
        }

        /// Ends the block in progress.
        func flush() {
            let text: String
            if preformatted > 0 {
                text = current.trimmingCharacters(in: .newlines)
            } else {
                // Whitespace collapses, but a <br> stays a line break.
                text = current.split(separator: "\n", omittingEmptySubsequences: false)
                    .map { TextCleaning.collapsingWhitespace(String($0)) }.filter { !$0.isEmpty }.joined(separator: "\n")
            }
            if !text.isEmpty {
                blocks.append(Block(marker: marker, quoteDepth: quoteDepth, text: text, preformatted: preformatted > 0))
            }
            current = ""
            marker = ""
        }
    }
}
