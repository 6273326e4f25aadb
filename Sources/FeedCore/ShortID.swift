/// The short form of an item id that people read and type, git-style: the shortest prefix no other id of
/// the store shares, and at least `minimumLength` digits.
public enum ShortID {
    public static let minimumLength = 4

    /// The length of `id`'s short form, given its neighbours in the sorted list of every id of the store
    /// (the ids just before and just after it; nil at either end). A prefix shared with any other id is
    /// shared with one of the two neighbours, so these are enough.
    public static func length(of id: String, before: String?, after: String?) -> Int {
        let shared = max(before.map { commonPrefixLength(id, $0) } ?? 0, after.map { commonPrefixLength(id, $0) } ?? 0)
        return min(id.utf8.count, max(minimumLength, shared + 1))
    }

    /// The short form of each id of `sorted` (every id of the store, ascending, without repeats), in order.
    public static func lengths(sorted ids: [String]) -> [Int] {
        ids.indices.map { index in
            length(
                of: ids[index], before: index > ids.startIndex ? ids[index - 1] : nil,
                after: index + 1 < ids.endIndex ? ids[index + 1] : nil)
        }
    }

    static func commonPrefixLength(_ a: String, _ b: String) -> Int {
        var count = 0
        for (x, y) in zip(a.utf8, b.utf8) {
            guard x == y else { break }
            count += 1
        }
        return count
    }
}
