import FeedModel
import Foundation
import TestSupport
import Testing

struct JSONValueTests {
    /// What `JSONValue` writes for a string, character by character: the rule its byte writer keeps.
    static func reference(_ text: String) -> String {
        var output = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\t": output += "\\t"
            case "\r": output += "\\r"
            case _ where scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar.value == 0x2028 || scalar.value == 0x2029:
                output += String(format: "\\u%04x", scalar.value)
            default: output.unicodeScalars.append(scalar)
            }
        }
        return output + "\""
    }

    /// Every character that needs escaping, at every place in a string, beside the multi-byte characters
    /// whose bytes look like the start of one (é is C3 A9, U+20AC is E2 82 AC, U+0100 is C4 80).
    @Test func stringsAreEscapedByteByByteAsCharacterByCharacter() throws {
        var generator = SeededGenerator(seed: 21)
        let pieces = (0..<0x20).map { String(UnicodeScalar(UInt8($0))) }
            + ["\u{7F}", "\u{80}", "\u{9B}", "\u{9F}", "\u{A0}", "\u{2027}", "\u{2028}", "\u{2029}", "\u{202A}", "\u{20AC}", "\u{100}"]
            + ["\"", "\\", "/", "a", "plain text ", "é", "😀", "🇫🇷", "東京"]
        for _ in 0..<3000 {
            var text = ""
            for _ in 0..<Int(generator.next() % 24) { text += pieces[Int(generator.next() % UInt64(pieces.count))] }
            let written = JSONValue.string(text).serialized(indent: 0)
            #expect(written == Self.reference(text), "\(Array(text.utf8))")
            let decoded = try JSONSerialization.jsonObject(with: Data(written.utf8), options: .fragmentsAllowed) as? String
            #expect(decoded == text)
        }
    }

    @Test func documentsArePrettyPrintedOrCompact() {
        let value = JSONValue.object([("b", .array([.number(1), .number(2.5), .null])), ("a", .object([])), ("c", .bool(true))])
        #expect(value.serialized(indent: 0) == #"{"b":[1,2.5,null],"a":{},"c":true}"#)
        #expect(value.serialized() == "{\n  \"b\": [\n    1,\n    2.5,\n    null\n  ],\n  \"a\": {},\n  \"c\": true\n}")
        #expect(value.serializedBytes(indent: 0) == Array(value.serialized(indent: 0).utf8))
    }
}
