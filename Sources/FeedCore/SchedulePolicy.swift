/// The bounds every feed's schedule stays within (config `schedule.min_interval` / `schedule.max_interval`).
public struct SchedulePolicy: Sendable, Equatable {
    public var minInterval: Duration
    public var maxInterval: Duration

    public init(minInterval: Duration = .seconds(300), maxInterval: Duration = .seconds(86_400)) {
        self.minInterval = minInterval
        self.maxInterval = max(minInterval, maxInterval)
    }
}
