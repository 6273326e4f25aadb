import FeedArticle
import FeedParser
import Foundation
import Testing

/// A page's charset: BOM, then HTTP header, then `<meta>` however late in the head, then the bytes.
struct PageEncodingTests {
    /// "Größe – 5 €" in windows-1252.
    static let latin: [UInt8] = [0x47, 0x72, 0xF6, 0xDF, 0x65, 0x20, 0x96, 0x20, 0x35, 0x20, 0x80]

    static func page(head: String, text: [UInt8]) -> [UInt8] {
        Array("<html><head>\(head)</head><body><p>".utf8) + text + Array("</p></body></html>".utf8)
    }

    static func decoded(_ bytes: [UInt8], contentType: String? = nil) -> String {
        String(decoding: HTMLPageText.utf8(bytes, contentType: contentType).text, as: UTF8.self)
    }

    @Test func lateMetaCharsetIsHonoured() {
        let padding = "<style>" + String(repeating: "body { margin: 0 } ", count: 100) + "</style>"
        let bytes = Self.page(head: padding + "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1252\">", text: Self.latin)
        #expect(bytes.firstRange(of: Array("charset".utf8))!.lowerBound > 1024)
        #expect(Self.decoded(bytes).contains("Größe – 5 €"))
        #expect(HTMLPageText.utf8(bytes, contentType: nil).encoding == "windows-1252")
    }

    @Test func metaCharsetAttributeAndItsSpellings() {
        for head in ["<meta charset=windows-1252>", "<META CHARSET='ISO-8859-1'>", "<meta name=x charset=\"latin1\" >"] {
            #expect(Self.decoded(Self.page(head: head, text: Self.latin)).contains("Größe – 5 €"), "\(head)")
        }
    }

    @Test func theHTTPHeaderWinsOverMetaAndTheBOMOverBoth() {
        let utf8 = Array("Größe – 5 €".utf8)
        let lying = Self.page(head: "<meta charset=windows-1252>", text: utf8)
        #expect(Self.decoded(lying, contentType: "text/html; charset=utf-8").contains("Größe – 5 €"))
        let bom = [0xEF, 0xBB, 0xBF] + lying
        #expect(Self.decoded(bom, contentType: "text/html; charset=windows-1252").contains("Größe – 5 €"))
    }

    @Test func commentedOutMetaAndMetaInTheBodyAreIgnored() {
        let utf8 = Array("Größe – 5 €".utf8)
        #expect(Self.decoded(Self.page(head: "<!-- <meta charset=windows-1252> -->", text: utf8)).contains("Größe – 5 €"))
        let inBody = Array("<html><head></head><body><meta charset=windows-1252><p>".utf8) + utf8 + Array("</p></body></html>".utf8)
        #expect(Self.decoded(inBody).contains("Größe – 5 €"))
    }

    @Test func unlabelledBytesThatAreNotUTF8AreWindows1252() {
        #expect(Self.decoded(Self.page(head: "", text: Self.latin)).contains("Größe – 5 €"))
    }

    @Test func aDeclaredCharsetIsNotAppliedTwice() throws {
        // libxml2 would switch to the page's declared charset on bytes already made UTF-8.
        let padding = String(repeating: "Ein Satz mit Umlauten, der sich wiederholt, über Größe und Maß. ", count: 5)
        let text = Array(padding.utf8)
        let bytes = Self.page(head: "<title>Masse</title><meta charset=windows-1252>", text: Array(String(decoding: text, as: UTF8.self).data(using: .windowsCP1252)!))
        let article = try ArticleExtractor.extract(page: bytes, contentType: nil, url: nil).get()
        #expect(article.text.contains("über Größe und Maß"))
    }
}
