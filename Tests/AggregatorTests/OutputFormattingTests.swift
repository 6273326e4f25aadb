import Aggregator
import FeedModel
import FeedStore
import Foundation
import TestSupport
import Testing

struct OutputFormattingTests {
    static let hostile = "red\u{1B}[31m bell\u{07} back\u{08} csi\u{9B}2J del\u{7F} osc\u{1B}]52;c;Zm9v\u{07} cr\rend"

    @Test func terminalTextHasNoControlCharacters() {
        let safe = TerminalSafe.text(Self.hostile)
        #expect(!safe.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) })
        #expect(safe == "red [31m bell back csi 2J del osc ]52;c;Zm9v cr end")
    }

    @Test(arguments: [
        ("/tmp/\u{1B}]0;pwned\u{07}.yaml", "/tmp/\\e]0;pwned\\x07.yaml"),
        ("a\nb\rc\td", "a\\nb\\rc\\td"),
        ("\u{9B}2J and \u{7F}", "\\u{9B}2J and \\x7f"),
        ("invoice\u{202E}fdp.exe", "invoice\\u{202E}fdp.exe"),
        ("Élan « vital » 東京 😀", "Élan « vital » 東京 😀"),
    ])
    func namesAreEscapedNotStripped(_ raw: String, _ expected: String) {
        #expect(TerminalSafe.escaped(raw) == expected)
        #expect(TerminalSafe.escaped("line one\nline \u{1B}two", keepingNewlines: true) == "line one\nline \\etwo")
    }

    /// The streaming writer of `feedctl parse --json` writes what `JSONValue` would, byte for byte: the
    /// same indentation, the same escapes (C1, DEL, U+2028/U+2029 included), drained in pieces or not.
    @Test func theJSONWriterIndentsAndEscapesAsJSONValueDoes() {
        var generator = SeededGenerator(seed: 41)
        let keys: [StaticString] = ["title", "items", "é", "a b"]
        // Backspace and form feed aside: the writer gives them JSON's short escapes (`\\b`, `\\f`), as
        // Foundation does, where `JSONValue` writes `\\u0008`.
        let pieces = (0..<0x20).filter { $0 != 0x08 && $0 != 0x0C }.map { String(UnicodeScalar(UInt8($0))) }
            + ["\u{7F}", "\u{80}", "\u{9B}", "\u{9F}", "\u{A0}", "«", "\u{2028}", "\u{2029}", "\u{2027}", "’", "\"", "\\", "/", "plain text", "😀"]
        func value(_ depth: Int, _ json: inout JSONWriter) -> JSONValue {
            switch generator.next() % (depth > 3 ? 4 : 6) {
            case 0:
                json.null()
                return .null
            case 1:
                let flag = generator.next() % 2 == 0
                json.bool(flag)
                return .bool(flag)
            case 2:
                let number = Int(Int32(truncatingIfNeeded: generator.next()))
                json.integer(number)
                return .number(Double(number))
            case 3:
                let text = (0..<Int(generator.next() % 12)).map { _ in pieces[Int(generator.next() % UInt64(pieces.count))] }.joined()
                json.string(text)
                return .string(text)
            case 4:
                var elements: [JSONValue] = []
                json.array(0..<Int(generator.next() % 4)) { json, _ in elements.append(value(depth + 1, &json)) }
                return .array(elements)
            default:
                var members: [(String, JSONValue)] = []
                json.object { json in
                    for _ in 0..<Int(generator.next() % 4) {
                        let key = keys[Int(generator.next() % UInt64(keys.count))]
                        json.key(key)
                        members.append((key.description, value(depth + 1, &json)))
                    }
                }
                return .object(members)
            }
        }
        for round in 0..<2000 {
            var json = JSONWriter(indent: 2, terminalSafe: true)
            let expected = value(0, &json).serialized()
            var written: [UInt8] = []
            if round % 2 == 0 { json.drain { written.append(contentsOf: $0) } }
            #expect(String(decoding: written + json.data, as: UTF8.self) == expected, "round \(round)")
        }
        var json = JSONWriter(indent: 2, terminalSafe: true)
        json.string("\u{8}\u{C}")
        #expect(String(decoding: json.data, as: UTF8.self) == "\"\\b\\f\"")
    }

    @Test func onlyWebAndMailLinksArePrinted() {
        #expect(TerminalSafe.link("https://example.org/a") == "https://example.org/a")
        #expect(TerminalSafe.link("mailto:a@example.org") == "mailto:a@example.org")
        #expect(TerminalSafe.link("javascript:alert(1)") == nil)
        #expect(TerminalSafe.link("data:text/html,hi") == nil)
        #expect(TerminalSafe.link("file:///etc/passwd") == nil)
    }

    @Test func jsonEscapesEveryControlCharacterIncludingC1AndDelete() {
        let json = JSONValue.array([.string(Self.hostile)]).serialized(indent: 0)
        #expect(!json.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) })
        #expect(json.contains("\\u009b2J"))
        #expect(json.contains("\\u007f"))
        let decoded = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String]
        #expect(decoded == [Self.hostile])
    }

    @Test func listLineKeepsEveryByteOfFrenchText() {
        let item = StoredItem(
            identity: "id:1", key: "feed:x|id:1",
            item: ParsedItem(title: "L’été «\u{00A0}chaud\u{00A0}» à Marseille : œuvres", link: "https://x.example/été",
                             published: Date(timeIntervalSince1970: 1_795_000_000)),
            firstSeen: Date(timeIntervalSince1970: 1_795_000_000))
        let line = OutputFormatting.itemsText([ListedItem(entry: IndexEntry(item, feed: "u"), feedNames: ["Blog"], isRead: false)])
        #expect(line == "2026-11-18 11:06  Blog  L’été «\u{00A0}chaud\u{00A0}» à Marseille : œuvres  https://x.example/été\n")
    }
}
