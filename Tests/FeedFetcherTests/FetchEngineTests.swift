import FeedCore
@testable import FeedFetcher
import Foundation
import Synchronization
import TestScheduling
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The fetch engine against real servers on 127.0.0.1 that misbehave on purpose.
@Suite(.ownThread)
struct FetchEngineTests {
    static let feed = "<rss version=\"2.0\"><channel><title>t</title><item><title>i</title></item></channel></rss>"

    static func request(_ url: URL, maxBodyBytes: Int = 16 << 20, lowSpeed: Duration = .seconds(20)) -> FetchRequest {
        FetchRequest(url: url, userAgent: "feedd-test/1", timeout: .seconds(30), maxBodyBytes: maxBodyBytes, lowSpeedTime: lowSpeed)
    }

    static func residentMiB() -> Int {
        let fields = ((try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8)) ?? "").split(separator: " ")
        return fields.count > 1 ? (Int(fields[1]) ?? 0) * 4096 >> 20 : 0
    }

    @Test func identityHeadersAndBasicAuthAreSent() async throws {
        let server = try TestHTTPServer { _ in .init(text: Self.feed) }
        var request = Self.request(server.url("/f"))
        request.userAgent = "custom-agent/2.0"
        request.headers = [("X-Api-Key", "k1"), ("Accept-Language", "fr")]
        request.basicAuth = (user: "ana", password: "s3cret:with colon")
        let response = try await FetchEngine().fetch(request)
        #expect(response.status == 200)
        let seen = try #require(server.requests.first)
        #expect(seen.headers["user-agent"] == "custom-agent/2.0")
        #expect(seen.headers["x-api-key"] == "k1")
        #expect(seen.headers["accept-language"] == "fr")
        #expect(seen.headers["authorization"] == "Basic " + Data("ana:s3cret:with colon".utf8).base64EncodedString())
    }

    @Test func aSlowlorisServerIsAbortedByTheLowSpeedLimit() async throws {
        let servedFor = Locked<Duration?>(nil)
        let server = try TestHTTPServer { _ in
            .raw { connection in
                let started = ContinuousClock.now
                connection.send("HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n")
                for _ in 0..<90 where connection.send("<") { sleep(1) }  // one byte a second
                servedFor.withLock { $0 = ContinuousClock.now - started }
            }
        }
        await #expect(throws: FetchError.self) {
            var request = Self.request(server.url("/slow"), lowSpeed: .seconds(2))
            request.timeout = .seconds(120)  // so that only the low-speed limit can end it in time
            return try await FetchEngine().fetch(request)
        }
        // Measured by the server, whose thread no other test can hold up: the client hung up after the
        // 2 s low-speed window (about 3 s on a quiet machine, up to 20 s in a parallel run on two cores),
        // long before the 90 s the server would go on.
        while servedFor.value == nil { try await Task.sleep(for: .milliseconds(50)) }
        #expect(try #require(servedFor.value) < .seconds(45))
    }

    @Test func anEndlessBodyStopsAtTheLimit() async throws {
        let server = try TestHTTPServer { _ in
            .raw { connection in
                connection.send("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
                let chunk = "10000\r\n" + String(repeating: "x", count: 0x10000) + "\r\n"
                while connection.send(chunk) {}
            }
        }
        await #expect(throws: FetchError.tooLarge(limit: 1 << 20)) {
            try await FetchEngine().fetch(Self.request(server.url("/endless"), maxBodyBytes: 1 << 20))
        }
    }

    @Test func aGzipBombStopsAtTheLimitWithMemoryBounded() async throws {
        // 256 MiB of zeros compress to about 256 KiB; the limit applies to the decompressed bytes.
        let bomb = try gzip(count: 256 << 20)
        let server = try TestHTTPServer { _ in .init(headers: [("Content-Encoding", "gzip")], body: bomb) }
        let before = Self.residentMiB()
        await #expect(throws: FetchError.tooLarge(limit: 16 << 20)) {
            try await FetchEngine().fetch(Self.request(server.url("/bomb")))
        }
        #expect(Self.residentMiB() - before < 200, "memory must stay bounded by the body limit")
    }

    @Test func aConnectionResetMidBodyIsANetworkError() async throws {
        let server = try TestHTTPServer { _ in
            .raw { connection in
                connection.send("HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n<rss version=\"2.0\"><channel>")
                usleep(100_000)
                connection.reset()
            }
        }
        do {
            _ = try await FetchEngine().fetch(Self.request(server.url("/reset")))
            Issue.record("a reset transfer must fail")
        } catch {
            guard case .network = error else {
                Issue.record("expected a network error, got \(error)")
                return
            }
        }
    }

    @Test func perHostLimitIsRespectedAndOtherHostsAreNotHeldUp() async throws {
        let inFlight = Locked((now: 0, most: 0))
        let arrivals = Locked<[ContinuousClock.Instant]>([])
        let slow = try TestHTTPServer { _ in
            arrivals.withLock { $0.append(ContinuousClock.now) }
            inFlight.withLock { $0.now += 1; $0.most = max($0.most, $0.now) }
            usleep(200_000)
            inFlight.withLock { $0.now -= 1 }
            return .init(text: Self.feed)
        }
        let otherArrival = Locked<ContinuousClock.Instant?>(nil)
        let other = try TestHTTPServer { _ in
            otherArrival.withLock { $0 = ContinuousClock.now }
            return .init(text: Self.feed)
        }
        let engine = FetchEngine(settings: FetchSettings(concurrency: 16, perHost: 2))
        await withTaskGroup(of: Void.self) { group in
            for index in 0..<10 {
                group.addTask { _ = try? await engine.fetch(Self.request(slow.url("/\(index)"))) }
            }
            group.addTask { _ = try? await engine.fetch(Self.request(other.url("/other"))) }
        }
        #expect(inFlight.value.most == 2)
        #expect(slow.requests.count == 10)
        // The other host was served while the slow one still had most of its queue to go.
        let slowArrivals = arrivals.value
        let otherServed = try #require(otherArrival.value)
        #expect(otherServed < slowArrivals[4], "the other host must not wait behind the slow one")
    }

    /// While every slot is taken a queued job does not wake the engine thread: the transfer that ends makes
    /// it look at the queue. Each wave of two must start as the one before ends, not after the engine's
    /// sleep, made 20 s here so that a missed wake-up cannot pass for a slow machine.
    @Test func jobsQueuedWhileEverySlotIsTakenStartAsSlotsFree() async throws {
        let arrivals = Locked<[ContinuousClock.Instant]>([])
        let server = try TestHTTPServer(keepAlive: true) { _ in
            arrivals.withLock { $0.append(ContinuousClock.now) }
            usleep(100_000)
            return .init(text: Self.feed)
        }
        let engine = FetchEngine(settings: FetchSettings(concurrency: 2, perHost: 2), pollLimit: .seconds(20))
        let first = Task { try await engine.fetch(Self.request(server.url("/first"))).status }
        // A bound for a loaded machine (the suite runs in parallel on two cores), not a timing.
        let deadline = ContinuousClock.now + .seconds(60)
        while arrivals.value.isEmpty {
            guard ContinuousClock.now < deadline else {
                Issue.record("the first request never reached the server")
                return
            }
            try await Task.sleep(for: .milliseconds(5))
        }
        let statuses = await withTaskGroup(of: Int?.self) { group in
            for index in 0..<11 {
                group.addTask { try? await engine.fetch(Self.request(server.url("/\(index)"))).status }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(try await first.value == 200)
        #expect(statuses.count == 11 && statuses.allSatisfy { $0 == 200 })
        let times = arrivals.value.sorted()
        #expect(times.count == 12)
        // Arrivals two apart are one 100 ms transfer apart; a missed wake-up would show as 20 s or more.
        let gaps = zip(times, times.dropFirst(2)).map { $1 - $0 }
        #expect(gaps.allSatisfy { $0 < .seconds(10) }, "gaps: \(gaps)")
        // Slots free again: a new job wakes the idle engine (asleep for 100 s otherwise).
        let late = ContinuousClock.now
        #expect(try await engine.fetch(Self.request(server.url("/late"))).status == 200)
        #expect(ContinuousClock.now - late < .seconds(10))
    }

    /// With the socket interface only ready sockets do work: a transfer that sleeps on a server that never
    /// answers must not hold up others, and its own timeout still fires (curl's timer, not a socket).
    @Test func aSilentServerTimesOutWithoutHoldingUpTheOthers() async throws {
        let silentArrival = Locked<ContinuousClock.Instant?>(nil)
        let silent = try TestHTTPServer { _ in
            silentArrival.withLock { $0 = ContinuousClock.now }
            sleep(90)
            return .init(text: Self.feed)
        }
        let quick = try TestHTTPServer(keepAlive: true) { _ in .init(text: Self.feed) }
        let engine = FetchEngine(settings: FetchSettings(concurrency: 4, perHost: 2), pollLimit: .seconds(60))
        var stalled = Self.request(silent.url("/silent"))
        stalled.timeout = .seconds(3)
        let silentTask = Task { () async -> FetchError? in
            do throws(FetchError) {
                _ = try await engine.fetch(stalled)
                return nil
            } catch {
                return error
            }
        }
        for index in 0..<10 {
            #expect(try await engine.fetch(Self.request(quick.url("/\(index)"))).status == 200)
        }
        let quickDone = ContinuousClock.now
        let error = await silentTask.value
        let timedOut = ContinuousClock.now
        #expect(quickDone < timedOut, "the quick host waited for the silent one")
        guard case .timeout = error else {
            Issue.record("expected a timeout, got \(String(describing: error))")
            return
        }
        // The server answers 90 s after the request arrived, and the engine sleeps up to 60 s unwoken: a
        // timeout that fired only on either would be too late.
        let arrival = try #require(silentArrival.value)
        #expect(timedOut - arrival < .seconds(30), "\(timedOut - arrival)")
    }

    @Test func connectionsToAHostAreReusedWithinItsLimit() async throws {
        let server = try TestHTTPServer(keepAlive: true) { _ in .init(text: Self.feed) }
        let engine = FetchEngine(settings: FetchSettings(concurrency: 16, perHost: 2))
        await withTaskGroup(of: Void.self) { group in
            for index in 0..<20 {
                group.addTask { _ = try? await engine.fetch(Self.request(server.url("/\(index)"))) }
            }
        }
        for index in 20..<25 { _ = try await engine.fetch(Self.request(server.url("/\(index)"))) }
        #expect(server.requests.count == 25)
        #expect(server.connections <= 2, "25 requests to one host over at most per_host connections")
    }

    @Test func aJobQueuedBehindAHostAtItsLimitStartsAtOnce() async throws {
        let slowArrivals = Locked<[String: ContinuousClock.Instant]>([:])
        let slow = try TestHTTPServer { request in
            slowArrivals.withLock { $0[request.path] = ContinuousClock.now }
            sleep(2)  // long beside what a busy machine delays the other host's job by
            return .init(text: Self.feed)
        }
        let fastArrival = Locked<ContinuousClock.Instant?>(nil)
        let fast = try TestHTTPServer { _ in
            fastArrival.withLock { $0 = ContinuousClock.now }
            return .init(text: Self.feed)
        }
        let engine = FetchEngine(settings: FetchSettings(concurrency: 2, perHost: 1))
        let first = Task { try await engine.fetch(Self.request(slow.url("/0"))).status }
        while slowArrivals.value.isEmpty { try await Task.sleep(for: .milliseconds(5)) }
        // Queued in this order: two for the busy host, then one for another host.
        let queued = [
            Task { try await engine.fetch(Self.request(slow.url("/1"))).status },
            Task { try await engine.fetch(Self.request(slow.url("/2"))).status },
        ]
        try await Task.sleep(for: .milliseconds(20))
        let other = try await engine.fetch(Self.request(fast.url("/other")))
        #expect(other.status == 200)
        let otherServed = try #require(fastArrival.value)
        #expect(try await first.value == 200)
        for task in queued { #expect(try await task.value == 200) }
        let second = try #require(slowArrivals.value["/1"])
        #expect(otherServed < second, "the other host's job did not wait for the busy host's queue")
    }

    @Test func retryAfterMakesThatHostWaitAndOnlyThatHost() async throws {
        let limited = try TestHTTPServer { request in
            request.path == "/seconds"
                ? .init(status: 429, headers: [("Retry-After", "120")])
                : .init(status: 503, headers: [("Retry-After", HTTPDecisions.httpDate(Date().addingTimeInterval(3600)))])
        }
        let other = try TestHTTPServer { _ in .init(text: Self.feed) }
        let engine = FetchEngine()
        let before = Date()
        let first = try await engine.fetch(Self.request(limited.url("/seconds")))
        let after = Date()
        #expect(first.status == 429)
        let wait = try #require(engine.hostWaits["127.0.0.1:\(limited.port)"])
        #expect(wait >= before.addingTimeInterval(120) && wait <= after.addingTimeInterval(120))
        await #expect(throws: FetchError.hostWaiting(until: wait)) {
            try await engine.fetch(Self.request(limited.url("/another")))
        }
        #expect(limited.requests.count == 1, "a waiting host is not contacted")
        #expect(try await engine.fetch(Self.request(other.url("/feed"))).status == 200)

        let dated = FetchEngine()
        let sent = Date()
        #expect(try await dated.fetch(Self.request(limited.url("/date"))).status == 503)
        let until = try #require(dated.hostWaits["127.0.0.1:\(limited.port)"])
        #expect(until > sent.addingTimeInterval(3500))
    }

    @Test func queuedJobsOfAHostToldToWaitAreRefusedAtOnce() async throws {
        let server = try TestHTTPServer { _ in
            usleep(200_000)
            return .init(status: 429, headers: [("Retry-After", "3600")])
        }
        let engine = FetchEngine(settings: FetchSettings(concurrency: 1, perHost: 1))
        let outcomes = await withTaskGroup(of: Result<Int, FetchError>.self) { group in
            for index in 0..<6 {
                group.addTask {
                    do throws(FetchError) {
                        return .success(try await engine.fetch(Self.request(server.url("/\(index)"))).status)
                    } catch {
                        return .failure(error)
                    }
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(server.requests.count == 1, "the queued jobs never reach the host")
        #expect(outcomes.filter { (try? $0.get()) == 429 }.count == 1)
        #expect(outcomes.filter { if case .failure(.hostWaiting) = $0 { true } else { false } }.count == 5)
    }

    @Test func aQueuedJobCancelledEndsAtOnceWhileTheQueueWaits() async throws {
        let server = try TestHTTPServer { _ in
            sleep(10)
            return .init(text: Self.feed)
        }
        let engine = FetchEngine(settings: FetchSettings(concurrency: 1, perHost: 1), pollLimit: .seconds(20))
        let blockerDone = Locked(false)
        let blocker = Task {
            _ = try? await engine.fetch(Self.request(server.url("/first")))
            blockerDone.withLock { $0 = true }
        }
        while server.requests.isEmpty { try await Task.sleep(for: .milliseconds(10)) }
        let queued = (0..<200).map { index in
            Task { () -> FetchError? in
                do throws(FetchError) {
                    _ = try await engine.fetch(Self.request(server.url("/\(index)")))
                    return nil
                } catch {
                    return error
                }
            }
        }
        try await Task.sleep(for: .milliseconds(100))
        queued[100].cancel()
        #expect(await queued[100].value == .cancelled)
        #expect(!blockerDone.value, "ended while the transfer in flight still runs, not after it")
        for task in queued { task.cancel() }
        blocker.cancel()
        for task in queued { _ = await task.value }
        _ = await blocker.value
        #expect(server.requests.count <= 2)
    }

    @Test func shutdownAbortsFiftyTransfersInFlightPromptly() async throws {
        let server = try TestHTTPServer { _ in
            .raw { connection in
                connection.send("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n")
                sleep(90)
            }
        }
        let engine = FetchEngine(settings: FetchSettings(concurrency: 50, perHost: 50))
        let cancelled = Locked(0)
        let started = ContinuousClock.now
        let task = Task {
            await withTaskGroup(of: Void.self) { group in
                for index in 0..<50 {
                    group.addTask {
                        do {
                            _ = try await engine.fetch(Self.request(server.url("/\(index)")))
                        } catch {
                            if (error as? FetchError) == .cancelled { cancelled.withLock { $0 += 1 } }
                        }
                    }
                }
            }
        }
        // A bound for a loaded machine (the suite runs in parallel on two cores), not a timing.
        while server.requests.count < 50 && ContinuousClock.now - started < .seconds(60) {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(server.requests.count == 50, "all fifty were in flight")
        let cancelledAt = ContinuousClock.now
        task.cancel()
        await task.value
        #expect(cancelled.withLock { $0 } == 50)
        #expect(ContinuousClock.now - cancelledAt < .seconds(45), "not the 90 s the server would hold them")
    }

    @Test func aProxyFromTheSettingsIsUsed() async throws {
        let proxy = try TestHTTPServer { _ in .init(text: Self.feed) }
        let engine = FetchEngine(settings: FetchSettings(proxy: "http://127.0.0.1:\(proxy.port)"))
        let response = try await engine.fetch(Self.request(URL(string: "http://feeds.example.invalid/rss")!))
        #expect(response.status == 200)
        #expect(proxy.requests.first?.path == "http://feeds.example.invalid/rss")
    }

    /// `count` zero bytes, gzipped with the system's gzip.
    func gzip(count: Int) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "head -c \(count) /dev/zero | gzip -c"]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return data
    }
}
