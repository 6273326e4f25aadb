import Foundation

/// A JSON document with object keys kept in the order they were written, for output people read and diff.
///
/// Foundation's encoders sort or scramble keys and, on Linux, write U+007F and the C1 controls (U+0080–U+009F,
/// among them the 8-bit CSI U+009B) raw. Feed text goes to terminals, so every control character is escaped here.
public indirect enum JSONValue: Equatable, Sendable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])

    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.number(let a), .number(let b)): return a == b
        case (.string(let a), .string(let b)): return a == b
        case (.array(let a), .array(let b)): return a == b
        case (.object(let a), .object(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: return false
        }
    }

    /// A string, or `null` when absent.
    public static func string(_ value: String?) -> JSONValue {
        value.map(JSONValue.string) ?? .null
    }

    /// A timestamp as `YYYY-MM-DDTHH:MM:SSZ`, or `null` when absent.
    public static func timestamp(_ value: Date?) -> JSONValue {
        value.map { .string(UTCTimestamp.format($0)) } ?? .null
    }

    /// Serialises the value; `indent` > 0 pretty-prints with that many spaces per level.
    public func serialized(indent: Int = 2) -> String {
        String(decoding: serializedBytes(indent: indent), as: UTF8.self)
    }

    /// The UTF-8 bytes of `serialized(indent:)`, written into one buffer: what a large reply (100 items of
    /// the sync API, 250 KB) is made of without growing a string character by character.
    public func serializedBytes(indent: Int = 2) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(4096)
        write(to: &output, indent: indent, level: 0)
        return output
    }

    private func write(to output: inout [UInt8], indent: Int, level: Int) {
        switch self {
        case .null: output += "null".utf8
        case .bool(let value): output += (value ? "true" : "false").utf8
        case .number(let value):
            if value.isFinite, value == value.rounded(), abs(value) < 1e15 {
                output += String(Int64(value)).utf8
            } else if value.isFinite {
                output += String(value).utf8
            } else {
                output += "null".utf8
            }
        case .string(let value): Self.writeString(value, to: &output)
        case .array(let values):
            writeContainer(open: UInt8(ascii: "["), close: UInt8(ascii: "]"), count: values.count, to: &output, indent: indent, level: level) {
                index, output in values[index].write(to: &output, indent: indent, level: level + 1)
            }
        case .object(let members):
            writeContainer(open: UInt8(ascii: "{"), close: UInt8(ascii: "}"), count: members.count, to: &output, indent: indent, level: level) {
                index, output in
                Self.writeString(members[index].0, to: &output)
                output += (indent > 0 ? ": " : ":").utf8
                members[index].1.write(to: &output, indent: indent, level: level + 1)
            }
        }
    }

    private func writeContainer(
        open: UInt8, close: UInt8, count: Int, to output: inout [UInt8], indent: Int, level: Int,
        element: (Int, inout [UInt8]) -> Void
    ) {
        output.append(open)
        guard count > 0 else {
            output.append(close)
            return
        }
        for index in 0..<count {
            if index > 0 { output.append(UInt8(ascii: ",")) }
            if indent > 0 { Self.newline(indent * (level + 1), to: &output) }
            element(index, &output)
        }
        if indent > 0 { Self.newline(indent * level, to: &output) }
        output.append(close)
    }

    private static func newline(_ spaces: Int, to output: inout [UInt8]) {
        output.append(UInt8(ascii: "\n"))
        output.append(contentsOf: repeatElement(UInt8(ascii: " "), count: spaces))
    }

    /// A JSON string: runs of bytes that need no escape are copied whole; `"`, `\`, the C0 controls, DEL,
    /// the C1 controls (UTF-8 C2 80–C2 9F) and the line and paragraph separators (E2 80 A8/A9) are escaped.
    private static func writeString(_ value: String, to output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        var text = value
        text.withUTF8 { bytes in
            var run = 0  // where the bytes not yet copied start
            var index = 0
            func escape(_ escaped: String, skipping length: Int) {
                output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[run..<index]))
                output += escaped.utf8
                index += length
                run = index
            }
            while index < bytes.count {
                let byte = bytes[index]
                switch byte {
                case UInt8(ascii: "\""): escape("\\\"", skipping: 1)
                case UInt8(ascii: "\\"): escape("\\\\", skipping: 1)
                case UInt8(ascii: "\n"): escape("\\n", skipping: 1)
                case UInt8(ascii: "\t"): escape("\\t", skipping: 1)
                case UInt8(ascii: "\r"): escape("\\r", skipping: 1)
                case 0..<0x20, 0x7F: escape(unicodeEscape(UInt32(byte)), skipping: 1)
                case 0xC2 where index + 1 < bytes.count && (0x80...0x9F).contains(bytes[index + 1]):
                    escape(unicodeEscape(UInt32(bytes[index + 1])), skipping: 2)
                case 0xE2 where index + 2 < bytes.count && bytes[index + 1] == 0x80 && (0xA8...0xA9).contains(bytes[index + 2]):
                    escape(unicodeEscape(0x2000 + UInt32(bytes[index + 2]) - 0x80), skipping: 3)
                default: index += 1
                }
            }
            output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[run..<bytes.count]))
        }
        output.append(UInt8(ascii: "\""))
    }

    /// `\uXXXX`, in lower-case hex.
    private static func unicodeEscape(_ value: UInt32) -> String {
        let hex = String(value, radix: 16, uppercase: false)
        return "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
    }
}
