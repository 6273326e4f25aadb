import Foundation

/// What extraction found on a page: the article as clean HTML and as plain text, with its headline and
/// author. `html` holds the standfirst and body (not the headline); `text` starts with the headline.
public struct Article: Sendable, Equatable, Codable {
    public var title: String?
    public var byline: String?
    /// Sanitised: no script, style, iframe, form, event attribute or `javascript:`/`data:` URL; links and
    /// images absolute.
    public var html: String
    /// Blocks separated by a blank line (see `ArticleText`).
    public var text: String
    /// Words of the body, the headline left out.
    public var wordCount: Int

    public init(title: String?, byline: String?, html: String, text: String, wordCount: Int) {
        self.title = title
        self.byline = byline
        self.html = html
        self.text = text
        self.wordCount = wordCount
    }
}

/// Why a page gave no article. The item keeps its feed's content and records this.
public enum ExtractionFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// The page is not HTML (its type, as served or as sniffed).
    case notHTML(String)
    /// Larger than `ArticleExtractor.maxPageBytes`.
    case tooLarge(bytes: Int)
    /// The main text found is too short to be an article: a video, a login wall, an error page.
    case noArticle(words: Int, video: Bool)
    /// libxml2 could not read it at all.
    case unreadable

    public var description: String {
        switch self {
        case .notHTML(let type): return "not an HTML page (\(type))"
        case .tooLarge(let bytes): return "page of \(bytes) bytes, over the \(ArticleExtractor.maxPageBytes) limit"
        case .noArticle(let words, let video):
            return video
                ? "no article: the page is a video with \(words) word(s) of text" : "no article: the main text found has \(words) word(s)"
        case .unreadable: return "the page could not be read as HTML"
        }
    }
}
