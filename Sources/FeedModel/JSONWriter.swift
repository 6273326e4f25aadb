import Foundation

/// JSON written straight into a byte buffer: the store's files (compact, in the form Foundation's decoder
/// reads back) and feedctl's JSON output (indented, terminal-safe). Objects and arrays are written by
/// closures; the writer puts the commas and, when indenting, the line breaks.
///
/// Foundation's `JSONEncoder` first builds a tree of boxed values with a dictionary per object, and
/// `JSONValue` appends one Unicode scalar at a time: this writer copies runs of bytes that need no escaping,
/// eight at a time, and can hand its bytes over as it goes (`drain`), so a long array streams out.
public struct JSONWriter {
    private var bytes: [UInt8] = []
    /// Whether a value was written in the current object or array (the next one needs a comma first).
    private var afterValue = false
    /// Whether a member's key was just written (its value goes on the same line).
    private var afterKey = false
    private let indent: Int
    private var depth = 0
    /// Whether C1 controls, DEL and U+2028/U+2029 are escaped too: for output a terminal may show.
    private let terminalSafe: Bool

    /// `indent` spaces per level (0: compact); `terminalSafe` to escape every control character a terminal
    /// would act on, not only those JSON requires.
    public init(indent: Int = 0, terminalSafe: Bool = false) {
        self.indent = indent
        self.terminalSafe = terminalSafe
        bytes.reserveCapacity(4096)
    }

    public var data: Data { Data(bytes) }

    /// How many bytes are written and not yet drained.
    public var count: Int { bytes.count }

    /// Makes room for `count` more bytes at once, where the buffer would otherwise grow (and copy) in steps.
    public mutating func reserveCapacity(_ count: Int) {
        bytes.reserveCapacity(bytes.count + count)
    }

    /// Hands the bytes written so far to `sink` and forgets them (the buffer's memory is kept for what follows).
    public mutating func drain(_ sink: (UnsafeBufferPointer<UInt8>) -> Void) {
        bytes.withUnsafeBufferPointer(sink)
        bytes.removeAll(keepingCapacity: true)
    }

    public mutating func object(_ body: (inout JSONWriter) -> Void) {
        open(UInt8(ascii: "{"))
        body(&self)
        close(UInt8(ascii: "}"))
    }

    public mutating func array<Elements: Sequence>(_ elements: Elements, _ body: (inout JSONWriter, Elements.Element) -> Void) {
        open(UInt8(ascii: "["))
        for element in elements { body(&self, element) }
        close(UInt8(ascii: "]"))
    }

    /// Starts the member `key` of the current object; its value follows.
    public mutating func key(_ key: StaticString) {
        // From the literal's bytes: appending its `utf8` view costs three times as much.
        self.key(bytes: UnsafeBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount))
    }

    /// Starts the member named `name`, a key known only at run time (a `CodingKey`'s), written as it is:
    /// it must need no escaping.
    public mutating func key(named name: String) {
        var name = name
        name.withUTF8 { key(bytes: $0) }
    }

    /// Starts the member named `name`, a key that comes from data (an item's key), escaped as a string is.
    public mutating func key(escaping name: String) {
        var name = name
        name.withUTF8 { key(bytes: $0, escaped: true) }
    }

    private mutating func key(bytes name: UnsafeBufferPointer<UInt8>, escaped: Bool = false) {
        beginValue()
        bytes.append(UInt8(ascii: "\""))
        if escaped { appendEscaped(name) } else { bytes.append(contentsOf: name) }
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
        if indent > 0 { bytes.append(UInt8(ascii: " ")) }
        afterValue = false
        afterKey = true
    }

    // MARK: Values

    public mutating func string(_ value: String) {
        beginValue()
        bytes.append(UInt8(ascii: "\""))
        var text = value
        text.withUTF8 { appendEscaped($0) }
        bytes.append(UInt8(ascii: "\""))
        afterValue = true
    }

    public mutating func integer(_ value: some BinaryInteger) {
        beginValue()
        bytes.append(contentsOf: String(value).utf8)
        afterValue = true
    }

    public mutating func bool(_ value: Bool) {
        beginValue()
        bytes.append(contentsOf: value ? "true".utf8 : "false".utf8)
        afterValue = true
    }

    public mutating func null() {
        beginValue()
        bytes.append(contentsOf: "null".utf8)
        afterValue = true
    }

    /// `YYYY-MM-DDTHH:MM:SSZ` in UTC, whole seconds, as the `.iso8601` strategy writes it.
    public mutating func date(_ value: Date) {
        beginValue()
        let seconds = value.timeIntervalSince1970.rounded(.down)
        guard let civil = CivilTime(secondsSince1970: seconds) else {
            // Before 1583 (Foundation's calendar is Julian before October 1582) or after 9999: as Foundation
            // writes those.
            bytes.append(contentsOf: (try? Self.foundationEncoder.encode(value)) ?? Data("null".utf8))
            afterValue = true
            return
        }
        bytes.append(UInt8(ascii: "\""))
        appendDigits(civil.year, count: 4)
        bytes.append(UInt8(ascii: "-"))
        appendDigits(civil.month, count: 2)
        bytes.append(UInt8(ascii: "-"))
        appendDigits(civil.day, count: 2)
        bytes.append(UInt8(ascii: "T"))
        appendDigits(civil.hour, count: 2)
        bytes.append(UInt8(ascii: ":"))
        appendDigits(civil.minute, count: 2)
        bytes.append(UInt8(ascii: ":"))
        appendDigits(civil.second, count: 2)
        bytes.append(UInt8(ascii: "Z"))
        bytes.append(UInt8(ascii: "\""))
        afterValue = true
    }

    private static let foundationEncoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()

    // MARK: Members

    public mutating func field(_ name: StaticString, _ value: String) {
        key(name)
        string(value)
    }

    /// Left out when nil, as `encodeIfPresent` does.
    public mutating func field(_ name: StaticString, _ value: String?) {
        guard let value else { return }
        field(name, value)
    }

    public mutating func field(_ name: StaticString, _ value: Int) {
        key(name)
        integer(value)
    }

    public mutating func field(_ name: StaticString, _ value: Int?) {
        guard let value else { return }
        field(name, value)
    }

    public mutating func field(_ name: StaticString, _ value: Int64?) {
        guard let value else { return }
        key(name)
        integer(value)
    }

    public mutating func field(_ name: StaticString, _ value: Bool) {
        key(name)
        bool(value)
    }

    public mutating func field(_ name: StaticString, _ value: Date) {
        key(name)
        date(value)
    }

    public mutating func field(_ name: StaticString, _ value: Date?) {
        guard let value else { return }
        field(name, value)
    }

    public mutating func field(_ name: StaticString, _ values: [String]) {
        key(name)
        array(values) { $0.string($1) }
    }

    public mutating func field(_ name: StaticString, _ values: [Int]) {
        key(name)
        array(values) { $0.integer($1) }
    }

    /// The member with `null` for nil, for output that names every key.
    public mutating func fieldOrNull(_ name: StaticString, _ value: String?) { fieldOrNull(name, value) { $0.string($1) } }

    public mutating func fieldOrNull(_ name: StaticString, _ value: Date?) { fieldOrNull(name, value) { $0.date($1) } }

    public mutating func fieldOrNull(_ name: StaticString, _ value: Int?) { fieldOrNull(name, value) { $0.integer($1) } }

    public mutating func fieldOrNull(_ name: StaticString, _ value: Int64?) { fieldOrNull(name, value) { $0.integer($1) } }

    public mutating func fieldOrNull(_ name: StaticString, _ value: Bool?) { fieldOrNull(name, value) { $0.bool($1) } }

    private mutating func fieldOrNull<Value>(_ name: StaticString, _ value: Value?, _ write: (inout JSONWriter, Value) -> Void) {
        key(name)
        if let value { write(&self, value) } else { null() }
    }

    // MARK: Bytes

    /// Before a value or a key: the comma after the previous one and, indenting, the line break.
    private mutating func beginValue() {
        if afterKey {
            afterKey = false
            return
        }
        if afterValue { bytes.append(UInt8(ascii: ",")) }
        if indent > 0 && depth > 0 { newline(depth) }
    }

    private mutating func open(_ bracket: UInt8) {
        beginValue()
        bytes.append(bracket)
        depth += 1
        afterValue = false
    }

    private mutating func close(_ bracket: UInt8) {
        depth -= 1
        // An empty container stays on one line: `[]`.
        if indent > 0 && afterValue { newline(depth) }
        bytes.append(bracket)
        afterValue = true
    }

    private mutating func newline(_ level: Int) {
        bytes.append(0x0A)
        for _ in 0..<(level * indent) { bytes.append(0x20) }
    }

    private mutating func appendDigits(_ value: Int, count: Int) {
        var divisor = 1
        for _ in 1..<count { divisor *= 10 }
        var rest = value
        while divisor > 0 {
            bytes.append(UInt8(ascii: "0") + UInt8(rest / divisor))
            rest %= divisor
            divisor /= 10
        }
    }

    /// The string's bytes with `"`, `\` and the control characters escaped (C1, DEL, U+2028 and U+2029 too
    /// when terminal-safe); everything else as it is (UTF-8, `/` unescaped as the store writes it).
    private mutating func appendEscaped(_ text: UnsafeBufferPointer<UInt8>) {
        guard let base = text.baseAddress else { return }
        var runStart = 0
        var index = 0
        while index < text.count {
            // Eight bytes at a time while none needs escaping (most text).
            if index + 8 <= text.count {
                let word = UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)
                if !Self.mayNeedEscaping(word) && !(terminalSafe && Self.mayBeTerminalControl(word)) {
                    index += 8
                    continue
                }
            }
            let byte = text[index]
            index += 1
            let escaped = index - 1
            if byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: text[runStart..<escaped]))
                switch byte {
                case UInt8(ascii: "\""): bytes.append(contentsOf: "\\\"".utf8)
                case UInt8(ascii: "\\"): bytes.append(contentsOf: "\\\\".utf8)
                case 0x0A: bytes.append(contentsOf: "\\n".utf8)
                case 0x0D: bytes.append(contentsOf: "\\r".utf8)
                case 0x09: bytes.append(contentsOf: "\\t".utf8)
                case 0x08: bytes.append(contentsOf: "\\b".utf8)
                case 0x0C: bytes.append(contentsOf: "\\f".utf8)
                default: appendUnicodeEscape(UInt32(byte))
                }
                runStart = index
            } else if terminalSafe, let (scalar, length) = Self.terminalControl(text, at: escaped) {
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: text[runStart..<escaped]))
                appendUnicodeEscape(scalar)
                index = escaped + length
                runStart = index
            }
        }
        bytes.append(contentsOf: UnsafeBufferPointer(rebasing: text[runStart...]))
    }

    private mutating func appendUnicodeEscape(_ scalar: UInt32) {
        bytes.append(contentsOf: "\\u".utf8)
        for shift in stride(from: 12, through: 0, by: -4) { bytes.append(Self.hexDigits[Int(scalar >> UInt32(shift) & 0xF)]) }
    }

    /// DEL, a C1 control (`C2 80`–`C2 9F`) or U+2028/U+2029 (`E2 80 A8`/`A9`) at `index`: the scalar and
    /// its length in bytes.
    private static func terminalControl(_ text: UnsafeBufferPointer<UInt8>, at index: Int) -> (UInt32, Int)? {
        switch text[index] {
        case 0x7F:
            return (0x7F, 1)
        case 0xC2 where index + 1 < text.count && (0x80...0x9F).contains(text[index + 1]):
            return (UInt32(text[index + 1]), 2)
        case 0xE2 where index + 2 < text.count && text[index + 1] == 0x80 && (text[index + 2] == 0xA8 || text[index + 2] == 0xA9):
            return (0x2000 + UInt32(text[index + 2]) - 0x80, 3)
        default:
            return nil
        }
    }

    private static func hasZeroByte(_ value: UInt64) -> Bool {
        (value &- 0x0101_0101_0101_0101) & ~value & 0x8080_8080_8080_8080 != 0
    }

    /// Whether any of the eight bytes of `word` may be a control character, `"` or `\` (never false when
    /// one is; sometimes true when none is).
    private static func mayNeedEscaping(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let below0x20 = (word &- ones &* 0x20) & ~word & 0x8080_8080_8080_8080 != 0
        return below0x20 || hasZeroByte(word ^ (ones &* 0x22)) || hasZeroByte(word ^ (ones &* 0x5C))
    }

    /// Whether any of the eight bytes may start DEL, a C1 control or U+2028/U+2029 (0x7F, 0xC2, 0xE2).
    private static func mayBeTerminalControl(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        return hasZeroByte(word ^ (ones &* 0x7F)) || hasZeroByte(word ^ (ones &* 0xC2)) || hasZeroByte(word ^ (ones &* 0xE2))
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)
}
