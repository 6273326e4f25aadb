import FeedModel
import Foundation
import TestSupport
import Testing

/// The byte writer of the store's files and of `feedctl parse --json`: what it writes is what Foundation's
/// encoder (the store's) and `JSONValue` (feedctl's other JSON) write.
struct JSONWriterTests {
    /// Configured as the store's `StoreCoding.encoder`.
    static let foundation: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()

    /// Strings escaped eight bytes at a time where they can be: every character that needs escaping, at
    /// every offset in a word, next to non-ASCII bytes.
    @Test func stringsAreEscapedAsFoundationEscapesThem() throws {
        var generator = SeededGenerator(seed: 8)
        let pieces = (0..<0x20).map { String(UnicodeScalar(UInt8($0))) } + ["\u{7F}", "\"", "\\", "/", "a", "plain text ", "é", "😀", "\u{80}", "\u{2028}", "~"]
        for _ in 0..<3000 {
            var text = ""
            for _ in 0..<Int(generator.next() % 24) { text += pieces[Int(generator.next() % UInt64(pieces.count))] }
            var json = JSONWriter()
            json.string(text)
            let mine = String(decoding: json.data, as: UTF8.self)
            let foundation = String(decoding: try Self.foundation.encode(text), as: UTF8.self)
            #expect(mine == foundation, "\(Array(text.utf8))")
        }
    }

    @Test func datesAreWrittenAsFoundationWritesThem() throws {
        var generator = SeededGenerator(seed: 3)
        // Whole and fractional seconds from 1500 (Foundation's Julian years included) to 10500.
        for _ in 0..<5000 {
            let seconds = Double(Int64(generator.next() % 320_000_000_000) - 14_000_000_000) + Double(generator.next() % 4) / 4
            let date = Date(timeIntervalSince1970: seconds)
            var json = JSONWriter()
            json.date(date)
            #expect(String(decoding: json.data, as: UTF8.self) == String(decoding: try Self.foundation.encode(date), as: UTF8.self))
        }
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
}
