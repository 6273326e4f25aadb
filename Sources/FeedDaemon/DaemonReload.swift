import FeedConfiguration
import FeedModel
import FeedStore
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Tells a running feedd to read its configuration again.
public enum DaemonReload {
    /// Sends SIGHUP to the feedd running on `store`; returns a line for the person.
    public static func request(store: FeedStore) -> String {
        guard let status = DaemonStatus.running(in: store) else {
            return "feedd is not running: it reads the change when it starts"
        }
        if kill(status.pid, SIGHUP) == 0 { return "feedd (pid \(status.pid)) is reloading its configuration" }
        return "cannot signal feedd (pid \(status.pid)): run `systemctl reload feedd` (or as root) to apply the change"
    }
}
