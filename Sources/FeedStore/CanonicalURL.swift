import Foundation

/// The form of a URL used to recognise an item whatever the publisher did to its address: scheme dropped
/// (http and https are the same article), host lower-cased without `www.`, default port and trailing slash
/// dropped, tracking parameters (`utm_*`, `fbclid`, `gclid`, `ref`, …) removed, fragment kept.
public enum CanonicalURL {
    /// Query parameters that only say where a reader came from.
    static let trackingParameters: Set<String> = ["fbclid", "gclid", "dclid", "msclkid", "mc_cid", "mc_eid", "ref", "ref_src", "igshid"]

    /// nil for anything that is not an absolute http(s) URL.
    public static func key(_ text: String) -> String? {
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
}
