import FeedCore
import FeedModel
import Foundation

/// A store file that writes its JSON itself, field by field, in the form `StoreCoding` reads back: the same
/// keys, absent optionals left out, dates as `.iso8601` writes them.
///
/// Foundation's `JSONEncoder` first builds a tree of boxed values with a dictionary per object, then
/// serialises it: for the items file of a new feed that was most of the time feedd spent on it.
protocol StoreJSONEncodable {
    func write(to json: inout JSONWriter)
}

extension StoreJSONEncodable {
    /// The file's bytes.
    var jsonData: Data {
        var json = JSONWriter()
        write(to: &json)
        return json.data
    }
}

/// Members named by a store type's `CodingKeys`, the one list of its keys: each writer below walks every
/// case of it (`allCases`, in the order written) and says for each what is written, so a key added to a
/// type does not compile until its writer writes it, or says why not.
extension JSONWriter {
    mutating func field(_ key: some CodingKey, _ value: String?) { member(key, value) { $0.string($1) } }
    mutating func field(_ key: some CodingKey, _ value: Int?) { member(key, value) { $0.integer($1) } }
    mutating func field(_ key: some CodingKey, _ value: Int64?) { member(key, value) { $0.integer($1) } }
    mutating func field(_ key: some CodingKey, _ value: Bool) { member(key, value) { $0.bool($1) } }
    mutating func field(_ key: some CodingKey, _ value: Date?) { member(key, value) { $0.date($1) } }
    mutating func field(_ key: some CodingKey, _ values: [String]) {
        member(key, values) { $0.array($1) { $0.string($1) } }
    }

    mutating func field(_ key: some CodingKey, _ values: [Int]) {
        member(key, values) { $0.array($1) { $0.integer($1) } }
    }

    mutating func field<Value: StoreJSONEncodable>(_ key: some CodingKey, _ value: Value?) {
        member(key, value) { $1.write(to: &$0) }
    }

    mutating func field<Value: StoreJSONEncodable>(_ key: some CodingKey, _ values: [Value]) {
        member(key, values) { $0.array($1) { $1.write(to: &$0) } }
    }

    /// The member, left out when nil (as `encodeIfPresent` does).
    private mutating func member<Value>(
        _ key: some CodingKey, _ value: Value?, _ write: (inout JSONWriter, Value) -> Void
    ) {
        guard let value else { return }
        self.key(named: key.stringValue)
        write(&self, value)
    }
}

// MARK: - The store's files

extension StoredFeed: StoreJSONEncodable {
    func write(to json: inout JSONWriter) {
        json.object { json in
            for key in CodingKeys.allCases {
                switch key {
                case .schema: json.field(key, Self.currentSchema)
                case .url: json.field(key, url)
                case .title: json.field(key, title)
                case .link: json.field(key, link)
                case .fetch: continue  // kept in fetch-state.log since schema 2
                case .items: json.field(key, items)
                case .tombstones: json.field(key, tombstones)
                case .identityByLinkAndTitle: json.field(key, identityByLinkAndTitle)
                }
            }
        }
    }
}

extension StoredItem: StoreJSONEncodable {
    func write(to json: inout JSONWriter) {
        json.object { json in
            for key in CodingKeys.allCases {
                switch key {
                case .id: json.field(key, id)
                case .identity: json.field(key, identity)
                case .key: json.field(key, self.key)
                case .title: json.field(key, title)
                case .link: json.field(key, link)
                case .published: json.field(key, published)
                case .updated: json.field(key, updated)
                case .authors: json.field(key, authors)
                case .categories: json.field(key, categories)
                case .summary: json.field(key, summary)
                case .content: json.field(key, content)
                case .enclosures: json.field(key, enclosures)
                case .firstSeen: json.field(key, firstSeen)
                case .changed: if changed { json.field(key, changed) }  // only when true, as it was decoded
                }
            }
        }
    }
}

extension Enclosure: StoreJSONEncodable {
    func write(to json: inout JSONWriter) {
        json.object { json in
            for key in CodingKeys.allCases {
                switch key {
                case .url: json.field(key, url)
                case .type: json.field(key, type)
                case .length: json.field(key, length)
                }
            }
        }
    }
}

extension Tombstone: StoreJSONEncodable {
    func write(to json: inout JSONWriter) {
        json.object { json in
            for key in CodingKeys.allCases {
                switch key {
                case .identity: json.field(key, identity)
                case .key: json.field(key, self.key)
                case .deleted: json.field(key, deleted)
                case .absentSince: json.field(key, absentSince)
                }
            }
        }
    }
}

extension ReadShard: StoreJSONEncodable {
    func write(to json: inout JSONWriter) {
        json.object { json in
            for key in CodingKeys.allCases {
                switch key {
                case .schema: json.field(key, schema)
                case .read:
                    json.key(named: key.stringValue)
                    json.object { json in
                        for (itemKey, date) in read {
                            json.key(escaping: itemKey)
                            json.date(date)
                        }
                    }
                }
            }
        }
    }
}

extension FeedStateFile: StoreJSONEncodable {
    func write(to json: inout JSONWriter) {
        json.object { json in
            for key in CodingKeys.allCases {
                switch key {
                case .schema: json.field(key, schema)
                case .url: json.field(key, url)
                case .fetch: json.field(key, fetch)
                }
            }
        }
    }
}

extension FetchState: StoreJSONEncodable {
    func write(to json: inout JSONWriter) {
        json.object { json in
            for key in CodingKeys.allCases {
                switch key {
                case .etag: json.field(key, etag)
                case .lastModified: json.field(key, lastModified)
                case .lastFetch: json.field(key, lastFetch)
                case .lastSuccess: json.field(key, lastSuccess)
                case .lastResult: json.field(key, lastResult)
                case .consecutiveFailures: json.field(key, consecutiveFailures)
                case .nextFetch: json.field(key, nextFetch)
                case .movedTo: json.field(key, movedTo)
                case .bodyHash: json.field(key, bodyHash)
                case .hints: json.field(key, hints)
                case .freshUntil: json.field(key, freshUntil)
                case .itemCount: json.field(key, itemCount)
                case .title: json.field(key, title)
                case .link: json.field(key, link)
                case .adaptiveSeconds: json.field(key, adaptiveSeconds)
                case .disabledFor: json.field(key, disabledFor)
                case .retryAfter: json.field(key, retryAfter)
                }
            }
        }
    }
}

extension PublisherHints: StoreJSONEncodable {
    func write(to json: inout JSONWriter) {
        json.object { json in
            for key in CodingKeys.allCases {
                switch key {
                case .ttlMinutes: json.field(key, ttlMinutes)
                case .updatePeriod: json.field(key, updatePeriod)
                case .updateFrequency: json.field(key, updateFrequency)
                case .skipHours: json.field(key, skipHours)
                case .skipDays: json.field(key, skipDays)
                }
            }
        }
    }
}

extension ItemIndexFile: StoreJSONEncodable {
    func write(to json: inout JSONWriter) {
        json.object { json in
            for key in CodingKeys.allCases {
                switch key {
                case .schema: json.field(key, schema)
                case .title: json.field(key, title)
                case .items: json.field(key, items)
                }
            }
        }
    }
}

extension IndexEntry: StoreJSONEncodable {
    func write(to json: inout JSONWriter) {
        json.object { json in
            for key in CodingKeys.allCases {
                switch key {
                case .id: json.field(key, id)
                case .key: json.field(key, self.key)
                case .feeds: json.field(key, feeds)
                case .title: json.field(key, title)
                case .link: json.field(key, link)
                case .published: json.field(key, published)
                case .updated: json.field(key, updated)
                case .firstSeen: json.field(key, firstSeen)
                case .authors: json.field(key, authors)
                case .categories: json.field(key, categories)
                case .changed: json.field(key, changed)
                case .snippet: json.field(key, snippet)
                }
            }
        }
    }
}

extension HookEvent: StoreJSONEncodable {
    func write(to json: inout JSONWriter) {
        json.object { json in
            for key in CodingKeys.allCases {
                switch key {
                case .schema: json.field(key, schema)
                case .id: json.field(key, id)
                case .kind: json.field(key, kind.rawValue)
                case .created: json.field(key, created)
                case .entries: json.field(key, entries)
                }
            }
        }
    }
}

extension HookEvent.Entry: StoreJSONEncodable {
    func write(to json: inout JSONWriter) {
        json.object { json in
            for key in CodingKeys.allCases {
                switch key {
                case .feed: json.field(key, feed)
                case .feedTitle: json.field(key, feedTitle)
                case .item: json.field(key, item)
                case .read: json.field(key, read)
                case .starred: json.field(key, starred)
                case .tags: json.field(key, tags)
                }
            }
        }
    }
}

extension EventedKeys: StoreJSONEncodable {
    func write(to json: inout JSONWriter) {
        json.object { json in
            for key in CodingKeys.allCases {
                switch key {
                case .schema: json.field(key, schema)
                case .keys: json.field(key, keys)
                }
            }
        }
    }
}
