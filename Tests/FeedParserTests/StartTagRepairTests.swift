import FeedModel
import Foundation
import Testing

@testable import FeedParser

/// Start tags come out in the form XML requires, so that libxml2 meets no error in them: tested as a table,
/// then through whole documents with a DOCTYPE, whose text libxml2 reads itself.
struct StartTagRepairTests {
    func repaired(_ tag: String, declared: Set<[UInt8]> = []) -> String {
        var repair = StartTagRepair()
        var output: [UInt8] = []
        let bytes = Array(tag.utf8)
        var nameEnd = 1
        while nameEnd < bytes.count, XMLInputRepair.isNameByte(bytes[nameEnd]) { nameEnd += 1 }
        _ = bytes.withUnsafeBufferPointer { repair.write($0, nameEnd: nameEnd, declared: declared, into: &output) }
        return String(decoding: output, as: UTF8.self)
    }

    @Test func wellFormedTagsPassAsTheyAre() {
        for tag in [
            "<p>", "<br/>", "<img src=\"a.png\" alt='x'/>", "<a href=\"?a=1&amp;b=2\" title=\"&#233;&lt;\">",
            "<media:content url=\"u\" medium = \"image\" >", "<x y=\"a>b\">", "<a title='say \"hi\"'>",
        ] {
            #expect(repaired(tag) == tag)
        }
    }

    @Test func malformedAttributesAreRewrittenAsHTMLReadersReadThem() {
        let cases: [(String, String)] = [
            ("<img src=a.png>", "<img src=\"a.png\">"),
            ("<input disabled>", "<input disabled=\"\">"),
            ("<a href=\"?a=1&b=2\">", "<a href=\"?a=1&amp;b=2\">"),
            ("<a title=\"&eacute;t&eacute;\">", "<a title=\"&#233;t&#233;\">"),
            ("<a title=say\"hi\">", "<a title=\"say&quot;hi&quot;\">"),
            ("<a title=\"1 < 2\">", "<a title=\"1 &lt; 2\">"),
            ("<a x=\"1\" x=\"2\">", "<a x=\"1\">"),
            ("<a x=\"1\"y=\"2\">", "<a x=\"1\" y=\"2\">"),
            ("<b&rsquo;plain&eacute;\t>", "<b rsquo=\"\" plain=\"\" eacute=\"\">"),
            ("<img src=a.png/>", "<img src=\"a.png\"/>"),
            ("<a title=\"&#0;&unknown;\">", "<a title=\"&amp;#0;&amp;unknown;\">"),
        ]
        for (tag, expected) in cases { #expect(repaired(tag) == expected, "\(tag)") }
        #expect(repaired("<a title=\"&me;\">", declared: [Array("me".utf8)]) == "<a title=\"&me;\">")
    }

    /// Under a DOCTYPE libxml2 reads the text itself; after an error in a tag it would stop delivering
    /// references (`&amp;` included) for the rest of the document.
    @Test func aDoctypeDocumentKeepsItsTextAfterABrokenTag() throws {
        let document = """
            <!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" "http://my.netscape.com/publish/formats/rss-0.91.dtd">
            <rss version="0.91"><channel><title>Salt &amp; Pepper</title>
            <item><title>One</title><description>see <a href=?p=1&x=2 target=_blank>this</a> &amp; that</description></item>
            <item><title>Fish &amp; Chips</title><description>caf&eacute; &amp; th&eacute;</description></item>
            </channel></rss>
            """
        let feed = try StreamingFeedParser.parse(Data(document.utf8), url: nil)
        #expect(feed.title == "Salt & Pepper")
        #expect(feed.items.map(\.title) == ["One", "Fish & Chips"])
        #expect(feed.items.first?.summary == "see <a href=\"?p=1&amp;x=2\" target=\"_blank\">this</a> & that")
        #expect(feed.items.last?.summary == "café & thé")
        #expect(feed.warnings.contains { $0.contains("start tag(s) with malformed attributes rewritten") })
    }
}
