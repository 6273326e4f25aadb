import FeedModel
import Foundation

/// A store file that writes its JSON itself, field by field, in the form `StoreCoding` reads back: the same
/// keys, absent optionals left out, dates as `.iso8601` writes them.
///
/// Foundation's `JSONEncoder` first builds a tree of boxed values with a dictionary per object, then
/// serialises it: for the items file of a new feed that was most of the time feedd spent on it.
protocol StoreJSONEncodable {
    func write(to json: inout StoreJSONWriter)
}

extension StoreJSONEncodable {
    /// The file's bytes.
    var jsonData: Data {
        var json = StoreJSONWriter()
        write(to: &json)
        return json.data
    }
}

/// Compact JSON, written straight into a byte buffer. Objects and arrays are written by closures; the writer
/// puts the commas.
struct StoreJSONWriter {
    private var bytes: [UInt8] = []
    /// Whether a value was written in the current object or array (the next one needs a comma first).
    private var afterValue = false

    init() {
        bytes.reserveCapacity(4096)
    }

    var data: Data { Data(bytes) }

    mutating func object(_ body: (inout StoreJSONWriter) -> Void) {
        separate()
        bytes.append(UInt8(ascii: "{"))
        afterValue = false
        body(&self)
        bytes.append(UInt8(ascii: "}"))
        afterValue = true
    }

    mutating func array<Elements: Sequence>(_ elements: Elements, _ body: (inout StoreJSONWriter, Elements.Element) -> Void) {
        separate()
        bytes.append(UInt8(ascii: "["))
        afterValue = false
        for element in elements { body(&self, element) }
        bytes.append(UInt8(ascii: "]"))
        afterValue = true
    }

    /// Starts the member `key` of the current object; its value follows.
    mutating func key(_ key: StaticString) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        bytes.append(contentsOf: UnsafeBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount))
        // Byte by byte: appending a literal's `utf8` view costs three times as much.
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
        afterValue = false
    }

    // MARK: Values

    mutating func string(_ value: String) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        var text = value
        text.withUTF8 { appendEscaped($0) }
        bytes.append(UInt8(ascii: "\""))
        afterValue = true
    }

    mutating func integer(_ value: some BinaryInteger) {
        separate()
        bytes.append(contentsOf: String(value).utf8)
        afterValue = true
    }

    mutating func bool(_ value: Bool) {
        separate()
        bytes.append(contentsOf: value ? "true".utf8 : "false".utf8)
        afterValue = true
    }

    /// `YYYY-MM-DDTHH:MM:SSZ` in UTC, whole seconds, as the `.iso8601` strategy writes it.
    mutating func date(_ value: Date) {
        separate()
        let seconds = value.timeIntervalSince1970.rounded(.down)
        guard let civil = CivilTime(secondsSince1970: seconds) else {
            // Before 1583 (Foundation's calendar is Julian before October 1582) or after 9999: as Foundation
            // writes those.
            bytes.append(contentsOf: (try? StoreCoding.encoder.encode(value)) ?? Data("null".utf8))
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

    // MARK: Members

    mutating func field(_ name: StaticString, _ value: String) {
        key(name)
        string(value)
    }

    /// Left out when nil, as `encodeIfPresent` does.
    mutating func field(_ name: StaticString, _ value: String?) {
        guard let value else { return }
        field(name, value)
    }

    mutating func field(_ name: StaticString, _ value: Int) {
        key(name)
        integer(value)
    }

    mutating func field(_ name: StaticString, _ value: Int?) {
        guard let value else { return }
        field(name, value)
    }

    mutating func field(_ name: StaticString, _ value: Int64?) {
        guard let value else { return }
        key(name)
        integer(value)
    }

    mutating func field(_ name: StaticString, _ value: Bool) {
        key(name)
        bool(value)
    }

    mutating func field(_ name: StaticString, _ value: Date) {
        key(name)
        date(value)
    }

    mutating func field(_ name: StaticString, _ value: Date?) {
        guard let value else { return }
        field(name, value)
    }

    mutating func field(_ name: StaticString, _ values: [String]) {
        key(name)
        array(values) { $0.string($1) }
    }

    mutating func field(_ name: StaticString, _ values: [Int]) {
        key(name)
        array(values) { $0.integer($1) }
    }

    mutating func field<Value: StoreJSONEncodable>(_ name: StaticString, _ value: Value) {
        key(name)
        value.write(to: &self)
    }

    mutating func field<Value: StoreJSONEncodable>(_ name: StaticString, _ value: Value?) {
        guard let value else { return }
        key(name)
        value.write(to: &self)
    }

    mutating func field<Value: StoreJSONEncodable>(_ name: StaticString, _ values: [Value]) {
        key(name)
        array(values) { $1.write(to: &$0) }
    }

    // MARK: Bytes

    private mutating func separate() {
        if afterValue { bytes.append(UInt8(ascii: ",")) }
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

    /// The string's bytes with `"`, `\` and the control characters escaped; everything else as it is
    /// (UTF-8, `/` unescaped as `StoreCoding` writes it).
    private mutating func appendEscaped(_ text: UnsafeBufferPointer<UInt8>) {
        guard let base = text.baseAddress else { return }
        var runStart = 0
        var index = 0
        while index < text.count {
            // Eight bytes at a time while none needs escaping (most text).
            if index + 8 <= text.count && !Self.mayNeedEscaping(UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)) {
                index += 8
                continue
            }
            let byte = text[index]
            index += 1
            guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
            let escaped = index - 1
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: text[runStart..<escaped]))
            switch byte {
            case UInt8(ascii: "\""): bytes.append(contentsOf: "\\\"".utf8)
            case UInt8(ascii: "\\"): bytes.append(contentsOf: "\\\\".utf8)
            case 0x0A: bytes.append(contentsOf: "\\n".utf8)
            case 0x0D: bytes.append(contentsOf: "\\r".utf8)
            case 0x09: bytes.append(contentsOf: "\\t".utf8)
            case 0x08: bytes.append(contentsOf: "\\b".utf8)
            case 0x0C: bytes.append(contentsOf: "\\f".utf8)
            default:
                bytes.append(contentsOf: "\\u00".utf8)
                bytes.append(Self.hexDigits[Int(byte >> 4)])
                bytes.append(Self.hexDigits[Int(byte & 0x0F)])
            }
            runStart = index
        }
        bytes.append(contentsOf: UnsafeBufferPointer(rebasing: text[runStart...]))
    }

    /// Whether any of the eight bytes of `word` may be a control character, `"` or `\` (never false when
    /// one is; sometimes true when none is).
    private static func mayNeedEscaping(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        func hasZeroByte(_ value: UInt64) -> Bool { (value &- ones) & ~value & highs != 0 }
        let below0x20 = (word &- ones &* 0x20) & ~word & highs != 0
        return below0x20 || hasZeroByte(word ^ (ones &* 0x22)) || hasZeroByte(word ^ (ones &* 0x5C))
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)
}

/// A UTC date and time of the Gregorian calendar, from seconds since 1970. Years 1583–9999 only.
struct CivilTime {
    var year, month, day, hour, minute, second: Int

    init?(secondsSince1970: Double) {
        // 1583-01-01T00:00:00Z … 9999-12-31T23:59:59Z
        guard secondsSince1970 >= -12_212_553_600, secondsSince1970 <= 253_402_300_799 else { return nil }
        let total = Int(secondsSince1970)
        let days = total >= 0 ? total / 86_400 : (total - 86_399) / 86_400  // rounded down
        let seconds = total - days * 86_400
        hour = seconds / 3600
        minute = seconds % 3600 / 60
        second = seconds % 60
        let (year, month, day) = UTCTimestamp.civil(fromDays: Int64(days))
        (self.year, self.month, self.day) = (Int(year), Int(month), Int(day))
    }
}

// MARK: - The store's files

extension StoredFeed: StoreJSONEncodable {
    func write(to json: inout StoreJSONWriter) {
        json.object { json in
            json.field("schema", Self.currentSchema)
            json.field("url", url)
            json.field("title", title)
            json.field("link", link)
            json.field("items", items)
            json.field("tombstones", tombstones)
            json.field("identity_by_link_and_title", identityByLinkAndTitle)
        }
    }
}

extension StoredItem: StoreJSONEncodable {
    func write(to json: inout StoreJSONWriter) {
        json.object { json in
            json.field("id", id)
            json.field("identity", identity)
            json.field("key", key)
            json.field("title", title)
            json.field("link", link)
            json.field("published", published)
            json.field("updated", updated)
            json.field("authors", authors)
            json.field("categories", categories)
            json.field("summary", summary)
            json.field("content", content)
            json.field("enclosures", enclosures)
            json.field("first_seen", firstSeen)
            if changed { json.field("changed", changed) }
        }
    }
}

extension Enclosure: StoreJSONEncodable {
    func write(to json: inout StoreJSONWriter) {
        json.object { json in
            json.field("url", url)
            json.field("type", type)
            json.field("length", length)
        }
    }
}

extension Tombstone: StoreJSONEncodable {
    func write(to json: inout StoreJSONWriter) {
        json.object { json in
            json.field("identity", identity)
            json.field("key", key)
            json.field("deleted", deleted)
            json.field("absent_since", absentSince)
        }
    }
}

extension FeedStateFile: StoreJSONEncodable {
    func write(to json: inout StoreJSONWriter) {
        json.object { json in
            json.field("schema", schema)
            json.field("url", url)
            json.field("fetch", fetch)
        }
    }
}

extension FetchState: StoreJSONEncodable {
    func write(to json: inout StoreJSONWriter) {
        json.object { json in
            json.field("etag", etag)
            json.field("last_modified", lastModified)
            json.field("last_fetch", lastFetch)
            json.field("last_success", lastSuccess)
            json.field("last_result", lastResult)
            json.field("consecutive_failures", consecutiveFailures)
            json.field("next_fetch", nextFetch)
            json.field("moved_to", movedTo)
            json.field("body_hash", bodyHash)
            json.field("hints", hints)
            json.field("fresh_until", freshUntil)
            json.field("item_count", itemCount)
            json.field("title", title)
            json.field("link", link)
            json.field("adaptive_seconds", adaptiveSeconds)
            json.field("disabled_for", disabledFor)
            json.field("retry_after", retryAfter)
        }
    }
}

extension PublisherHints: StoreJSONEncodable {
    func write(to json: inout StoreJSONWriter) {
        json.object { json in
            json.field("ttl_minutes", ttlMinutes)
            json.field("update_period", updatePeriod)
            json.field("update_frequency", updateFrequency)
            json.field("skip_hours", skipHours)
            json.field("skip_days", skipDays)
        }
    }
}

extension ItemIndexFile: StoreJSONEncodable {
    func write(to json: inout StoreJSONWriter) {
        json.object { json in
            json.field("schema", schema)
            json.field("title", title)
            json.field("items", items)
        }
    }
}

extension IndexEntry: StoreJSONEncodable {
    func write(to json: inout StoreJSONWriter) {
        json.object { json in
            json.field("id", id)
            json.field("key", key)
            json.field("feeds", feeds)
            json.field("title", title)
            json.field("link", link)
            json.field("published", published)
            json.field("updated", updated)
            json.field("first_seen", firstSeen)
            json.field("authors", authors)
            json.field("categories", categories)
            json.field("changed", changed)
            json.field("snippet", snippet)
        }
    }
}
