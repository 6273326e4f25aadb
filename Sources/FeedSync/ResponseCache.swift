import FeedConfiguration
import FeedStore
import Foundation
import Synchronization

/// Answers to reading requests, given again while the store and the configuration are as they were: apps
/// poll the same streams every few minutes, and most polls find nothing new. An entry is keyed by the path and
/// the parameters (the write token aside); the whole cache goes when the store's `StoreChangeStamp` or the
/// configuration changes, and nothing is kept while the stamp cannot be trusted. At most `byteLimit` bytes
/// of answers are kept, the least recently used going first.
final class ResponseCache: Sendable {
    struct Key: Hashable, Sendable {
        var path: String
        var parameters: [String]
    }

    private struct State {
        var stamp: StoreChangeStamp?
        var configuration: Configuration?
        var entries: [Key: (response: SyncResponse, used: UInt64)] = [:]
        var bytes = 0
        var clock: UInt64 = 0
    }

    static let byteLimit = 32 << 20
    private let state = Mutex(State())

    static func key(_ request: SyncRequest, path: String) -> Key {
        Key(path: path, parameters: request.parameters.filter { $0.name != "T" }.map { "\($0.name)=\($0.value)" }.sorted())
    }

    /// The cached answer to `key`, or `compute`'s, kept when it succeeded and the store's stamp was known
    /// before and after it.
    func response(for key: Key, store: FeedStore, configuration: Configuration, compute: () -> SyncResponse) -> SyncResponse {
        let before = store.changeStamp()
        if let before {
            let hit = state.withLock { state -> SyncResponse? in
                guard state.stamp == before, state.configuration == configuration, var entry = state.entries[key] else { return nil }
                state.clock += 1
                entry.used = state.clock
                state.entries[key] = entry
                return entry.response
            }
            if let hit { return hit }
        }
        let response = compute()
        guard response.status == 200, let before, store.changeStamp() == before, response.body.count <= Self.byteLimit / 4 else { return response }
        state.withLock { state in
            if state.stamp != before || state.configuration != configuration {
                state = State(stamp: before, configuration: configuration)
            }
            state.clock += 1
            if let old = state.entries[key] { state.bytes -= old.response.body.count }
            state.entries[key] = (response, state.clock)
            state.bytes += response.body.count
            while state.bytes > Self.byteLimit, let oldest = state.entries.min(by: { $0.value.used < $1.value.used }) {
                state.bytes -= oldest.value.response.body.count
                state.entries[oldest.key] = nil
            }
        }
        return response
    }
}
