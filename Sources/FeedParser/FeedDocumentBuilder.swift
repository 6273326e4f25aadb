import FeedModel
import Foundation

/// Builds a `ParsedFeed` from SAX events: recognises the format at the root element, then fills channel and
/// item fields by `FieldTable`, resolving links against `xml:base` and the feed's own URL.
final class FeedDocumentBuilder: SAXParserDelegate {
    /// Text being collected for one field, with nested markup serialised back to HTML.
    private struct Capture {
        enum Target { case item(FieldRule), channel(ChannelField, rank: Int), atomAuthorName }
        var target: Target
        var depth: Int
        var base: URL?
        /// The `xml:base` in scope, if any (`base` falls back to the feed's URL).
        var xmlBase: URL?
        /// How the text is written (Atom `type` and 0.3 `mode`).
        var construct: TextConstruct
        /// The depth of the `div` that wraps XHTML content, which is not part of it.
        var xhtmlWrapperDepth: Int?
        /// An RSS `author` written as elements: whether it has any, and where the text of its `name` lies.
        var hasChildElements = false
        var nameStart: Int?
        var nameEnd: Int?

        var isAuthor: Bool {
            if case .item(let rule) = target { rule.field == .author } else { false }
        }
        var isPermaLink = true
    }

    enum ChannelField { case title, link, description, language, updated, image, ttl, updatePeriod, updateFrequency, skipHour, skipDay }

    private let feedURL: URL?
    /// The feed's URL when it is an http(s) one.
    private let webFeedURL: URL?
    /// The channel's link (the site's page), once read.
    private var siteURL: URL?
    private(set) var format: FeedFormat?
    private(set) var rootName: ElementName?
    /// The open elements, outermost first.
    private var stack: [ElementName] = []
    /// The `xml:base` URLs in scope, with the depth of the element that set each.
    private var bases: [(depth: Int, url: URL?)] = []
    private var capture: Capture?
    // The text of the capture in progress lives outside `Capture` so that each SAX event appends in place
    // (no copy-out, copy-back of the struct); the buffer is reused from field to field.
    private var captureBytes: [UInt8] = []
    private var captureTruncated = false
    /// Whether every byte of the capture came from validated text or from feedd's own strings: its string is
    /// then made without a second validation.
    private var captureIsValidated = true
    /// Atom `type="xhtml"` (or 0.3 `mode="xml"`): the children are markup, re-escaped as they are written.
    private var captureIsMarkup = false
    private var item: ItemBuilder?
    private var itemDepth = 0
    private var inAtomAuthor = false
    /// The Atom feed's own authors, which its entries without one inherit.
    private var feedAuthors: [String] = []

    private(set) var feed = ParsedFeed(format: .rss20)
    private var channelRanks: [ChannelField: Int] = [:]
    private var truncatedFields = 0
    private var truncatedShortFields = 0
    /// How many bytes the capture in progress may hold (`ParserLimits`).
    private var captureLimit = ParserLimits.maxFieldBytes
    private var droppedLinks = 0
    private var originCache: (base: URL, origin: String?)?

    init(feedURL: URL?) {
        self.feedURL = feedURL
        webFeedURL = feedURL.flatMap { ["http", "https"].contains($0.scheme?.lowercased()) ? $0 : nil }
    }

    /// Warnings from the builder itself (the XML layer adds its own).
    var warnings: [String] {
        var result: [String] = []
        if truncatedFields > 0 {
            result.append("\(truncatedFields) field(s) longer than \(ParserLimits.maxFieldBytes >> 20) MiB were cut")
        }
        if truncatedShortFields > 0 {
            result.append(
                "\(truncatedShortFields) title, link, author or other short field(s) longer than "
                    + "\(ParserLimits.maxShortFieldBytes >> 10) KiB were cut")
        }
        if droppedLinks > 0 { result.append("\(droppedLinks) link(s) with a scheme other than http, https or mailto dropped") }
        return result
    }

    /// Whether an item was open when the document ended (a truncated feed).
    var hasOpenItem: Bool { item != nil }

    // MARK: - SAXParserDelegate

    /// The base for relative links at this point of the document: the `xml:base` in scope, else the feed's
    /// URL, except that a `file:` feed's links resolve against the site link it gives.
    private var base: URL? { bases.last?.url ?? webFeedURL ?? siteURL ?? feedURL }

    func startElement(_ name: ElementName, attributes: SAXAttributes) {
        if let xmlBase = attributes.xmlBase {
            let parentBase = base
            bases.append((stack.count + 1, URL(string: xmlBase, relativeTo: parentBase)?.absoluteURL ?? parentBase))
        }
        let parent = stack.last
        stack.append(name)

        if let current = capture {
            if captureIsMarkup, current.xhtmlWrapperDepth == nil, stack.count == current.depth + 1,
                name.local == "div", name.namespace == Namespace.xhtml,
                captureBytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 })
            {
                capture?.xhtmlWrapperDepth = stack.count
                return
            }
            if current.isAuthor, stack.count == current.depth + 1 {
                capture?.hasChildElements = true
                if name.local == "name", current.nameStart == nil {
                    capture?.nameStart = captureBytes.count
                    return
                }
                // Without a name, the children's texts are words of their own.
                appendText(" ")
            }
            appendStartTag(name, attributes: attributes)
            return
        }
        if stack.count == 1 {
            recogniseRoot(name, attributes: attributes)
            return
        }
        guard format != nil else { return }

        if isItemElement(name) {
            item = ItemBuilder()
            itemDepth = stack.count
            if let about = attributes.value("about", namespace: Namespace.rdf) {
                item?.offer(.id, rank: 2, about)
                item?.offerLink(resolve(about, base: base), rank: 3)
            }
            return
        }
        if item != nil {
            startItemChild(name, parent: parent, attributes: attributes)
        } else if let parent, isChannelElement(parent) {
            startChannelChild(name, attributes: attributes)
        } else if let parent, stack.count >= 3, isChannelElement(stack[stack.count - 3]) {
            startChannelGrandchild(name, parent: parent)
        }
    }

    func endElement(_ name: ElementName) {
        defer {
            if let last = bases.last, last.depth == stack.count { bases.removeLast() }
            stack.removeLast()
        }
        if let current = capture {
            if stack.count > current.depth {
                if current.isAuthor, stack.count == current.depth + 1, name.local == "name", current.nameStart != nil,
                    current.nameEnd == nil
                {
                    capture?.nameEnd = captureBytes.count
                } else if stack.count != current.xhtmlWrapperDepth {
                    appendText("</\(name.local)>")
                }
                return
            }
            capture = nil
            finishCapture(current)
            return
        }
        if inAtomAuthor, name.local == "author", name.vocabulary.isAtom { inAtomAuthor = false }
        if stack.count == itemDepth, let finished = item.take() {
            var built = finished.build(fallbackBase: webFeedURL ?? siteURL)
            // An Atom entry without an author has the feed's (RFC 4287, 4.2.1).
            if built.authors.isEmpty { built.authors = feedAuthors }
            feed.items.append(built)
        }
    }

    func characters(_ text: UnsafeBufferPointer<UInt8>, isValidated: Bool) {
        // After a cut, nothing more: the field keeps a clean start of the text.
        guard capture != nil, !captureTruncated else { return }
        // Markup is written escaped: `&lt;` for `<` and so on.
        let escaping = captureIsMarkup ? text.reduce(0) { $0 + Self.escapedExtra($1) } : 0
        if captureBytes.count + text.count + escaping > captureLimit {
            // Dropped whole: what was kept is still made of whole characters.
            cutCapture()
        } else if captureIsMarkup {
            for byte in text {
                switch byte {
                case UInt8(ascii: "<"): captureBytes.append(contentsOf: "&lt;".utf8)
                case UInt8(ascii: ">"): captureBytes.append(contentsOf: "&gt;".utf8)
                case UInt8(ascii: "&"): captureBytes.append(contentsOf: "&amp;".utf8)
                default: captureBytes.append(byte)
                }
            }
        } else {
            captureBytes.append(contentsOf: text)
        }
        if !isValidated { captureIsValidated = false }
    }

    // MARK: - Structure

    private func recogniseRoot(_ name: ElementName, attributes: SAXAttributes) {
        rootName = name
        switch (name.vocabulary, name.local) {
        case (.none, "rss"):
            let version = attributes.value("version") ?? ""
            format = version.hasPrefix("0.9") ? .rss09x : .rss20
        case (.rdf, "RDF"):
            format = .rss10
        case (.atom10, "feed"):
            format = .atom10
        case (.atom03, "feed"):
            format = .atom03
        default:
            return
        }
        feed.format = format ?? .rss20
        if let language = attributes.value("lang", namespace: Namespace.xml) {
            offerChannel(.language, rank: 1, language)
        }
    }

    private func isItemElement(_ name: ElementName) -> Bool {
        guard item == nil else { return false }
        switch name.local {
        case "item": return name.vocabulary.isRSS
        case "entry": return name.vocabulary.isAtom
        default: return false
        }
    }

    private func isChannelElement(_ name: ElementName) -> Bool {
        switch name.local {
        case "channel":
            if name.vocabulary == .rss090 { format = .rss09x; feed.format = .rss09x }
            return name.vocabulary.isRSS
        case "feed": return name.vocabulary.isAtom
        default: return false
        }
    }

    private func startItemChild(_ name: ElementName, parent: ElementName?, attributes: SAXAttributes) {
        let parentIsItem = stack.count - 1 == itemDepth
        let parentIsMediaGroup = parent?.vocabulary == .media && parent?.local == "group"
        let parentIsAtomAuthor = inAtomAuthor && parent?.local == "author"

        if parentIsAtomAuthor, name.local == "name" {
            beginCapture(.atomAuthorName, attributes: attributes)
            return
        }
        // Enclosures and media.
        switch (name.vocabulary, name.local) {
        case (.media, "thumbnail"):
            item?.offerThumbnail(attributes.value("url").flatMap { resolve($0, base: base) })
            return
        case (.itunes, "image"):
            item?.offerImage(attributes.value("href").flatMap { resolve($0, base: base) })
            return
        case (.itunes, "category"):
            // Also the subcategory nested in a category.
            if let text = attributes.value("text") { item?.addCategory(PlainText.fromText(text)) }
            return
        case (.none, "enclosure"):
            if let url = attributes.value("url") {
                item?.addEnclosure(resolve(url, base: base), type: attributes.value("type"), length: attributes.value("length"))
            }
            return
        case (.media, "content"):
            if let url = attributes.value("url") {
                item?.addEnclosure(resolve(url, base: base), type: attributes.value("type"), length: attributes.value("fileSize"))
            }
            return
        default: break
        }
        guard parentIsItem || parentIsMediaGroup else { return }

        if name.vocabulary.isAtom {
            switch name.local {
            case "link":
                atomLink(attributes: attributes, inItem: true)
                return
            case "author":
                inAtomAuthor = true
                return
            case "category":
                if let term = attributes.value("term") ?? attributes.value("label") { item?.addCategory(term) }
                return
            default: break
            }
        }
        guard let rule = name.itemRule else { return }
        if rule.field == .link, let linkRank = item?.linkRank, linkRank <= rule.rank { return }
        beginCapture(.item(rule), attributes: attributes)
        if rule.field == .id, name.local == "guid", let permaLink = attributes.value("isPermaLink") {
            capture?.isPermaLink = permaLink.lowercased() != "false"
        }
    }

    private func startChannelChild(_ name: ElementName, attributes: SAXAttributes) {
        let field: (ChannelField, Int)?
        switch (name.vocabulary, name.local) {
        case (let vocabulary, "title") where vocabulary.isRSS || vocabulary.isAtom: field = (.title, 0)
        case (let vocabulary, "link") where vocabulary.isRSS: field = (.link, 0)
        case (let vocabulary, "link") where vocabulary.isAtom:
            atomLink(attributes: attributes, inItem: false)
            field = nil
        case (let vocabulary, "description") where vocabulary.isRSS: field = (.description, 0)
        case (.atom10, "subtitle"), (.atom03, "tagline"): field = (.description, 0)
        case (.none, "language"), (.dublinCore, "language"): field = (.language, 0)
        case (.none, "lastBuildDate"), (.atom10, "updated"), (.atom03, "modified"), (.dublinCore, "date"):
            field = (.updated, 0)
        case (.none, "pubDate"): field = (.updated, 1)
        case (.atom10, "logo"): field = (.image, 1)
        case (.atom10, "icon"): field = (.image, 2)
        case (.itunes, "image"):
            offerChannel(.image, rank: 1, attributes.value("href").flatMap { resolve($0, base: base) })
            field = nil
        case (.none, "ttl"): field = (.ttl, 0)
        case (.syndication, "updatePeriod"): field = (.updatePeriod, 0)
        case (.syndication, "updateFrequency"): field = (.updateFrequency, 0)
        default: field = nil
        }
        guard let (channelField, rank) = field, (channelRanks[channelField] ?? Int.max) > rank else { return }
        beginCapture(.channel(channelField, rank: rank), attributes: attributes)
    }

    /// Elements two levels below the channel: `image/url`, `skipHours/hour`, `skipDays/day`.
    private func startChannelGrandchild(_ name: ElementName, parent: ElementName) {
        if name.vocabulary.isAtom, parent.vocabulary.isAtom, parent.local == "author", name.local == "name" {
            beginCapture(.atomAuthorName, attributes: SAXAttributes.none)
            return
        }
        guard name.vocabulary.isRSS, parent.vocabulary.isRSS else { return }
        let field: ChannelField
        switch (parent.local, name.local) {
        case ("image", "url"): field = .image
        case ("skipHours", "hour"): field = .skipHour
        case ("skipDays", "day"): field = .skipDay
        default: return
        }
        beginCapture(.channel(field, rank: 0), attributes: SAXAttributes.none)
    }

    /// Atom `link`: `rel="alternate"` (or no rel) is the page, `rel="enclosure"` a media file.
    private func atomLink(attributes: SAXAttributes, inItem: Bool) {
        guard let href = attributes.value("href") else { return }
        let rel = attributes.value("rel") ?? "alternate"
        let type = attributes.value("type")
        switch rel {
        case "alternate":
            let isHTML = type == nil || type == "text/html" || type == "application/xhtml+xml"
            if inItem {
                let foreign = format == .rss20 || format == .rss09x || format == .rss10
                item?.offerLink(resolve(href, base: base), rank: foreign ? 1 : (isHTML ? 0 : 1))
            } else {
                offerChannel(.link, rank: isHTML ? 0 : 1, resolve(href, base: base))
            }
        case "enclosure" where inItem:
            item?.addEnclosure(resolve(href, base: base), type: type, length: attributes.value("length"))
        default:
            break
        }
    }

    // MARK: - Capture

    private func beginCapture(_ target: Capture.Target, attributes: SAXAttributes) {
        let construct: TextConstruct
        let attribute = { (name: StaticString) in attributes.isEmpty ? "" : (attributes.value(name) ?? "").lowercased() }
        switch (format, stack.last?.vocabulary) {
        case (.atom10, .atom10?): construct = .atom10(type: attribute("type"))
        case (.atom03, .atom03?): construct = .atom03(type: attribute("type"), mode: attribute("mode"))
        // Media RSS says `type="plain"` or `"html"`.
        case (_, .media?) where attribute("type") == "plain": construct = TextConstruct(kind: .text)
        default: construct = .html
        }
        capture = Capture(target: target, depth: stack.count, base: base, xmlBase: bases.last?.url, construct: construct)
        captureIsMarkup = construct.kind == .xhtml && !construct.isBase64
        captureBytes.removeAll(keepingCapacity: true)
        captureTruncated = false
        captureIsValidated = true
        switch target {
        case .item(let rule) where rule.field == .summary || rule.field == .content: captureLimit = ParserLimits.maxFieldBytes
        case .channel(.description, _): captureLimit = ParserLimits.maxFieldBytes
        default: captureLimit = ParserLimits.maxShortFieldBytes
        }
    }

    private func appendStartTag(_ name: ElementName, attributes: SAXAttributes) {
        var tag = "<" + name.local
        for (attribute, value) in attributes.all() {
            tag += " \(attribute)=\"" + value.replacingOccurrences(of: "&", with: "&amp;")
                .replacingOccurrences(of: "\"", with: "&quot;") + "\""
        }
        appendText(tag + ">")
    }

    private func appendText(_ text: String) {
        guard !captureTruncated else { return }
        guard captureBytes.count + text.utf8.count <= captureLimit else {
            cutCapture()
            return
        }
        captureBytes.append(contentsOf: text.utf8)
    }

    /// Ends the capture's text here (what follows is dropped) and counts the cut field once.
    private func cutCapture() {
        guard !captureTruncated else { return }
        captureTruncated = true
        if captureLimit == ParserLimits.maxFieldBytes { truncatedFields += 1 } else { truncatedShortFields += 1 }
    }

    private static func escapedExtra(_ byte: UInt8) -> Int {
        switch byte {
        case UInt8(ascii: "<"), UInt8(ascii: ">"): return 3
        case UInt8(ascii: "&"): return 4
        default: return 0
        }
    }

    private func finishCapture(_ finished: Capture) {
        var raw = Self.trimmedText(captureBytes, isValidated: captureIsValidated)
        if finished.construct.isBase64 {
            raw = Data(base64Encoded: raw, options: .ignoreUnknownCharacters).map { String(decoding: $0, as: UTF8.self) } ?? ""
        }
        /// The text of a title, a name or a category by the text rules.
        func plainText() -> String {
            switch finished.construct.kind {
            case .text: PlainText.fromText(raw)
            case .html: PlainText.fromHTML(raw)
            case .xhtml: PlainText.fromXHTML(raw)
            }
        }
        switch finished.target {
        case .atomAuthorName:
            let name = PlainText.fromText(raw)
            if item != nil {
                item?.offer(.author, rank: 0, name)
            } else if !name.isEmpty, !feedAuthors.contains(name) {
                feedAuthors.append(name)
            }
        case .channel(let field, let rank):
            let text = PlainText.collapsingWhitespace(raw)
            switch field {
            case .title: offerChannel(.title, rank: rank, plainText())
            case .link, .image: offerChannel(field, rank: rank, resolve(text, base: finished.base))
            case .description, .language, .updated: offerChannel(field, rank: rank, text)
            case .ttl: feed.hints.ttlMinutes = Int(text)
            case .updatePeriod: feed.hints.updatePeriod = text.isEmpty ? nil : text
            case .updateFrequency: feed.hints.updateFrequency = Int(text)
            case .skipHour:
                if let hour = Int(text), (0...24).contains(hour), !feed.hints.skipHours.contains(hour % 24) {
                    feed.hints.skipHours.append(hour % 24)
                }
            case .skipDay:
                if !text.isEmpty, !feed.hints.skipDays.contains(text) { feed.hints.skipDays.append(text) }
            }
        case .item(let rule):
            switch rule.field {
            case .title:
                item?.offer(.title, rank: rule.rank, plainText())
            case .link:
                item?.offerLink(resolve(PlainText.collapsingWhitespace(raw), base: finished.base), rank: rule.rank)
            case .id:
                let id = raw
                item?.offer(.id, rank: rule.rank, id)
                if finished.isPermaLink, id.hasPrefix("http://") || id.hasPrefix("https://") {
                    item?.offerLink(resolve(id, base: finished.base), rank: 2)
                }
            case .author:
                let name: String
                if let start = finished.nameStart {
                    let end = max(start, finished.nameEnd ?? captureBytes.count)
                    name = PlainText.fromHTML(Self.trimmedText(Array(captureBytes[start..<end]), isValidated: captureIsValidated))
                } else if finished.hasChildElements {
                    name = PlainText.fromXHTML(raw)
                } else {
                    name = plainText()
                }
                item?.offer(.author, rank: rule.rank, Self.authorName(name))
            case .category:
                item?.addCategory(plainText())
            case .summary, .content:
                let html = finished.construct.kind == .text ? Self.escapeHTML(raw) : raw
                item?.offerBody(rule.field, rank: rule.rank, html, xmlBase: finished.xmlBase)
            case .published, .updated:
                item?.offerDate(rule.field, rank: rule.rank, raw)
            case .duration:
                item?.offerDuration(raw)
            case .explicit:
                item?.offerExplicit(raw)
            }
        }
    }

    private func offerChannel(_ field: ChannelField, rank: Int, _ value: String?) {
        guard let value, !value.isEmpty, (channelRanks[field] ?? Int.max) > rank else { return }
        channelRanks[field] = rank
        switch field {
        case .title: feed.title = value
        case .link:
            feed.link = value
            siteURL = URL(string: value)
        case .description: feed.description = value
        case .language: feed.language = value
        case .updated: feed.updated = FeedDate.parse(value)
        case .image: feed.image = value
        case .ttl, .updatePeriod, .updateFrequency, .skipHour, .skipDay: break
        }
    }

    /// Resolves a link against the base in scope and keeps it only for http, https and mailto.
    private func resolve(_ link: String, base: URL?) -> String? {
        let trimmed = PlainText.trimmingASCIIWhitespace(link)
        guard !trimmed.isEmpty else { return nil }
        // Most links are already absolute and plain, or plain paths from the root (`/releases/1`): no need for
        // Foundation's URL parser.
        if Self.isPlainAbsoluteWebLink(trimmed) { return trimmed }
        if trimmed.utf8.first == UInt8(ascii: "/"), trimmed.utf8.dropFirst().first != UInt8(ascii: "/"),
            let origin = origin(of: base)
        {
            let candidate = origin + trimmed
            if Self.isPlainAbsoluteWebLink(candidate) { return candidate }
        }
        guard let absolute = RelativeLinks.absoluteURL(trimmed, base: base), let scheme = absolute.scheme?.lowercased() else {
            // No base to resolve against: keep an already absolute http(s) link only.
            return nil
        }
        guard scheme == "http" || scheme == "https" || scheme == "mailto" else {
            droppedLinks += 1
            return nil
        }
        return absolute.absoluteString
    }

    /// `scheme://host[:port]` of an http(s) base whose host is plain lower-case ASCII and that carries no
    /// user: what a path from the root is appended to. Kept for the last base asked about.
    private func origin(of base: URL?) -> String? {
        guard let base else { return nil }
        if let cached = originCache, cached.base == base { return cached.origin }
        var origin: String?
        if let scheme = base.scheme?.lowercased(), scheme == "http" || scheme == "https", base.user == nil,
            let host = base.host, !host.isEmpty,
            host.utf8.allSatisfy({ (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x2D || $0 == 0x2E })
        {
            origin = scheme + "://" + host + (base.port.map { ":\($0)" } ?? "")
        }
        originCache = (base, origin)
        return origin
    }

    /// The captured bytes as text without leading and trailing ASCII whitespace. Done on the bytes: Foundation's
    /// `trimmingCharacters` walks UTF-16 and was most of the parse time on long contents.
    static func trimmedText(_ bytes: [UInt8], isValidated: Bool) -> String {
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 }
        guard let first = bytes.firstIndex(where: { !isSpace($0) }), let last = bytes.lastIndex(where: { !isSpace($0) })
        else { return "" }
        return bytes.withUnsafeBufferPointer {
            let text = UnsafeBufferPointer(rebasing: $0[first...last])
            return isValidated ? UTF8Text.validatedString(text) : UTF8Text.string(text)
        }
    }

    /// `http://` or `https://` followed only by characters a URL may hold unescaped, with a host, and no
    /// dot segments to normalise: such a link resolves to itself whatever the base.
    static func isPlainAbsoluteWebLink(_ link: String) -> Bool {
        let utf8 = link.utf8
        let prefixLength: Int
        if utf8.starts(with: "https://".utf8) {
            prefixLength = 8
        } else if utf8.starts(with: "http://".utf8) {
            prefixLength = 7
        } else {
            return false
        }
        guard utf8.count > prefixLength else { return false }
        var previous: UInt8 = 0
        for byte in utf8.dropFirst(prefixLength) {
            defer { previous = byte }
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "~"),
                UInt8(ascii: ":"), UInt8(ascii: "/"), UInt8(ascii: "?"), UInt8(ascii: "#"), UInt8(ascii: "@"),
                UInt8(ascii: "!"), UInt8(ascii: "$"), UInt8(ascii: "&"), UInt8(ascii: "'"), UInt8(ascii: "("),
                UInt8(ascii: ")"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: ","), UInt8(ascii: ";"),
                UInt8(ascii: "="), UInt8(ascii: "%"):
                continue
            case UInt8(ascii: "."):
                // "/." may start a dot segment, which URL resolution would rewrite.
                if previous == UInt8(ascii: "/") { return false }
            default:
                return false
            }
        }
        return utf8.dropFirst(prefixLength).first != UInt8(ascii: "/")
    }

    /// RSS `author` is an e-mail address, often with the name: `jane@example.org (Jane Doe)`,
    /// `Jane Doe (jane@example.org)`, `Jane Doe <jane@example.org>`. Keeps the name when one is given.
    static func authorName(_ text: String) -> String {
        for (open, close) in [("(", ")"), ("<", ">")] as [(Character, Character)] where text.last == close {
            guard let openIndex = text.lastIndex(of: open) else { continue }
            let inner = PlainText.trimmingASCIIWhitespace(String(text[text.index(after: openIndex)..<text.index(before: text.endIndex)]))
            let outer = PlainText.trimmingASCIIWhitespace(String(text[..<openIndex]))
            let innerIsAddress = inner.contains("@"), outerIsAddress = outer.contains("@")
            // Some sites quote the name: `nobody@photos.example ("Saanvi K.")`.
            let unquoted = inner.count >= 2 && inner.first == "\"" && inner.last == "\"" ? String(inner.dropFirst().dropLast()) : inner
            if outerIsAddress, !innerIsAddress, !unquoted.isEmpty { return unquoted }
            if innerIsAddress, !outerIsAddress, !outer.isEmpty { return outer }
        }
        return text
    }

    static func escapeHTML(_ text: String) -> String {
        guard text.contains(where: { $0 == "<" || $0 == "&" || $0 == ">" }) else { return text }
        return text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }
}
