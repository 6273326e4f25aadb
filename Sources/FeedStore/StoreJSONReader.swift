import FeedCore
import FeedModel
import Foundation

/// Reads back the fetch-state records and read shards `JSONWriter` writes, without Foundation's
/// `JSONDecoder`: 16 µs a record in a release build against 6 for this reader, on generated records full
/// of escapes. A daemon reads every feed's record once a cycle (each changed in the last), `feedctl feeds`
/// all of them; marking one item read at a million items reads a shard of 4,000 marks.
///
/// Strict on purpose: only what the writer produces — its keys, each once; strings; integers without
/// fraction or exponent; dates as `YYYY-MM-DDTHH:MM:SSZ` from year 1583 on; `null` for an absent value.
/// Anything else gives nil, and the caller decodes the record with `JSONDecoder` as before, which decides.
struct StoreJSONReader {
    private let bytes: UnsafeRawBufferPointer
    private var index = 0

    private init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    /// A `fetch-state.log` record, or nil when it is not exactly what the writer writes.
    static func fetchStateFile(_ data: Data) -> FeedStateFile? {
        data.withUnsafeBytes { raw in
            var reader = StoreJSONReader(raw)
            guard let file = reader.stateFile(), reader.atEnd() else { return nil }
            return file
        }
    }

    /// A feed's record in `unread.log` (or `recent.json`) as the store writes it, or nil when it is not
    /// exactly that: `feedctl list` reads every feed's at each start.
    static func itemIndexFile(_ data: Data) -> ItemIndexFile? {
        data.withUnsafeBytes { raw in
            var reader = StoreJSONReader(raw)
            guard let file = reader.itemIndexFile(), reader.atEnd() else { return nil }
            return file
        }
    }

    /// A read shard as the store writes it, or nil when it is not exactly that.
    static func readShard(_ data: Data) -> ReadShard? {
        data.withUnsafeBytes { raw in
            var reader = StoreJSONReader(raw)
            guard let shard = reader.readShard(), reader.atEnd() else { return nil }
            return shard
        }
    }

    // MARK: The store's records

    private mutating func readShard() -> ReadShard? {
        var schema: Int?
        var marks: [String: Date]?
        let read = object { reader, key in
            switch ReadShard.CodingKeys(rawValue: key) {
            case .schema?: return reader.integer(into: &schema)
            case .read?:
                var found: [String: Date] = [:]
                guard reader.object({ reader, itemKey in
                    guard let date = reader.date() else { return false }
                    found[itemKey] = date
                    return true
                }) else { return false }
                marks = found
                return true
            case nil: return false  // not the store's own form: Foundation's decoder decides
            }
        }
        guard read, schema == ReadShard.currentSchema, let marks else { return nil }
        return ReadShard(read: marks)
    }

    private mutating func itemIndexFile() -> ItemIndexFile? {
        var schema: Int?
        var title: String?
        var items: [IndexEntry]?
        let read = object { reader, key in
            switch ItemIndexFile.CodingKeys(rawValue: key) {
            case .schema?: return reader.integer(into: &schema)
            case .title?: return reader.string(into: &title)
            case .items?: return reader.array(into: &items) { $0.indexEntry() }
            case nil: return false  // not the store's own form: Foundation's decoder decides
            }
        }
        // Another schema goes to Foundation's path, which refuses a newer one.
        guard read, schema == ItemIndexFile.currentSchema, let items else { return nil }
        return ItemIndexFile(items: items, title: title)
    }

    private mutating func indexEntry() -> IndexEntry? {
        var key: String?
        var feeds: [String]?
        var title: String?
        var link: String?
        var published: Date?
        var updated: Date?
        var firstSeen: Date?
        var authors: [String]?
        var categories: [String]?
        var changed: Bool?
        var snippet: String?
        let read = object { reader, member in
            switch IndexEntry.CodingKeys(rawValue: member) {
            case .id?: return reader.string() != nil  // derived from the key, never trusted from the file
            case .key?: return reader.string(into: &key)
            case .feeds?: return reader.array(into: &feeds) { $0.string() }
            case .title?: return reader.string(into: &title)
            case .link?: return reader.string(into: &link)
            case .published?: return reader.date(into: &published)
            case .updated?: return reader.date(into: &updated)
            case .firstSeen?: return reader.date(into: &firstSeen)
            case .authors?: return reader.array(into: &authors) { $0.string() }
            case .categories?: return reader.array(into: &categories) { $0.string() }
            case .changed?:
                changed = reader.boolean()
                return changed != nil
            case .snippet?: return reader.string(into: &snippet)
            case nil: return false  // not the store's own form: Foundation's decoder decides
            }
        }
        guard read, let key, let feeds, let firstSeen, let authors, let categories, let changed else { return nil }
        return IndexEntry(
            key: key, feeds: feeds, title: title, link: link, published: published, updated: updated, firstSeen: firstSeen,
            authors: authors, categories: categories, changed: changed, snippet: snippet)
    }

    private mutating func stateFile() -> FeedStateFile? {
        var schema: Int?
        var url: String?
        var fetch: FetchState?
        let read = object { reader, key in
            switch FeedStateFile.CodingKeys(rawValue: key) {
            case .schema?: return reader.integer(into: &schema)
            case .url?: return reader.string(into: &url)
            case .fetch?:
                fetch = reader.fetchState()
                return fetch != nil
            case nil: return false  // not the store's own form: Foundation's decoder decides
            }
        }
        // Another schema goes to Foundation's path, which refuses a newer one.
        guard read, schema == FeedStateFile.currentSchema, let url, let fetch else { return nil }
        return FeedStateFile(url: url, fetch: fetch)
    }

    private mutating func fetchState() -> FetchState? {
        var state = FetchState()
        var failures: Int?
        let read = object { reader, key in
            switch FetchState.CodingKeys(rawValue: key) {
            case .etag?: return reader.string(into: &state.etag)
            case .lastModified?: return reader.string(into: &state.lastModified)
            case .lastFetch?: return reader.date(into: &state.lastFetch)
            case .lastSuccess?: return reader.date(into: &state.lastSuccess)
            case .lastResult?: return reader.string(into: &state.lastResult)
            case .consecutiveFailures?: return reader.integer(into: &failures)
            case .nextFetch?: return reader.date(into: &state.nextFetch)
            case .movedTo?: return reader.string(into: &state.movedTo)
            case .bodyHash?: return reader.string(into: &state.bodyHash)
            case .hints?:
                if reader.takeNull() { return true }
                state.hints = reader.hints()
                return state.hints != nil
            case .freshUntil?: return reader.date(into: &state.freshUntil)
            case .itemCount?: return reader.integer(into: &state.itemCount)
            case .title?: return reader.string(into: &state.title)
            case .link?: return reader.string(into: &state.link)
            case .adaptiveSeconds?: return reader.integer(into: &state.adaptiveSeconds)
            case .disabledFor?: return reader.string(into: &state.disabledFor)
            case .retryAfter?: return reader.date(into: &state.retryAfter)
            case nil: return false  // not the store's own form: Foundation's decoder decides
            }
        }
        guard read else { return nil }
        state.consecutiveFailures = failures ?? 0
        return state
    }

    private mutating func hints() -> PublisherHints? {
        var hints = PublisherHints()
        var skipHours: [Int]?
        var skipDays: [String]?
        let read = object { reader, key in
            switch PublisherHints.CodingKeys(rawValue: key) {
            case .ttlMinutes?: return reader.integer(into: &hints.ttlMinutes)
            case .updatePeriod?: return reader.string(into: &hints.updatePeriod)
            case .updateFrequency?: return reader.integer(into: &hints.updateFrequency)
            case .skipHours?: return reader.array(into: &skipHours) { $0.integer() }
            case .skipDays?: return reader.array(into: &skipDays) { $0.string() }
            case nil: return false  // not the store's own form: Foundation's decoder decides
            }
        }
        guard read else { return nil }
        hints.skipHours = skipHours ?? []
        hints.skipDays = skipDays ?? []
        return hints
    }

    // MARK: JSON values

    /// `{`, then `"key":value` members separated by commas, then `}`; `member` reads each value. A key twice
    /// or a member that fails fails the object.
    private mutating func object(_ member: (inout StoreJSONReader, String) -> Bool) -> Bool {
        guard take(UInt8(ascii: "{")) else { return false }
        if take(UInt8(ascii: "}")) { return true }
        var seen = SeenKeys()
        repeat {
            guard let key = string(), seen.insert(key), take(UInt8(ascii: ":")), member(&self, key) else { return false }
        } while take(UInt8(ascii: ","))
        return take(UInt8(ascii: "}"))
    }

    /// The keys of an object read so far: a short list (a record's dozen keys, no hashing), a set once it
    /// is long (a read shard's thousands of item keys).
    private struct SeenKeys {
        private var few: [String] = []
        private var many: Set<String>?

        /// False when `key` was seen already.
        mutating func insert(_ key: String) -> Bool {
            if let inserted = many?.insert(key).inserted { return inserted }
            if few.contains(key) { return false }
            few.append(key)
            if few.count > 16 {
                many = Set(few)
                few = []
            }
            return true
        }
    }

    private mutating func array<Element>(into value: inout [Element]?, _ element: (inout StoreJSONReader) -> Element?) -> Bool {
        if takeNull() { return true }
        guard take(UInt8(ascii: "[")) else { return false }
        var elements: [Element] = []
        if !take(UInt8(ascii: "]")) {
            repeat {
                guard let next = element(&self) else { return false }
                elements.append(next)
            } while take(UInt8(ascii: ","))
            guard take(UInt8(ascii: "]")) else { return false }
        }
        value = elements
        return true
    }

    private mutating func string(into value: inout String?) -> Bool {
        if takeNull() { return true }
        value = string()
        return value != nil
    }

    private mutating func integer(into value: inout Int?) -> Bool {
        if takeNull() { return true }
        value = integer()
        return value != nil
    }

    private mutating func date(into value: inout Date?) -> Bool {
        if takeNull() { return true }
        value = date()
        return value != nil
    }

    /// A string, its escapes decoded; nil for a malformed one.
    private mutating func string() -> String? {
        guard take(UInt8(ascii: "\"")) else { return nil }
        let start = index
        // Most strings have no escape: taken as they are.
        while index < bytes.count, bytes[index] != UInt8(ascii: "\""), bytes[index] != UInt8(ascii: "\\"), bytes[index] >= 0x20 {
            index += 1
        }
        guard index < bytes.count else { return nil }
        if bytes[index] == UInt8(ascii: "\"") {
            defer { index += 1 }
            let text = bytes[start..<index]
            // ASCII (keys, URLs, dates, most titles) is valid as it is; `String(validating:)` is the slow path.
            if !text.contains(where: { $0 >= 0x80 }) { return String(decoding: text, as: UTF8.self) }
            return String(validating: text, as: UTF8.self)
        }
        var decoded = Array(bytes[start..<index])
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                return String(validating: decoded, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard index < bytes.count else { return nil }
                let escape = bytes[index]
                index += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): decoded.append(escape)
                case UInt8(ascii: "b"): decoded.append(0x08)
                case UInt8(ascii: "f"): decoded.append(0x0C)
                case UInt8(ascii: "n"): decoded.append(0x0A)
                case UInt8(ascii: "r"): decoded.append(0x0D)
                case UInt8(ascii: "t"): decoded.append(0x09)
                case UInt8(ascii: "u"):
                    guard var scalar = hexQuad() else { return nil }
                    if (0xD800..<0xDC00).contains(scalar) {
                        // A high surrogate: its low one must follow.
                        guard take(UInt8(ascii: "\\"), skippingSpace: false), take(UInt8(ascii: "u"), skippingSpace: false),
                            let low = hexQuad(), (0xDC00..<0xE000).contains(low)
                        else { return nil }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let character = Unicode.Scalar(scalar) else { return nil }
                    decoded.append(contentsOf: String(character).utf8)
                default: return nil
                }
            case 0..<0x20: return nil
            default: decoded.append(byte)
            }
        }
        return nil
    }

    private mutating func hexQuad() -> UInt32? {
        guard index + 4 <= bytes.count else { return nil }
        var value: UInt32 = 0
        for byte in bytes[index..<index + 4] {
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: return nil
            }
            value = value << 4 | UInt32(digit)
        }
        index += 4
        return value
    }

    /// An integer as the writer writes it: an optional minus and digits, no leading zero, within `Int`.
    private mutating func integer() -> Int? {
        skipSpace()
        let negative = take(UInt8(ascii: "-"), skippingSpace: false)
        let start = index
        var magnitude: UInt64 = 0
        while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) {
            let (times10, overflow) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, carry) = times10.addingReportingOverflow(UInt64(bytes[index] - UInt8(ascii: "0")))
            guard !overflow, !carry else { return nil }
            magnitude = sum
            index += 1
        }
        guard index > start, index == start + 1 || bytes[start] != UInt8(ascii: "0") else { return nil }
        // A fraction or an exponent: not the writer's.
        if index < bytes.count, [UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E")].contains(bytes[index]) { return nil }
        if negative {
            guard magnitude <= UInt64(Int.max) + 1 else { return nil }
            return magnitude == UInt64(Int.max) + 1 ? Int.min : -Int(magnitude)
        }
        guard magnitude <= UInt64(Int.max) else { return nil }
        return Int(magnitude)
    }

    /// `"YYYY-MM-DDTHH:MM:SSZ"`, years 1583–9999 (the writer's form; Foundation writes the others).
    private mutating func date() -> Date? {
        skipSpace()
        guard index + 22 <= bytes.count, bytes[index] == UInt8(ascii: "\""), bytes[index + 21] == UInt8(ascii: "\"") else { return nil }
        let text = bytes[index + 1..<index + 21]
        func number(_ offset: Int, _ count: Int) -> Int? {
            var value = 0
            for byte in text[text.startIndex + offset..<text.startIndex + offset + count] {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            return value
        }
        let separators: [(Int, UInt8)] = [(4, UInt8(ascii: "-")), (7, UInt8(ascii: "-")), (10, UInt8(ascii: "T")),
                                          (13, UInt8(ascii: ":")), (16, UInt8(ascii: ":")), (19, UInt8(ascii: "Z"))]
        guard separators.allSatisfy({ text[text.startIndex + $0.0] == $0.1 }), let year = number(0, 4), year >= 1583,
            let month = number(5, 2), let day = number(8, 2), let hour = number(11, 2), let minute = number(14, 2),
            let second = number(17, 2), second < 60,
            let date = UTCTimestamp.date(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        else { return nil }
        index += 22
        return date
    }

    // MARK: Bytes

    /// Takes `byte` (after any white space, unless told not to) if it comes next.
    private mutating func take(_ byte: UInt8, skippingSpace: Bool = true) -> Bool {
        if skippingSpace { skipSpace() }
        guard index < bytes.count, bytes[index] == byte else { return false }
        index += 1
        return true
    }

    /// `true` or `false`.
    private mutating func boolean() -> Bool? {
        skipSpace()
        for (word, value) in [("true", true), ("false", false)] where bytes[index...].starts(with: word.utf8) {
            index += word.utf8.count
            return value
        }
        return nil
    }

    /// Takes `null` (after any white space) if it comes next.
    private mutating func takeNull() -> Bool {
        skipSpace()
        guard index + 4 <= bytes.count, bytes[index..<index + 4].elementsEqual("null".utf8) else { return false }
        index += 4
        return true
    }

    private mutating func skipSpace() {
        while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
    }

    private mutating func atEnd() -> Bool {
        skipSpace()
        return index == bytes.count
    }
}
