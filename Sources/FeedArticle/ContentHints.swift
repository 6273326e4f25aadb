/// What an element's class, id and role say about it, by their words (split at `-`, `_`, spaces and case
/// changes are not split: `sharedaddy` is one word). Words, not substrings: `tag` must not match `stage`.
struct ContentHints {
    /// Words of blocks that are never part of an article, whatever they hold.
    static let boilerplate: Set<String> = [
        "comment", "comments", "commentlist", "respond", "reply", "replies", "disqus", "share", "shares", "sharing",
        "sharedaddy", "social", "socials", "sociallinks", "related", "similar", "recommended", "recommendations",
        "tags", "tag", "tagcloud", "taglist", "tagged", "keywords", "breadcrumb", "breadcrumbs", "newsletter",
        "subscribe", "subscription", "signup", "paywall", "cookie", "cookies", "consent", "gdpr", "banner", "promo",
        "advert", "advertisement", "ad", "ads", "adslot", "adsense", "dfp", "sponsor", "sponsored", "popup", "modal",
        "toc", "pagination", "pager", "skip", "print", "rating", "feedback", "helpful", "author", "bio", "byline",
        "authorbox", "about", "masthead", "menu", "nav", "navbar", "navigation", "sidebar", "widget", "widgets",
        "footer", "pullquote", "readmore", "lireaussi", "also", "mostread", "popular", "trending", "outbrain",
        "taboola", "jp", "sd", "meta", "postmeta", "entrymeta", "date", "dateline", "posted", "toolbar", "actions",
        "hidden", "sr", "visually", "screen", "offscreen", "more", "next", "prev", "previous",
        "login", "signin", "account", "search", "dialog", "overlay", "subnav", "topbar",
        "teasers", "aside", "anzeige", "mehr", "lesen", "leidos", "relacionados",
    ]

    /// Words of blocks that hold an article's text.
    static let article: Set<String> = [
        "article", "articlebody", "body", "content", "entry", "hentry", "main", "post", "text", "story", "blog",
        "prose", "markdown", "rte", "richtext", "single", "page", "cuerpo", "contenido", "inhalt", "texte", "artikel",
    ]

    /// Words of a standfirst (dek, chapô, entradilla, Vorspann, lead).
    static let standfirst: Set<String> = [
        "standfirst", "dek", "deck", "subtitle", "subheading", "subheadline", "chapo", "chapeau", "lede", "lead",
        "intro", "summary", "excerpt", "entradilla", "sumario", "bajada", "vorspann", "description",
    ]

    /// ARIA roles of page furniture.
    static let furnitureRoles: Set<String> = [
        "navigation", "banner", "contentinfo", "complementary", "search", "dialog", "alertdialog", "menu", "menubar",
        "toolbar", "alert",
    ]

    /// Class names of text kept for screen readers only, looked for inside class names.
    static let hiddenTextClasses = ["screen-reader", "sr-only", "visually-hidden", "visuallyhidden", "hidden-text", "offscreen"]

    /// What the words say, read once.
    let isBoilerplate: Bool
    let isArticle: Bool
    let isStandfirst: Bool
    /// The class names are those of text hidden from sight.
    let hidesText: Bool

    init(classAndID: String, classes: String?) {
        var words: Set<String> = []
        var word = ""
        for character in classAndID.lowercased() {
            if character.isLetter || character.isNumber {
                word.append(character)
            } else if !word.isEmpty {
                words.insert(word)
                word = ""
            }
        }
        if !word.isEmpty { words.insert(word) }
        isBoilerplate = !words.isDisjoint(with: Self.boilerplate)
        isArticle = !words.isDisjoint(with: Self.article)
        isStandfirst = !words.isDisjoint(with: Self.standfirst)
        let classes = classes?.lowercased() ?? ""
        hidesText = Self.hiddenTextClasses.contains { classes.contains($0) }
    }

    /// readability's class weight: +25 for an article's words, −25 for boilerplate's.
    var weight: Double { (isArticle ? 25 : 0) - (isBoilerplate ? 25 : 0) }
}
