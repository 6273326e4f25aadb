/// How the text of an element is written: plain text, escaped HTML or inline XHTML markup, and whether it is
/// base64 encoded first (Atom 0.3 `mode="base64"`).
struct TextConstruct: Equatable {
    enum Kind: Equatable { case text, html, xhtml }

    var kind: Kind
    var isBase64 = false

    /// RSS and the other vocabularies: text that may carry escaped HTML.
    static let html = TextConstruct(kind: .html)

    /// An Atom 1.0 text construct or content element by its `type`: `text`, `html`, `xhtml` or a MIME type
    /// (`text/html`, `application/xhtml+xml`; any other is text). No type is text.
    static func atom10(type: String) -> TextConstruct {
        TextConstruct(kind: kind(ofType: type) ?? .text)
    }

    /// An Atom 0.3 content construct by its `type` (a MIME type, `text/plain` when absent) and `mode`
    /// (`xml` when absent, `escaped` or `base64`). Escaped or base64 XHTML is a string of HTML.
    static func atom03(type: String, mode: String) -> TextConstruct {
        let kind = kind(ofType: type) ?? .text
        switch mode {
        case "escaped": return TextConstruct(kind: kind == .xhtml ? .html : kind)
        case "base64": return TextConstruct(kind: kind == .xhtml ? .html : kind, isBase64: true)
        default: return TextConstruct(kind: kind)
        }
    }

    private static func kind(ofType type: String) -> Kind? {
        switch type {
        case "", "text", "text/plain": return .text
        case "html", "text/html": return .html
        case "xhtml", "application/xhtml+xml": return .xhtml
        default: return nil
        }
    }
}
