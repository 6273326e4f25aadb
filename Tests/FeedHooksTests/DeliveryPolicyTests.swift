import FeedHooks
import Foundation
import Testing

@Suite struct DeliveryPolicyTests {
    let created = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func retriesDoubleFromTheFirstDelayUpToTheLongest() {
        var now = created
        var delays: [TimeInterval] = []
        for failures in 1...10 {
            guard let next = DeliveryPolicy.nextAttempt(afterFailures: failures, created: created, now: now) else { break }
            delays.append(next.timeIntervalSince(now))
            now = next
        }
        #expect(delays.prefix(6) == [30, 60, 120, 240, 480, 960])
        #expect(delays.allSatisfy { $0 <= 4 * 3600 })
    }

    @Test func givesUpADayAfterTheDeliveryWasMadeWithALastTryAtTheDeadline() {
        let deadline = created.addingTimeInterval(86_400)
        let late = created.addingTimeInterval(86_400 - 60)
        #expect(DeliveryPolicy.nextAttempt(afterFailures: 20, created: created, now: late) == deadline)
        #expect(DeliveryPolicy.nextAttempt(afterFailures: 21, created: created, now: deadline) == nil)
    }

    @Test func aReceiversRetryAfterIsHonouredWhenLater() {
        let asked = created.addingTimeInterval(600)
        #expect(DeliveryPolicy.nextAttempt(afterFailures: 1, created: created, now: created, retryAfter: asked) == asked)
        let sooner = created.addingTimeInterval(5)
        #expect(DeliveryPolicy.nextAttempt(afterFailures: 1, created: created, now: created, retryAfter: sooner) == created.addingTimeInterval(30))
    }
}
