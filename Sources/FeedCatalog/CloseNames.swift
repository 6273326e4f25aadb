/// The names closest to one a person mistyped, for "did you mean" lines: those that contain it or that it
/// contains, then those within a few edits, case and accents ignored.
public enum CloseNames {
    public static func suggestions(for typed: String, among names: [String], limit: Int = 3) -> [String] {
        let wanted = ItemFilter.folded(typed)
        var scored: [(name: String, distance: Int)] = []
        for name in Set(names) {
            let candidate = ItemFilter.folded(name)
            if !wanted.isEmpty, candidate.contains(wanted) || wanted.contains(candidate) {
                scored.append((name, 0))
                continue
            }
            let distance = editDistance(Array(wanted), Array(candidate))
            if distance <= max(2, wanted.count / 3) { scored.append((name, distance)) }
        }
        return scored.sorted { ($0.distance, $0.name) < ($1.distance, $1.name) }.prefix(limit).map(\.name)
    }

    /// Levenshtein distance, one row at a time.
    static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
