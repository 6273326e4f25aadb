/// The configuration text with the top-level `feeds:` list taken out, for a reading that needs every
/// section but that one (`ConfigScope.withoutFeeds`): a config of 5,000 feeds costs 80 ms to parse whole,
/// its other sections well under one.
///
/// The list's lines become empty lines and the key becomes `feeds: []`, so every other line keeps its
/// number (errors name the same line as a whole reading would). Only a plainly written file is cut: one
/// `feeds:` key at column 0 with nothing after it on its line, and no document marker, directive, flow
/// mapping or merge at column 0 anywhere. Anything else gives nil, and the caller reads the whole file.
enum FeedListOmission {
    static func text(_ text: String) -> String? {
        let lines = text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        var keyLine: Int?
        for (number, line) in lines.enumerated() {
            // Most lines (indented ones) start with none of the markers: their first byte says so.
            guard let first = line.first, first != UInt8(ascii: " ") else { continue }
            // What could change how the rest is read, or hide a second document: read the whole file.
            if Self.markers.contains(where: { $0[0] == first && line.starts(with: $0) }) { return nil }
            if first == UInt8(ascii: "f"), line.starts(with: "feeds:".utf8) {
                guard keyLine == nil else { return nil }
                let rest = line.dropFirst(6).drop { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") || $0 == UInt8(ascii: "\r") }
                guard rest.isEmpty || rest.first == UInt8(ascii: "#") else { return nil }
                keyLine = number
            }
        }
        guard let keyLine else { return nil }
        var end = keyLine + 1
        // The list runs to the next line at column 0 that is content: not blank, a comment or a `-` item.
        while end < lines.count, !Self.isTopLevelContent(lines[end]) { end += 1 }
        // The lines are slices of `text`: what comes before the key and from the next key on is kept as is.
        let before = Substring(text.utf8[..<lines[keyLine].startIndex])
        let after = end < lines.count ? "\n" + Substring(text.utf8[lines[end].startIndex...]) : ""
        return before + "feeds: []" + String(repeating: "\n", count: end - keyLine - 1) + after
    }

    private static let markers = ["---", "...", "%", "{", "[", "? ", "<<", "&", "*", "!"].map { Array($0.utf8) }

    private static func isTopLevelContent(_ line: Substring.UTF8View.SubSequence) -> Bool {
        guard let first = line.first else { return false }
        return ![UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "#"), UInt8(ascii: "-"), UInt8(ascii: "\r")].contains(first)
    }
}
