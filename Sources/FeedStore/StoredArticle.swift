import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// An item's full article as extracted from its web page (`full_text`), kept beside the item in
/// `articles/XX/ID.json`; or why there is none (`failure`), so the feed's content is shown instead.
public struct StoredArticle: Codable, Sendable, Equatable {
    /// The item's id (`StoredItem.id`).
    public var id: String
    /// The page it came from (after redirects).
    public var page: String
    public var fetched: Date
    public var title: String?
    public var byline: String?
    /// Clean HTML (`Article.html`); nil with `failure`.
    public var html: String?
    public var words: Int?
    /// Why the page gave no article: a fetch error, an HTTP status, no article found.
    public var failure: String?

    public init(
        id: String, page: String, fetched: Date, title: String? = nil, byline: String? = nil, html: String? = nil,
        words: Int? = nil, failure: String? = nil
    ) {
        self.id = id
        self.page = page
        self.fetched = fetched
        self.title = title
        self.byline = byline
        self.html = html
        self.words = words
        self.failure = failure
    }
}

extension FeedStore {
    /// The folder of extracted articles.
    public var articlesDirectory: URL { directory.appendingPathComponent("articles", isDirectory: true) }

    /// Where an item's article is kept: under the first two characters of its id. Nil for an id that is
    /// not plain hex (it would name another path).
    func articlePath(id: String) -> String? {
        guard id.count >= 4, id.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }) else { return nil }
        return articlesDirectory.path + "/" + id.prefix(2) + "/" + id + ".json"
    }

    /// The item's stored article or recorded failure, if any. A damaged file counts as none (with a warning).
    public func article(id: String) -> StoredArticle? {
        guard let path = articlePath(id: id), let data = FileManager.default.contents(atPath: path) else { return nil }
        do {
            return try StoreCoding.decoder.decode(StoredArticle.self, from: data)
        } catch {
            warnings.add("\(path): unreadable article, ignored: \(error)")
            return nil
        }
    }

    /// Keeps an item's article (or failure), replacing what was kept; written atomically.
    public func save(_ article: StoredArticle) throws(StoreError) {
        guard let path = articlePath(id: article.id) else { throw .cannotWrite(path: articlesDirectory.path, reason: "bad item id \(article.id)") }
        let folder = (path as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw .cannotCreate(path: folder, reason: error.localizedDescription)
        }
        let data: Data
        do {
            data = try StoreCoding.encoder.encode(article)
        } catch {
            throw .cannotWrite(path: path, reason: "\(error)")
        }
        try AtomicFile.write(data, toPath: path, syncDirectory: false)
        // The file went into its shard's folder: the articles folder's own time says so to change stamps.
        utimensat(AT_FDCWD, articlesDirectory.path, nil, 0)
    }

    /// Deletes the articles of items no longer stored: those not in `keeping` and kept before `before`
    /// (an article saved since may belong to an item the caller's list does not hold yet). Returns how
    /// many were deleted.
    @discardableResult
    public func pruneArticles(keeping: Set<String>, before: Date) -> Int {
        let manager = FileManager.default
        var deleted = 0
        for shard in (try? manager.contentsOfDirectory(atPath: articlesDirectory.path)) ?? [] {
            let folder = articlesDirectory.path + "/" + shard
            for name in (try? manager.contentsOfDirectory(atPath: folder)) ?? [] where name.hasSuffix(".json") {
                let id = String(name.dropLast(5))
                guard !keeping.contains(id) else { continue }
                let path = folder + "/" + name
                guard let modified = (try? manager.attributesOfItem(atPath: path))?[.modificationDate] as? Date, modified < before else { continue }
                if (try? manager.removeItem(atPath: path)) != nil { deleted += 1 }
            }
        }
        return deleted
    }
}
