import FeedArticle
import FeedModel

/// `feedctl extract`: an article as a page of text, its content rendered as `feedctl show` renders an
/// item's.
public enum ArticleRendering {
    public static func render(_ article: Article, width: Int?) -> String {
        var lines: [String] = []
        if let title = article.title { lines += [TerminalSafe.text(title), ""] }
        if let byline = article.byline { lines += ["By:         " + TerminalSafe.text(byline), ""] }
        lines += ItemPage.contentLines(article.html, width: width)
        return lines.joined(separator: "\n").trimmingCharacters(in: .newlines) + "\n"
    }
}
