import FeedConfiguration
import Synchronization

/// The configuration the daemon runs now, for what reads it from other tasks (the sync API's requests).
final class RunningConfiguration: Sendable {
    private let value: Mutex<Configuration>

    init(_ configuration: Configuration) { value = Mutex(configuration) }

    var current: Configuration {
        get { value.withLock { $0 } }
        set { value.withLock { $0 = newValue } }
    }
}
