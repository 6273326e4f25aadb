import Foundation
import Testing

@testable import FeedSync

struct LoginThrottleTests {
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func eachFailureDoublesTheWaitUpToAMinute() {
        var throttle = LoginThrottle()
        #expect(throttle.wait(for: "192.0.2.1", now: start) == nil)
        var now = start
        var waits: [Int] = []
        for _ in 0..<9 {
            throttle.failed("192.0.2.1", now: now)
            let wait = throttle.wait(for: "192.0.2.1", now: now) ?? 0
            waits.append(Int(wait))
            now = now.addingTimeInterval(wait)
            #expect(throttle.wait(for: "192.0.2.1", now: now) == nil, "once waited, it may try again")
        }
        #expect(waits == [1, 2, 4, 8, 16, 32, 60, 60, 60])
        // Another address is not held back.
        #expect(throttle.wait(for: "192.0.2.2", now: start) == nil)
    }

    @Test func aSuccessOrAQuarterHourForgetsTheFailures() {
        var throttle = LoginThrottle()
        for _ in 0..<5 { throttle.failed("a", now: start) }
        throttle.succeeded("a")
        #expect(throttle.wait(for: "a", now: start) == nil)
        for _ in 0..<5 { throttle.failed("b", now: start) }
        #expect(throttle.wait(for: "b", now: start.addingTimeInterval(10)) != nil)
        let later = start.addingTimeInterval(LoginThrottle.memory)
        #expect(throttle.wait(for: "b", now: later) == nil)
        throttle.failed("b", now: later)
        #expect(throttle.wait(for: "b", now: later).map { $0 <= 1 } == true, "starts afresh")
    }

    @Test func aFloodFromManyAddressesKeepsTheTableBounded() {
        var throttle = LoginThrottle()
        for number in 0..<(LoginThrottle.capacity * 3) {
            throttle.failed("10.0.\(number / 256).\(number % 256)", now: start.addingTimeInterval(Double(number) / 1000))
        }
        #expect(throttle.count == LoginThrottle.capacity)
        // The newest are the ones remembered.
        let last = LoginThrottle.capacity * 3 - 1
        #expect(throttle.wait(for: "10.0.\(last / 256).\(last % 256)", now: start.addingTimeInterval(Double(last) / 1000)) != nil)
    }
}
