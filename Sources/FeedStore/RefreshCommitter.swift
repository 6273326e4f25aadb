import FeedCore
import Foundation

/// Records refreshes as they finish, in groups (`CommitQueue`): the refreshes that finish while one group
/// is written are recorded together in the next, so a cold start with hundreds of feeds pays for the shared
/// indexes and folder fsyncs once per group rather than once per feed. Shared by every refresh of a run.
public final class RefreshCommitter: Sendable {
    public let store: FeedStore
    private let queue: CommitQueue<RefreshRecord, Result<RecordedRefresh, StoreError>>

    /// `gathering`: how long a group waits for refreshes announced (`begin`) to join it; `clock` measures it.
    public init(store: FeedStore, gathering: Duration = .milliseconds(20), clock: any Clock<Duration> = ContinuousClock()) {
        self.store = store
        queue = CommitQueue(gathering: gathering, clock: clock)
    }

    /// Announces a refresh that will be recorded (a fetch under way).
    public func begin() { queue.begin() }

    /// Withdraws an announced refresh that will not be recorded after all (cancelled).
    public func abandon() { queue.abandon() }

    /// Records one refresh, with the others that finish meanwhile.
    public func record(_ record: RefreshRecord) async -> Result<RecordedRefresh, StoreError> {
        await queue.submit(record, key: record.terms.key) { group in store.commit(group) }
    }
}
