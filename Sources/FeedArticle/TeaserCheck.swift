import FeedParser

/// `full_text: auto`: whether a feed's text for an item is a teaser that its page would give in full.
public enum TeaserCheck {
    /// Fewer words than this is a teaser: a feed that carries its articles carries more.
    public static let shortWords = 150

    /// Endings and links that announce the rest elsewhere, lower-cased.
    static let continuations = [
        "continue reading", "read more", "read the rest", "keep reading", "lire la suite", "la suite",
        "leer más", "seguir leyendo", "sigue leyendo", "weiterlesen", "mehr lesen", "appeared first on",
    ]

    /// True when there is no text, too little, or text that ends as a teaser does ("[…]", "…", "Continue
    /// reading", "Lire la suite", "Weiterlesen" and the like).
    public static func isTeaser(summary: String?, content: String?) -> Bool {
        let text = HTMLPlainText.text(of: content ?? summary ?? "")
        if ArticleText.wordCount(text) < shortWords { return true }
        let end = String(text.suffix(160)).lowercased()
        if end.hasSuffix("[…]") || end.hasSuffix("[...]") || end.hasSuffix("…") || end.hasSuffix("...") { return true }
        return continuations.contains { end.contains($0) }
    }
}
