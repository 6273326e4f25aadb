import FeedCore
import FeedModel
import Foundation

extension FeedStore {
    /// Records a group of refreshes under one hold of the lock: re-reads each feed's files (another process
    /// may have written them), merges its document, works out its fetch state (`FetchTransition`), then
    /// writes in durable steps: (1) the indexes — the group's unread records, one append to `unread.log`,
    /// then `recent.json` once; (2) the feeds' items files; (3) their fetch states, one append to
    /// `fetch-state.log`; (4) the read marks. A crash between steps leaves index entries for items whose feed
    /// file is the old one (the next fetch merges them again; an entry is added once, by key), never a feed
    /// file or a fetch state ahead of what the steps before it record. Every index the group needs is read
    /// before anything is written, so a rebuild of a damaged one cannot undo this group's first writes.
    ///
    /// One result per record, in order; a record that fails does not keep the others from being recorded.
    public func commit(_ group: [RefreshRecord]) -> [Result<RecordedRefresh, StoreError>] {
        var failures: [Int: StoreError] = [:]
        var done: [Int: RecordedRefresh] = [:]
        do throws(StoreError) {
            try transaction { held throws(StoreError) in
                var marks = held.readMarks()
                let starred = Set(try held.starredItems().starred.keys)
                let untouchable = RuleExemptions(held: held, starred: starred)
                var prepared: [(index: Int, work: PreparedRefresh)] = []
                for (index, record) in group.enumerated() {
                    do throws(StoreError) {
                        prepared.append(
                            (index, try PreparedRefresh(record, held: held, marks: &marks, starred: starred, exempt: untouchable)))
                    } catch {
                        failures[index] = error
                    }
                }
                // Read first: a damaged index is rebuilt here, before this group has written anything.
                var unreadFiles: [Int: ItemIndexFile] = [:]
                var recent: ItemIndexFile?
                for (index, work) in prepared where work.merge?.touchesIndexes == true {
                    do throws(StoreError) {
                        unreadFiles[index] = try held.loadUnread(feedURL: work.record.terms.key)
                    } catch {
                        failures[index] = error
                    }
                }
                if !unreadFiles.isEmpty { recent = try held.loadIndex(ItemIndexFile.recentName) }
                prepared.removeAll { failures[$0.index] != nil }

                // What the rules gave new items, first: a crash after it brings the items back as new at the
                // next fetch, and the rules give them the same again.
                // Read marks too, for the same reason (they are saved again at the end, as ever).
                var starring: [String] = []
                var tagging: [String: [String]] = [:]
                var ruleRead = false
                var starredEntries: [HookEvent.Entry] = []
                for (_, work) in prepared {
                    for (key, verdict) in work.merge?.verdicts ?? [:] {
                        if verdict.star { starring.append(key) }
                        if !verdict.tags.isEmpty { tagging[key, default: []].append(contentsOf: verdict.tags) }
                    }
                    ruleRead = ruleRead || work.ruleRead
                    if work.record.recordsEvents, let merge = work.merge {
                        for item in merge.added where merge.verdicts[item.key]?.star == true && !starred.contains(item.key) {
                            starredEntries.append(try work.entry(for: item, marks: &marks, starred: true))
                        }
                    }
                }
                if !starring.isEmpty || !tagging.isEmpty || ruleRead {
                    try held.durableTogether { () throws(StoreError) in
                        if !starring.isEmpty { _ = try setStarred(starring, true, now: group[0].now, held: held) }
                        _ = try addTags(tagging, held: held)
                        if ruleRead { try marks.save() }
                        if !starredEntries.isEmpty {
                            try recordEvent(.starred(created: group[0].now, entries: starredEntries), held: held)
                        }
                    }
                }

                try held.durableTogether { () throws(StoreError) in
                    guard let recent else { return }
                    var newest = recent
                    // Keys `newest` may hold (more once entries fall off its end): a key not in it needs no search.
                    var newestKeys = Set(newest.items.map { $0.key })
                    for (index, work) in prepared {
                        guard let merge = work.merge, var unread = unreadFiles.removeValue(forKey: index) else { continue }
                        do throws(StoreError) {
                            let changes = try IndexChanges(
                                merge, feed: work.record.terms.key, onUpdate: work.record.terms.onUpdate, marks: &marks)
                            unread.title = work.state.title
                            changes.apply(toUnread: &unread)
                            try held.saveUnread(unread, feedURL: work.record.terms.key)
                            changes.apply(toRecent: &newest, keys: &newestKeys)
                            if work.record.recordsEvents && !merge.added.isEmpty {
                                var entries: [HookEvent.Entry] = []
                                for item in merge.added {
                                    let isStarred = starred.contains(item.key) || merge.verdicts[item.key]?.star == true
                                    entries.append(try work.entry(for: item, marks: &marks, starred: isStarred))
                                }
                                try recordNewItems(feed: work.record.terms.key, created: work.record.now, entries: entries, held: held)
                            }
                        } catch {
                            failures[index] = error
                        }
                    }
                    if newest != recent { try held.saveIndex(newest, named: ItemIndexFile.recentName) }
                }
                prepared.removeAll { failures[$0.index] != nil }
                try held.durableTogether { () throws(StoreError) in
                    for (index, work) in prepared {
                        guard var changedFeed = work.changedFeed else { continue }
                        changedFeed.fetch = work.state
                        do throws(StoreError) {
                            try held.saveItems(changedFeed)
                        } catch {
                            failures[index] = error
                        }
                    }
                }
                prepared.removeAll { failures[$0.index] != nil }
                try held.durableTogether { () throws(StoreError) in
                    for (index, work) in prepared {
                        do throws(StoreError) {
                            try held.saveFetchState(url: work.record.terms.key, fetch: work.state)
                        } catch {
                            failures[index] = error
                        }
                    }
                }
                try held.durableTogether { () throws(StoreError) in try marks.save() }
                for (index, work) in prepared {
                    done[index] = RecordedRefresh(
                        state: work.state, newItems: work.merge?.newCount ?? 0, changedItems: work.merge?.updatedCount ?? 0,
                        blockedItems: work.merge?.blocked.count ?? 0, added: work.merge?.added ?? [])
                }
            }
        } catch {
            for index in group.indices where failures[index] == nil { failures[index] = error }
        }
        return group.indices.map { index in
            if let recorded = done[index], failures[index] == nil { return .success(recorded) }
            return .failure(failures[index] ?? .cannotWrite(path: directory.path, reason: "not recorded"))
        }
    }
}

/// One feed's part of a group commit, worked out under the lock before anything is written.
private struct PreparedRefresh {
    var record: RefreshRecord
    var state: FetchState
    /// Set when the items file must be rewritten (items, title or link changed, or an older schema).
    var changedFeed: StoredFeed?
    var merge: ItemMerge.Outcome?
    /// Whether a rule marked one of its new items read.
    var ruleRead = false

    init(
        _ record: RefreshRecord, held: StoreTransaction, marks: inout ReadMarks, starred: Set<String>, exempt: RuleExemptions
    ) throws(StoreError) {
        self.record = record
        let key = record.terms.key
        // Only the small state file is read unless there are items to merge.
        let previous = try held.loadFetchState(url: key) ?? FetchState()
        var merged: StoredFeed?
        if case .document(_, let document) = record.verdict {
            let stored = try held.loadItems(url: key) ?? StoredFeed(url: key)
            let merge = try ItemMerge.merge(
                stored, document: document.items, now: record.now, retention: record.terms.retention, starred: starred,
                rules: record.rules, isRead: { key throws(StoreError) in try marks.isRead(key) })
            // Read by a rule before the unread index is worked out, so it never lists the item; unless the
            // article is known already (another feed carries it unread, or a person starred it or kept it
            // unread): a rule acts on what is new to the person, and leaves their choices alone.
            for (key, verdict) in merge.verdicts where verdict.markRead {
                guard try !exempt.contains(key) else { continue }
                try marks.markRead(key, at: record.now)
                ruleRead = true
            }
            var updated = merge.feed
            updated.title = document.title ?? stored.title
            updated.link = document.link ?? stored.link
            if merge.changed || updated.title != stored.title || updated.link != stored.link
                || stored.schema < StoredFeed.currentSchema
            {
                changedFeed = updated
            }
            self.merge = merge
            merged = updated
        }
        state = FetchTransition.next(
            after: previous, verdict: record.verdict, merged: merged, terms: record.terms, now: record.now,
            schedule: record.schedule, jitter: record.jitter)
    }
}

extension PreparedRefresh {
    /// A new item of this refresh as a hook event tells of it.
    func entry(for item: StoredItem, marks: inout ReadMarks, starred: Bool) throws(StoreError) -> HookEvent.Entry {
        HookEvent.Entry(
            feed: record.terms.key, feedTitle: state.title, item: item, read: try marks.isRead(item.key), starred: starred,
            tags: merge?.verdicts[item.key]?.tags ?? [])
    }
}

/// The keys a rule's mark_read leaves alone at a commit: starred, kept unread by hand, or unread in some
/// feed's record already. Read from the store only when a rule marks something read.
private final class RuleExemptions {
    private let held: StoreTransaction
    private let starred: Set<String>
    private var known: Set<String>?

    init(held: StoreTransaction, starred: Set<String>) {
        self.held = held
        self.starred = starred
    }

    func contains(_ key: String) throws(StoreError) -> Bool {
        if starred.contains(key) { return true }
        if known == nil {
            known = Set(try held.store.keptUnreadKeys(held: held)).union(try held.unreadReferences().map(\.key))
        }
        return known?.contains(key) ?? false
    }
}

extension ItemMerge.Outcome {
    /// Whether the merge adds, changes or removes an item the indexes list.
    fileprivate var touchesIndexes: Bool { !added.isEmpty || !updated.isEmpty || !removed.isEmpty }
}
