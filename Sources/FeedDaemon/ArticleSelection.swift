import FeedArticle
import FeedCore

/// Which of a fetch's new items get their web page fetched for the full article: none with `full_text:
/// never`; with `auto` those whose feed text is a teaser (`TeaserCheck`); with `always` all; in each case
/// only items with a web link and no article kept yet, the newest `limit` of them.
public enum ArticleSelection {
    public static func choose(_ added: [StoredItem], policy: FullTextPolicy, hasArticle: (String) -> Bool) -> [StoredItem] {
        guard policy.mode != .never else { return [] }
        let newestFirst = added.sorted { StoredItem.newestFirst($0, $1) }
        var chosen: [StoredItem] = []
        for item in newestFirst where chosen.count < policy.limit {
            guard let link = item.link?.lowercased(), link.hasPrefix("http://") || link.hasPrefix("https://") else { continue }
            if policy.mode == .auto && !TeaserCheck.isTeaser(summary: item.summary, content: item.content) { continue }
            if hasArticle(item.id) { continue }
            chosen.append(item)
        }
        return chosen
    }
}
