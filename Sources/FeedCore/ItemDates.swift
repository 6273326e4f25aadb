import Foundation

/// The two dates of an item a reader sees: the one lists are ordered by and the one printed beside it.
public enum ItemDates {
    /// How far past an item's first sighting its publication date may lie and still order it.
    public static let futureTolerance: TimeInterval = 86_400

    /// The publication date, unless it lies more than `futureTolerance` after feedd first saw the item (an
    /// item dated 2099 would otherwise stay at the top of every list for ever): then the first sighting.
    /// Both are stored, so the order never changes with the time a list is made.
    public static func sortDate(published: Date?, firstSeen: Date) -> Date {
        guard let published, published.timeIntervalSince(firstSeen) <= futureTolerance else { return firstSeen }
        return published
    }

    /// The date shown: the publisher's, however far off, else the first sighting.
    public static func shownDate(published: Date?, firstSeen: Date) -> Date { published ?? firstSeen }
}
