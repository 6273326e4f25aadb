import FeedModel
import FeedParser
import Foundation

/// Finds the article on a web page, in the manner of readability: page furniture is set aside by element,
/// role and class words (`ContentHints`); paragraphs score their ancestors by their text and commas; the
/// best-scored block, scaled down by its share of link text, is the article, joined by the siblings that
/// score near it; inside it, blocks that look like lists of links, ads or forms are dropped. The headline
/// comes from the page's `<h1>` or its metadata, once; a standfirst next to the headline joins the body.
/// Pure: bytes in, article or reason out. Bounded by `maxPageBytes` and `HTMLTree`'s limits, and linear in
/// the page's size (no recursion deeper than `HTMLTree.maxDepth`).
public enum ArticleExtractor {
    public static let maxPageBytes = 5 << 20
    /// Fewer body words than this is no article (a video's caption, a login form, an error message).
    public static let minimumWords = 40

    /// Extracts the article of `page` (bytes as served; `contentType` the HTTP header, if any), its links
    /// made absolute against `url` (or the page's `<base>`).
    public static func extract(page: [UInt8], contentType: String?, url: URL?) -> Result<Article, ExtractionFailure> {
        if page.count > maxPageBytes { return .failure(.tooLarge(bytes: page.count)) }
        if let type = notHTML(page, contentType: contentType) { return .failure(.notHTML(type)) }
        let (utf8, _) = HTMLPageText.utf8(page, contentType: contentType)
        guard let tree = HTMLTree.parse(utf8: utf8) else { return .failure(.unreadable) }
        return PageAnalysis(tree: tree, url: url).article()
    }

    /// The type of a body that is not HTML: as served, or, unlabelled, binary bytes.
    static func notHTML(_ page: [UInt8], contentType: String?) -> String? {
        if let contentType {
            let type = contentType.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
            let htmlTypes = ["text/html", "application/xhtml+xml", "text/plain", "application/xml", "text/xml", ""]
            if !htmlTypes.contains(type) { return type }
        }
        let start = page.prefix(1024)
        if start.contains(0) && !(start.first == 0xFF || start.first == 0xFE || start.first == 0) { return "binary data" }
        let firstMark = start.first { $0 != 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D && $0 != 0xEF && $0 != 0xBB && $0 != 0xBF }
        if let firstMark, firstMark == UInt8(ascii: "{") || firstMark == UInt8(ascii: "[") { return "JSON" }
        if let firstMark, firstMark == UInt8(ascii: "%"), page.starts(with: Array("%PDF".utf8)) { return "PDF" }
        return nil
    }
}

/// One page being read: its tree, what is set aside, and the text figures of every node.
struct PageAnalysis {
    let tree: HTMLTree
    let base: URL?
    /// Set aside: furniture, and everything inside it.
    private var removed: [Bool]
    /// Letters of text (not white space) inside each node, of text inside links, and commas.
    private var letters: [Int32]
    private var linkLetters: [Int32]
    private var commas: [Int32]
    private var hints: [ContentHints?]
    /// Whether text nodes' own figures are counted.
    private var textMeasured = false
    /// What paragraphs gave each block (`topCandidate`), before link density scales it.
    private var scores: [Int: Double] = [:]

    init(tree: HTMLTree, url: URL?) {
        self.tree = tree
        let count = tree.nodes.count
        removed = Array(repeating: false, count: count)
        letters = Array(repeating: 0, count: count)
        linkLetters = Array(repeating: 0, count: count)
        commas = Array(repeating: 0, count: count)
        hints = Array(repeating: nil, count: count)
        let baseElement = tree.elements(named: "base").first.flatMap { tree.attribute("href", of: $0) }
        base = baseElement.flatMap { RelativeLinks.absoluteURL($0, base: url) } ?? url
        // A page repeats its classes: each set of words is read once.
        struct ClassAndID: Hashable {
            var classes: String?
            var id: String?
        }
        var known: [ClassAndID: ContentHints?] = [:]
        for index in tree.nodes.indices where !tree.nodes[index].isText {
            let key = ClassAndID(classes: tree.attribute("class", of: index), id: tree.attribute("id", of: index))
            guard key.classes != nil || key.id != nil else { continue }
            if let hint = known[key] {
                hints[index] = hint
            } else {
                let words = [key.classes, key.id].compactMap { $0 }.joined(separator: " ")
                let hint = words.isEmpty ? nil : ContentHints(classAndID: words, classes: key.classes)
                known[key] = hint
                hints[index] = hint
            }
        }
        measure()
    }

    // MARK: The article

    func article() -> Result<Article, ExtractionFailure> {
        var page = self
        let metadata = PageMetadata(tree: tree)
        let headline = page.headline(titles: metadata.givenTitles)
        page.setAsideFurniture(keeping: headline)
        page.measure()
        let video = tree.contains(elementNamedAnyOf: Self.embeds)
        guard let top = page.topCandidate() else { return .failure(.noArticle(words: 0, video: video)) }
        var roots = page.withSiblings(top)
        let title = headline.map { TextCleaning.collapsingWhitespace(tree.text(of: $0)) } ?? metadata.title
        if let standfirst = page.standfirst(after: headline, before: roots[0], title: title) { roots.insert(standfirst, at: 0) }
        page.cleanInside(roots, title: title)
        if let headline { page.dropBeforeHeadline(headline, in: roots) }
        let markup = ArticleMarkup(tree: tree, removed: page.removed, base: base)
        let html = markup.html(of: roots)
        let (text, words) = ArticleText.plain(tree: tree, roots: roots, skipped: page.removed, heading: title.map(TextCleaning.collapsingWhitespace))
        guard words >= ArticleExtractor.minimumWords else { return .failure(.noArticle(words: words, video: video)) }
        return .success(Article(title: title, byline: metadata.byline, html: html, text: text, wordCount: words))
    }

    // MARK: Figures

    /// Letters, link letters and commas of every node, over what is not set aside: children come after
    /// their parent, so one pass from the end adds each node into its parent. A text node's own figures
    /// are counted once (text never changes), then only added up again.
    private mutating func measure() {
        let anchor = tree.nameNumber(of: "a")
        for index in tree.nodes.indices where !tree.nodes[index].isText {
            letters[index] = 0
            linkLetters[index] = 0
            commas[index] = 0
        }
        for index in tree.nodes.indices.reversed() {
            let node = tree.nodes[index]
            if node.isText {
                if removed[index] {
                    letters[index] = 0
                    commas[index] = 0
                    continue
                }
                if !textMeasured {
                    let (textLetters, textCommas) = tree.withOwnText(index) { $0.withUnsafeBufferPointer(Self.lettersAndCommas) }
                    letters[index] = Int32(textLetters)
                    commas[index] = Int32(textCommas)
                }
            } else {
                guard !removed[index] else { continue }
                // Its children, after it, have been added into it already.
                if node.nameNumber == anchor { linkLetters[index] = letters[index] }
            }
            let parent = node.parent
            if parent >= 0 {
                letters[parent] += letters[index]
                linkLetters[parent] += linkLetters[index]
                commas[parent] += commas[index]
            }
        }
        textMeasured = true
    }

    /// A letter is a byte that starts a character and is not ASCII white space.
    private static func lettersAndCommas(_ bytes: UnsafeBufferPointer<UInt8>) -> (Int, Int) {
        var letters = 0
        var commas = 0
        for byte in bytes {
            if byte & 0xC0 != 0x80 && byte != 0x20 && byte != 0x0A && byte != 0x09 && byte != 0x0D { letters += 1 }
            if byte == UInt8(ascii: ",") { commas += 1 }
        }
        return (letters, commas)
    }

    private func linkDensity(_ index: Int) -> Double {
        letters[index] == 0 ? 0 : Double(linkLetters[index]) / Double(letters[index])
    }

    // MARK: Headline

    /// The heading that is the headline: an `<h1>`–`<h3>` whose text is a title the page gives itself, else
    /// one that makes up most of such a title (a `<title>` of "Site » Headline"); else, with no title to go
    /// by, the first `<h1>`.
    private func headline(titles: [String]) -> Int? {
        let levels = tree.nameSet(Self.headlineLevels)
        let headings = tree.nodes.indices.filter { levels.contains(tree.nodes[$0]) && letters[$0] > 0 }
        let texts = headings.map { Self.comparable(tree.text(of: $0)) }
        let references = titles.map(Self.comparable).filter { !$0.isEmpty }
        guard !references.isEmpty else { return headings.first { tree.name($0) == "h1" } }
        for reference in references {
            if let position = texts.firstIndex(of: reference) { return headings[position] }
        }
        for reference in references {
            if let position = texts.firstIndex(where: { !$0.isEmpty && reference.contains($0) && $0.count * 10 >= reference.count * 4 }) {
                return headings[position]
            }
        }
        return nil
    }

    private static let headlineLevels: Set<String> = ["h1", "h2", "h3"]
    private static let embeds: Set<String> = ["iframe", "video", "embed", "object"]

    static func comparable(_ text: String) -> String {
        let collapsed = TextCleaning.collapsingWhitespace(text)
        // ASCII (most headings of most pages) by byte: Character properties are slow on long texts.
        if collapsed.utf8.allSatisfy({ $0 < 0x80 }) {
            let kept = collapsed.utf8.lazy.filter { byte in
                byte == 0x20 || (byte >= 0x30 && byte <= 0x39) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A)
            }.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }
            return String(decoding: Array(kept), as: UTF8.self)
        }
        return collapsed.lowercased().filter { $0.isLetter || $0.isNumber || $0 == " " }
    }

    // MARK: Furniture

    private static let dropped: Set<String> = [
        "head", "script", "style", "noscript", "template", "svg", "math", "iframe", "object", "embed", "form", "input",
        "button", "select", "textarea", "label", "nav", "aside", "footer", "link", "meta", "dialog", "canvas", "audio",
        "video", "map", "area", "menu", "fieldset", "legend", "source", "track", "applet", "frame", "frameset",
    ]
    private static let inline: Set<String> = [
        "a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "dfn", "em", "i", "kbd", "mark", "q", "s", "samp",
        "small", "span", "strong", "sub", "sup", "time", "u", "var", "img", "picture", "br", "wbr", "font", "del",
        "ins", "tt", "big", "strike",
    ]

    /// Sets furniture aside: elements of kinds no article holds, hidden ones, those whose role or class
    /// words name furniture (unless they also name an article and hold most of the page's text), headers
    /// other than the headline's or an article's.
    private mutating func setAsideFurniture(keeping headline: Int?) {
        let pageLetters = letters[0]
        let headlineAncestors = Set(headline.map(ancestors) ?? [])
        var index = 1
        while index < tree.nodes.count {
            if !tree.isText(index) && !headlineAncestors.contains(index) && index != headline
                && (isFurniture(index, pageLetters: pageLetters)
                    || (tree.name(index) == "header" && !ancestors(index).contains(where: { tree.name($0) == "article" })))
            {
                setAside(index)
                index = tree.nodes[index].end
            } else {
                index += 1
            }
        }
    }

    private func isFurniture(_ index: Int, pageLetters: Int32) -> Bool {
        let name = tree.name(index)
        if Self.dropped.contains(name) { return true }
        for attribute in tree.attributes(index) {
            switch attribute.name {
            case "hidden": return true
            case "aria-hidden" where attribute.value == "true": return true
            case "style":
                let style = attribute.value.lowercased().filter { $0 != " " }
                if style.contains("display:none") || style.contains("visibility:hidden") { return true }
            case "role": if ContentHints.furnitureRoles.contains(attribute.value.lowercased()) { return true }
            default: break
            }
        }
        guard let hints = hints[index] else { return false }
        if hints.hidesText { return true }
        guard !Self.inline.contains(name), name != "body", name != "html" else { return false }
        if name == "article" || name == "main" || tree.attribute("itemprop", of: index) == "articleBody" { return false }
        guard hints.isBoilerplate else { return false }
        // "site-content has-sidebar": both kinds of words, and the page's text inside: not furniture.
        return !(hints.isArticle && letters[index] * 2 > pageLetters)
    }

    private func ancestors(_ index: Int) -> [Int] {
        var chain: [Int] = []
        var parent = tree.nodes[index].parent
        while parent >= 0 {
            chain.append(parent)
            parent = tree.nodes[parent].parent
        }
        return chain
    }

    // MARK: Scoring

    private static let blocks: Set<String> = HTMLElements.block.union(["img", "figure", "table", "pre", "video", "iframe"])

    /// A paragraph for scoring: a `<p>`, `<pre>`, `<td>` or `<dd>`, or a `<div>` or `<section>` of inline
    /// content only (many sites write paragraphs as divs).
    private func isParagraph(_ index: Int) -> Bool {
        switch tree.name(index) {
        case "p", "pre", "td", "dd", "blockquote": return true
        case "div", "section":
            return !tree.children(of: index).contains { !tree.nodes[$0].isText && Self.blocks.contains(tree.name($0)) }
        default: return false
        }
    }

    private func baseScore(_ index: Int) -> Double {
        let tagScore: Double
        switch tree.name(index) {
        case "article": tagScore = 10
        case "div", "main": tagScore = 5
        case "section", "pre", "td", "blockquote": tagScore = 3
        case "address", "ol", "ul", "dl", "dd", "dt", "li", "form": tagScore = -3
        case "h1", "h2", "h3", "h4", "h5", "h6", "th": tagScore = -5
        default: tagScore = 0
        }
        let itemprop: Double = tree.attribute("itemprop", of: index) == "articleBody" ? 25 : 0
        return tagScore + (hints[index]?.weight ?? 0) + itemprop
    }

    /// The best-scored block; nil when no paragraph has text enough to score.
    private mutating func topCandidate() -> Int? {
        var scores: [Int: Double] = [:]
        for index in tree.nodes.indices where !removed[index] && !tree.nodes[index].isText && isParagraph(index) {
            let length = letters[index]
            guard length >= 25 else { continue }
            let score = 1 + Double(commas[index]) + min(Double(length) / 100, 3)
            var ancestor = tree.nodes[index].parent
            var level = 0
            while ancestor > 0 && level < 5 {
                if scores[ancestor] == nil { scores[ancestor] = baseScore(ancestor) }
                scores[ancestor, default: 0] += score / (level == 0 ? 1 : level == 1 ? 2 : Double(level) * 3)
                ancestor = tree.nodes[ancestor].parent
                level += 1
            }
        }
        var scaled = scores.map { (node: $0.key, score: $0.value * (1 - linkDensity($0.key))) }
        guard !scaled.isEmpty else { return nil }
        scaled.sort { $0.score != $1.score ? $0.score > $1.score : $0.node < $1.node }
        var top = scaled[0].node
        // Several near-best blocks under one ancestor of the best: that ancestor holds the article.
        let near = scaled.dropFirst().prefix(4).filter { $0.score >= scaled[0].score * 0.75 }.map(\.node)
        if near.count >= 2 {
            let topAncestors = ancestors(top)
            if let shared = topAncestors.first(where: { ancestor in near.filter { ancestors($0).contains(ancestor) }.count >= 2 }),
                tree.name(shared) != "body", tree.name(shared) != "html"
            {
                top = shared
            }
        }
        // An only child stands for its parent.
        while true {
            let parent = tree.nodes[top].parent
            guard parent > 0, tree.name(parent) != "body",
                tree.children(of: parent).filter({ !removed[$0] && (letters[$0] > 0 || !tree.nodes[$0].isText) }).count == 1
            else { break }
            top = parent
        }
        self.scores = scores
        return top
    }

    private func scaledScore(_ index: Int) -> Double? { scores[index].map { $0 * (1 - linkDensity(index)) } }

    // MARK: Assembly

    /// The best block and those of its siblings that belong with it, in document order: siblings scored
    /// near it (or sharing its class), and plain paragraphs of prose beside it.
    private func withSiblings(_ top: Int) -> [Int] {
        let parent = tree.nodes[top].parent
        guard parent >= 0, let topScore = scaledScore(top) else { return [top] }
        let threshold = max(10, topScore * 0.2)
        let topClass = tree.attribute("class", of: top)
        var roots: [Int] = []
        for sibling in tree.children(of: parent) where !removed[sibling] {
            if sibling == top {
                roots.append(sibling)
                continue
            }
            guard !tree.nodes[sibling].isText else { continue }
            let bonus = topClass != nil && tree.attribute("class", of: sibling) == topClass ? topScore * 0.2 : 0
            if let score = scaledScore(sibling), score + bonus >= threshold {
                roots.append(sibling)
            } else if isLeadPicture(sibling) {
                roots.append(sibling)
            } else if tree.name(sibling) == "p" {
                let length = letters[sibling]
                let density = linkDensity(sibling)
                let text = TextCleaning.collapsingWhitespace(tree.text(of: sibling))
                if (length > 80 && density < 0.25)
                    || (length > 0 && density == 0 && [".", "!", "?", "»", "\"", "”"].contains(where: text.hasSuffix))
                {
                    roots.append(sibling)
                }
            }
        }
        return roots
    }

    /// A picture with its caption beside the body (the article's lead image), in a `<figure>` or a wrapper
    /// of one: a caption's worth of text, not mostly links.
    private func isLeadPicture(_ index: Int) -> Bool {
        let names = Set(tree.subtree(index).map { tree.name($0) })
        return names.contains("figcaption") && names.contains("img") && letters[index] < 600 && linkDensity(index) < 0.5
    }

    private static let standfirstElements: Set<String> = ["p", "h2", "div", "span"]

    /// The standfirst: after the headline and before the body, an element whose class names one (or the
    /// first paragraph of prose right under the headline, in its header).
    private func standfirst(after headline: Int?, before body: Int, title: String?) -> Int? {
        guard let headline, headline < body else { return nil }
        let comparableTitle = title.map(Self.comparable)
        for index in (headline + 1)..<body where !tree.nodes[index].isText && !removed[index] {
            let name = tree.name(index)
            guard Self.standfirstElements.contains(name), letters[index] >= 30, linkDensity(index) < 0.3 else { continue }
            if Self.comparable(tree.text(of: index)) == comparableTitle { continue }
            let hinted = hints[index]?.isStandfirst == true
            let underHeadline = name == "p" && tree.nodes[index].parent == tree.nodes[headline].parent
            if hinted || underHeadline { return index }
        }
        return nil
    }

    // MARK: Cleaning

    private static let dataTableParts: Set<String> = ["th", "thead", "caption"]

    private static let readAlso = [
        "lire aussi", "à lire aussi", "a lire aussi", "lire également", "voir aussi", "read more", "read also",
        "related:", "see also", "lea también", "lee también", "leer más", "te puede interesar", "mehr zum thema",
        "lesen sie auch", "auch interessant", "siehe auch", "weiterlesen",
    ]

    /// Inside the article: drops the headline's copies, headings that are links or furniture, paragraphs
    /// that point elsewhere ("Lire aussi : …"), and blocks that look like lists of links, ads or forms
    /// (readability's conditional cleaning); data tables, code and figures stay.
    private mutating func cleanInside(_ roots: [Int], title: String?) {
        let comparableTitle = title.map(Self.comparable)
        for root in roots {
            for index in tree.subtree(root) where !removed[index] && !tree.nodes[index].isText && index != root {
                if shouldDrop(index, comparableTitle: comparableTitle) { setAside(index) }
            }
        }
    }

    /// What comes before the headline in the block that holds it (a rubric, a tag, breadcrumbs) is not
    /// the article.
    private mutating func dropBeforeHeadline(_ headline: Int, in roots: [Int]) {
        let chain = Set(ancestors(headline))
        for root in roots where root == headline || chain.contains(root) {
            for index in tree.subtree(root) where index < headline && !chain.contains(index) { removed[index] = true }
        }
    }

    /// Sets a node aside with everything inside it.
    private mutating func setAside(_ index: Int) {
        for node in tree.subtree(index) { removed[node] = true }
    }

    private func shouldDrop(_ index: Int, comparableTitle: String?) -> Bool {
        let weight = hints[index]?.weight ?? 0
        switch tree.name(index) {
        case "h1", "h2", "h3", "h4", "h5", "h6":
            if let comparableTitle, Self.comparable(tree.text(of: index)) == comparableTitle { return true }
            return weight < 0 || linkDensity(index) > 0.5
        case "p":
            guard linkDensity(index) >= 0.5 else { return false }
            let start = TextCleaning.collapsingWhitespace(tree.text(of: index)).lowercased()
            return Self.readAlso.contains { start.hasPrefix($0) }
        case "table":
            let isData = tree.subtree(index).contains { Self.dataTableParts.contains(tree.name($0)) }
            return !isData && isClutter(index, weight: weight)
        case "ul", "ol", "div", "section", "dl", "figure", "center":
            return isClutter(index, weight: weight)
        default:
            return false
        }
    }

    /// readability's test of a block that is not prose: mostly links, images without text, form fields,
    /// more list items than paragraphs, or too little text.
    private func isClutter(_ index: Int, weight: Double) -> Bool {
        if weight + (scores[index] ?? 0) < 0 { return true }
        if commas[index] >= 10 { return false }
        var paragraphs = 0
        var images = 0
        var listItems = -100
        var inputs = 0
        var embeds = 0
        var code = false
        for descendant in tree.subtree(index) where !removed[descendant] {
            switch tree.name(descendant) {
            case "p": paragraphs += 1
            case "img": images += 1
            case "li": listItems += 1
            case "input", "select", "textarea", "button": inputs += 1
            case "embed", "object", "iframe": embeds += 1
            case "pre", "code": code = true
            default: break
            }
        }
        if code { return false }
        let name = tree.name(index)
        let isFigure = name == "figure" || tree.subtree(index).contains { tree.name($0) == "figcaption" }
        let isList = name == "ul" || name == "ol"
        let density = linkDensity(index)
        let length = letters[index]
        if images > 1 && Double(paragraphs) / Double(images) < 0.5 && !isFigure { return true }
        if !isList && listItems > paragraphs { return true }
        if inputs > paragraphs / 3 { return true }
        if !isList && !isFigure && length < 25 && (images == 0 || images > 2) { return true }
        if isList { return density > 0.5 }
        if weight < 25 && density > 0.2 { return true }
        if weight >= 25 && density > 0.5 { return true }
        if (embeds == 1 && length < 75) || embeds > 1 { return true }
        return false
    }
}
