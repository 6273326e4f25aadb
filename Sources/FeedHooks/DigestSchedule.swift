import FeedConfiguration
import Foundation

/// When a hook's gathered events go out as one digest.
public enum DigestSchedule {
    /// The time the digest begun at `started` is due: `batch` later, or the next `daily` time after it in
    /// `calendar`'s time zone (local time by default); nil for a hook that does not gather.
    public static func due(_ gathering: HookConfig.Gathering, started: Date, calendar: Calendar = .current) -> Date? {
        switch gathering {
        case .none:
            return nil
        case .batch(let duration):
            return started.addingTimeInterval(DeliveryPolicy.seconds(duration))
        case .daily(let hour, let minute):
            return calendar.nextDate(
                after: started, matching: DateComponents(hour: hour, minute: minute, second: 0), matchingPolicy: .nextTime)
        }
    }
}
