import Foundation

/// The form of a URL used to recognise an item whatever the publisher did to its address: scheme dropped
/// (http and https are the same article), host lower-cased without `www.`, default port and trailing slash
/// dropped, tracking parameters (`utm_*`, `fbclid`, `gclid`, `ref`, …) removed, fragment kept.
public enum CanonicalURL {
    /// Query parameters that only say where a reader came from.
    static let trackingParameters: Set<String> = ["fbclid", "gclid", "dclid", "msclkid", "mc_cid", "mc_eid", "ref", "ref_src", "igshid"]

    /// nil for anything that is not an absolute http(s) URL.
    public static func key(_ text: String) -> String? {
        if let simple = simpleKey(text) { return simple }
        // Ids such as `tag:…`, `urn:…` or `f12-3` are no http(s) URL: no need to ask Foundation's parser.
        guard text.utf8.drop(while: { $0 <= 0x20 || $0 >= 0x80 }).prefix(4).elementsEqual("http".utf8, by: { $0 | 0x20 == $1 })
        else { return nil }
        return parsedKey(text)
    }

    /// The key by Foundation's URL parser: every URL, however unusual.
    @_spi(Benchmarks) public static func parsedKey(_ text: String) -> String? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let components = URLComponents(string: trimmed), let scheme = components.scheme?.lowercased(),
            scheme == "http" || scheme == "https", var host = components.host?.lowercased(), !host.isEmpty
        else { return nil }
        if host.hasPrefix("www.") { host.removeFirst(4) }
        if host.hasSuffix(".") { host.removeLast() }
        var result = host
        if let port = components.port, port != 80 && port != 443 { result += ":\(port)" }
        var path = components.percentEncodedPath
        while path.count > 1 && path.hasSuffix("/") { path.removeLast() }
        if path == "/" { path = "" }
        result += path
        if let items = components.percentEncodedQueryItems {
            let kept = items.filter { item in
                let name = item.name.lowercased()
                return !name.hasPrefix("utm_") && !trackingParameters.contains(name)
            }
            if !kept.isEmpty {
                result += "?" + kept.map { item in item.value.map { "\(item.name)=\($0)" } ?? item.name }.joined(separator: "&")
            }
        }
        if let fragment = components.percentEncodedFragment, !fragment.isEmpty { result += "#" + fragment }
        return result
    }

    /// The key of the URLs feeds are made of, read straight from the bytes: lower-case `http://` or `https://`,
    /// a host of letters, digits, dots and hyphens without port or user, then characters a URL holds as they
    /// are, percent escapes well-formed; nil when the URL is not that simple and `parsedKey` must decide.
    /// `parsedKey` gives the same key for every URL this takes (tested on generated URLs); Foundation's parser
    /// was a tenth of a new feed's cost.
    static func simpleKey(_ text: String) -> String? {
        var text = text
        return text.withUTF8 { bytes -> String? in
            let prefix: Int
            if bytes.starts(with: "https://".utf8) {
                prefix = 8
            } else if bytes.starts(with: "http://".utf8) {
                prefix = 7
            } else {
                return nil
            }
            // Authority: the host only.
            var index = prefix
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "/") || byte == UInt8(ascii: "?") || byte == UInt8(ascii: "#") { break }
                guard isHostByte(byte) else { return nil }
                index += 1
            }
            var hostStart = prefix
            var hostEnd = index
            guard hostEnd > hostStart else { return nil }
            // Lower-cased below; `www.` and a final dot go.
            if hostEnd - hostStart >= 4,
                bytes[hostStart..<hostStart + 4].elementsEqual("www.".utf8, by: { $0 | 0x20 == $1 })
            {
                hostStart += 4
            }
            if hostEnd > hostStart && bytes[hostEnd - 1] == UInt8(ascii: ".") { hostEnd -= 1 }
            // Path, query, fragment.
            let pathStart = index
            var queryStart: Int?
            var fragmentStart: Int?
            while index < bytes.count {
                let byte = bytes[index]
                switch byte {
                case UInt8(ascii: "?") where queryStart == nil && fragmentStart == nil: queryStart = index
                case UInt8(ascii: "#") where fragmentStart == nil: fragmentStart = index
                case UInt8(ascii: "%"):
                    guard index + 2 < bytes.count, isHexDigit(bytes[index + 1]), isHexDigit(bytes[index + 2]) else { return nil }
                case UInt8(ascii: "?"), UInt8(ascii: "/"), UInt8(ascii: ":"), UInt8(ascii: "@"): break
                default: guard isPlainURLByte(byte) else { return nil }
                }
                index += 1
            }
            var result = [UInt8]()
            result.reserveCapacity(bytes.count)
            for byte in bytes[hostStart..<hostEnd] { result.append(byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte) }
            var pathEnd = queryStart ?? fragmentStart ?? bytes.count
            while pathEnd - pathStart > 1 && bytes[pathEnd - 1] == UInt8(ascii: "/") { pathEnd -= 1 }
            if !(pathEnd - pathStart == 1 && bytes[pathStart] == UInt8(ascii: "/")) {
                result.append(contentsOf: bytes[pathStart..<pathEnd])
            }
            if let queryStart {
                let queryEnd = fragmentStart ?? bytes.count
                var kept = false
                var itemStart = queryStart + 1
                // An empty query or an empty item is left to Foundation's reading of it.
                guard queryEnd > itemStart else { return nil }
                while itemStart <= queryEnd {
                    var itemEnd = itemStart
                    while itemEnd < queryEnd && bytes[itemEnd] != UInt8(ascii: "&") { itemEnd += 1 }
                    guard itemEnd > itemStart else { return nil }
                    var nameEnd = itemStart
                    while nameEnd < itemEnd && bytes[nameEnd] != UInt8(ascii: "=") { nameEnd += 1 }
                    guard nameEnd > itemStart else { return nil }
                    let name = String(decoding: bytes[itemStart..<nameEnd], as: UTF8.self).lowercased()
                    if !name.hasPrefix("utm_") && !trackingParameters.contains(name) {
                        result.append(kept ? UInt8(ascii: "&") : UInt8(ascii: "?"))
                        result.append(contentsOf: bytes[itemStart..<itemEnd])
                        kept = true
                    }
                    itemStart = itemEnd + 1
                }
            }
            if let fragmentStart, fragmentStart + 1 < bytes.count {
                result.append(contentsOf: bytes[fragmentStart...])
            }
            return String(decoding: result, as: UTF8.self)
        }
    }

    private static func isHostByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "."), UInt8(ascii: "-"):
            return true
        default:
            return false
        }
    }

    private static func isHexDigit(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "f"), UInt8(ascii: "A")...UInt8(ascii: "F"): return true
        default: return false
        }
    }

    /// Unreserved and sub-delimiter characters (RFC 3986), which stand in a path, query or fragment as they are.
    private static func isPlainURLByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "!"), UInt8(ascii: "$"),
            UInt8(ascii: "&"), UInt8(ascii: "'"), UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "*"), UInt8(ascii: "+"),
            UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "="):
            return true
        default:
            return false
        }
    }
}
