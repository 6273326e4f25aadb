import FeedModel
import Foundation

/// An item's HTML content as readable blocks of text, for `feedctl show`: read with `HTMLSAX`, scripts and
/// styles dropped, entities decoded, links numbered.
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
        guard HTMLSAX.walk(Array(html.utf8), delegate: renderer) else {
            return ([Block(marker: "", quoteDepth: 0, text: html, preformatted: false)], [])
        }
        renderer.flush()
        return (renderer.blocks, renderer.links)
    }

    private final class Renderer: HTMLSAXDelegate {
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
