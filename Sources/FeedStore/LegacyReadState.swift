import Foundation

/// `read.json` as stores before schema 3 wrote it: read marks by per-feed item id. Read once, to carry the
/// marks over to the shards, then renamed `read.json.migrated`.
struct LegacyReadState: Codable {
    static let currentSchema = 1

    var schema: Int
    var read: [String: Date]
}
