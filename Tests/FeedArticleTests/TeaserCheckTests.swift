import FeedArticle
import Testing

struct TeaserCheckTests {
    static let long = String(repeating: "Une phrase complète de l’article, qui se lit jusqu’au bout. ", count: 20)

    @Test func missingOrShortTextIsATeaser() {
        #expect(TeaserCheck.isTeaser(summary: nil, content: nil))
        #expect(TeaserCheck.isTeaser(summary: "<p>Les développeurs ont publié la version 7.2.</p>", content: nil))
    }

    @Test func aTeaserEndingSaysSoWhateverItsLength() {
        for ending in [" […]", " [...]", "…", " <a href=\"x\">Continue reading</a>", " <a>Lire la suite</a>", " Weiterlesen", " Seguir leyendo »",
            "<p>The post <a>X</a> appeared first on <a>Y</a>.</p>"]
        {
            #expect(TeaserCheck.isTeaser(summary: nil, content: "<p>\(Self.long)\(ending)</p>"), "\(ending)")
        }
    }

    @Test func aWholeArticleIsNot() {
        #expect(!TeaserCheck.isTeaser(summary: "Court.", content: "<p>\(Self.long)</p>"))
    }
}
