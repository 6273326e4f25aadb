import FeedConfiguration
import FeedHooks
import Foundation
import Testing

@Suite struct DigestScheduleTests {
    var paris: Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Europe/Paris") ?? .gmt
        return calendar
    }

    func date(_ text: String) -> Date { ISO8601DateFormatter().date(from: text) ?? .distantPast }

    @Test func aBatchIsDueItsLengthAfterItsFirstItem() {
        let started = date("2026-12-07T06:10:00Z")
        #expect(DigestSchedule.due(.batch(.seconds(3600)), started: started) == date("2026-12-07T07:10:00Z"))
        #expect(DigestSchedule.due(.none, started: started) == nil)
    }

    @Test func aDailyDigestIsDueAtTheNextLocalTimeAfterItsFirstItem() {
        let morning = HookConfig.Gathering.daily(hour: 7, minute: 0)
        // 06:10 UTC is 07:10 in Paris: today's 07:00 has gone, so tomorrow's.
        #expect(DigestSchedule.due(morning, started: date("2026-12-07T06:10:00Z"), calendar: paris) == date("2026-12-08T06:00:00Z"))
        #expect(DigestSchedule.due(morning, started: date("2026-12-07T05:10:00Z"), calendar: paris) == date("2026-12-07T06:00:00Z"))
        // Summer time: 07:00 in Paris is 05:00 UTC.
        #expect(DigestSchedule.due(morning, started: date("2026-07-01T12:00:00Z"), calendar: paris) == date("2026-07-02T05:00:00Z"))
    }
}
