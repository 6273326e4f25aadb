import FeedModel
import Testing

/// White space collapsed for titles, snippets and article text: the String form and the byte form that
/// appends to a buffer give the same text.
struct TextCleaningTests {
    static let cases: [(text: String, collapsed: String)] = [
        ("  Rust\t1.90 \n est   sorti  ", "Rust 1.90 est sorti"),
        ("« Lire\u{A0}la suite »", "« Lire\u{A0}la suite »"),
        ("Ein\u{7}e\u{7F} Zeile", "Eine Zeile"),
        // C1 controls (U+0080–U+009F) go, and a space beside one is still one space.
        ("Próxima\u{85}mente", "Próximamente"),
        ("a \u{85} b", "a b"),
        ("\u{9F} début", "début"),
        ("fin \u{85}", "fin"),
        ("Stra\u{DF}e \u{C2}", "Straße Â"),
        ("", ""),
        (" \n\t ", ""),
    ]

    @Test(arguments: cases.indices)
    func collapsesRunsAndDropsControls(_ position: Int) {
        let (text, collapsed) = Self.cases[position]
        #expect(TextCleaning.collapsingWhitespace(text) == collapsed)
        var bytes = Array("kept:".utf8)
        var source = text
        source.withUTF8 { TextCleaning.appendCollapsingWhitespace($0, to: &bytes) }
        #expect(String(decoding: bytes, as: UTF8.self) == "kept:" + collapsed)
    }
}
