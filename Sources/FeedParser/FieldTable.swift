/// Which element fills which field, and which wins when several are present: the lower rank wins;
/// values of equal rank accumulate for the list fields (authors) or keep the first (single fields).
///
/// | field      | rank 0                                            | rank 1                          | rank 2–4 |
/// |------------|---------------------------------------------------|---------------------------------|----------|
/// | title      | `title` (RSS, Atom)                               | `dc:title`                      | `media:title` |
/// | link       | `link` (RSS), Atom `link rel="alternate"`         | `atom:link rel="alternate"` in RSS | `guid isPermaLink`, `rdf:about` |
/// | id         | `guid`, Atom `id`                                 | `dc:identifier`                 | `rdf:about` |
/// | published  | `pubDate`, Atom `published`, Atom 0.3 `issued`    | `dc:date`, `dcterms:issued`     | `dcterms:created`, Atom `updated`/`modified` |
/// | updated    | Atom `updated`, Atom 0.3 `modified`               | `dcterms:modified`              | |
/// | authors    | `dc:creator`, `author` (RSS), Atom `author/name`  | `itunes:author`                 | |
/// | summary    | `description`, Atom `summary`                     | `dc:description`                | `itunes:summary`, `itunes:subtitle`, `media:description` |
/// | content    | `content:encoded`, Atom `content`                 |                                 | |
///
/// Categories (`category`, Atom `category@term`, `dc:subject`, `media:category`, `itunes:category@text`
/// and the ones nested in it) and enclosures (`enclosure`,
/// Atom `link rel="enclosure"`, `media:content`) are all kept, without duplicates. Podcast and media
/// fields: `itunes:duration`, `itunes:explicit`, `itunes:image`, and the first `media:thumbnail`
/// (in the item, its `media:group` or a `media:content`).
///
/// Channel: `title`; `link` (RSS) or Atom `link rel="alternate"`; `description`, Atom `subtitle`/`tagline`;
/// `language`, `dc:language`, else `xml:lang` on the root; `lastBuildDate`, Atom `updated`, `dc:date`, else
/// `pubDate`; image from `image/url`, `itunes:image`, Atom `logo`, else `icon`; polling hints from `ttl`,
/// `sy:updatePeriod`, `sy:updateFrequency`, `skipHours/hour`, `skipDays/day`.
enum ItemField {
    case title, id, published, updated, author, summary, content, category, link, duration, explicit
}

struct FieldRule {
    var field: ItemField
    var rank: Int
}

enum FieldTable {
    /// Text-valued children of an item or entry.
    static func itemRule(_ vocabulary: Vocabulary, _ local: String) -> FieldRule? {
        switch (vocabulary, local) {
        case (.none, "title"), (.rss10, "title"), (.rss090, "title"),
            (.atom10, "title"), (.atom03, "title"):
            return FieldRule(field: .title, rank: 0)
        case (.dublinCore, "title"): return FieldRule(field: .title, rank: 1)
        case (.media, "title"): return FieldRule(field: .title, rank: 2)

        case (.none, "link"), (.rss10, "link"), (.rss090, "link"):
            return FieldRule(field: .link, rank: 0)

        case (.none, "guid"), (.atom10, "id"), (.atom03, "id"):
            return FieldRule(field: .id, rank: 0)
        case (.dublinCore, "identifier"): return FieldRule(field: .id, rank: 1)

        case (.none, "pubDate"), (.atom10, "published"), (.atom03, "issued"):
            return FieldRule(field: .published, rank: 0)
        case (.dublinCore, "date"), (.dublinCoreTerms, "issued"):
            return FieldRule(field: .published, rank: 1)
        case (.dublinCoreTerms, "created"): return FieldRule(field: .published, rank: 2)

        case (.atom10, "updated"), (.atom03, "modified"):
            return FieldRule(field: .updated, rank: 0)
        case (.dublinCoreTerms, "modified"): return FieldRule(field: .updated, rank: 1)

        case (.dublinCore, "creator"), (.none, "author"):
            return FieldRule(field: .author, rank: 0)
        case (.itunes, "author"): return FieldRule(field: .author, rank: 1)

        case (.none, "description"), (.rss10, "description"), (.rss090, "description"),
            (.atom10, "summary"), (.atom03, "summary"):
            return FieldRule(field: .summary, rank: 0)
        case (.dublinCore, "description"): return FieldRule(field: .summary, rank: 1)
        case (.itunes, "summary"): return FieldRule(field: .summary, rank: 2)
        case (.itunes, "subtitle"): return FieldRule(field: .summary, rank: 3)
        case (.media, "description"): return FieldRule(field: .summary, rank: 4)

        case (.content, "encoded"), (.atom10, "content"), (.atom03, "content"):
            return FieldRule(field: .content, rank: 0)

        case (.none, "category"), (.dublinCore, "subject"), (.media, "category"):
            return FieldRule(field: .category, rank: 0)
        case (.itunes, "duration"): return FieldRule(field: .duration, rank: 0)
        case (.itunes, "explicit"): return FieldRule(field: .explicit, rank: 0)
        default:
            return nil
        }
    }
}
