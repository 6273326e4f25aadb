/// What feedd knows of HTML element names (lower case): which exist, which break the text into blocks and
/// which have no end tag. Shared by the parser's plain-text rules, the renderer and the search snippets.
public enum HTMLElements {
    /// Elements that start a new block of text: removing their tags leaves one space, not none.
    public static let block: Set<String> = [
        "address", "article", "aside", "blockquote", "br", "caption", "dd", "details", "dialog", "div", "dl", "dt",
        "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup",
        "hr", "legend", "li", "main", "menu", "nav", "ol", "p", "pre", "section", "summary", "table", "tbody", "td",
        "tfoot", "th", "thead", "tr", "ul",
    ]

    /// Elements that never have an end tag.
    public static let void: Set<String> = [
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr",
    ]

    /// Elements whose content is not text to read.
    public static let opaque: Set<String> = ["script", "style", "template", "noscript", "iframe", "object", "svg", "math"]

    /// Every element of current HTML, and the obsolete ones feeds still carry (`font`, `center`, `tt`, …).
    public static let known: Set<String> = block.union(void).union(opaque).union([
        "a", "abbr", "acronym", "b", "bdi", "bdo", "big", "blink", "button", "canvas", "center", "cite", "code",
        "colgroup", "data", "datalist", "del", "dfn", "em", "font", "i", "ins", "kbd", "label", "map", "mark",
        "marquee", "meter", "nobr", "optgroup", "option", "output", "picture", "progress", "q", "rp", "rt", "ruby",
        "s", "samp", "select", "slot", "small", "span", "strike", "strong", "sub", "sup", "textarea", "time", "tt",
        "u", "var", "video", "audio",
    ])
}
