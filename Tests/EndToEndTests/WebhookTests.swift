import Crypto
import Foundation
import Synchronization
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Webhooks from the real daemon to receivers on 127.0.0.1: one that checks the signature and fails
/// twice before taking the event, one that hangs, one that never answers, while fetching goes on.
@Suite(.serialized)
struct WebhookTests {
    static func hex(_ bytes: some Sequence<UInt8>) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    @Test func aSignedWebhookIsRetriedUnderOneDeliveryIDUntilItsReceiverTakesIt() async throws {
        let secret = "s3cret du webhook"
        let answered = Mutex(0)
        let server = try TestHTTPServer { request in
            guard request.path == "/hook" else { return .init(body: HooksTests.rss(["Sécurité : « correctif » publié"])) }
            // The receiver checks the signature itself, with the secret it was given.
            let expected = "sha256=" + Self.hex(HMAC<SHA256>.authenticationCode(for: request.body, using: SymmetricKey(data: Data(secret.utf8))))
            guard request.headers["x-feedd-signature"] == expected else { return .init(status: 401, text: "bad signature") }
            let number = answered.withLock { value -> Int in
                value += 1
                return value
            }
            return .init(status: number <= 2 ? 500 : 200, text: number <= 2 ? "try later" : "ok")
        }
        let directory = try TemporaryDirectory()
        let secretFile = try directory.write("secret", secret + "\n")
        let config = try directory.write(
            "c.yaml",
            """
            state_dir: s
            hooks:
              - name: phone
                webhook: \(server.url("/hook"))
                secret_file: \(secretFile)
                headers: {X-Token: jeton}
                first_retry: 1s
            feeds:
              - url: \(server.url("/feed"))
                name: Journal
                interval: 1h

            """)
        let daemon = try RunningDaemon(config: config, directory: directory)
        let delivered = try await daemon.wait(seconds: 30) { daemon.count("hook delivered") == 1 }
        #expect(await daemon.stop() == .exited(0))
        try #require(delivered, "\(daemon.log)")

        let posts = server.requests.filter { $0.path == "/hook" }
        #expect(posts.count == 3, "two 500s, then the 200")
        #expect(posts.allSatisfy { $0.method == "POST" && $0.headers["content-type"] == "application/json" && $0.headers["x-token"] == "jeton" })
        // Every attempt is the same delivery: one id, the same bytes, so the receiver handles the event once.
        let ids = Set(posts.compactMap { $0.headers["x-feedd-delivery"] })
        #expect(ids.count == 1 && Set(posts.map(\.body)).count == 1, "\(ids)")
        let payload = try #require(try JSONSerialization.jsonObject(with: posts[2].body) as? [String: Any])
        #expect(payload["delivery"] as? String == ids.first)
        #expect((payload["items"] as? [[String: Any]])?.compactMap { $0["title"] as? String } == ["Sécurité : « correctif » publié"])
        // The retries are logged, each with the receiver's answer and when the next attempt comes.
        #expect(daemon.count("hook attempt failed") == 2, "\(daemon.log)")
        #expect(daemon.count("answered HTTP 500") == 2 && daemon.log.contains("next_attempt"), "\(daemon.log)")
        let after = try await Subprocess.run("feedctl", ["hooks", "--config", config])
        #expect(after.stdout.contains("phone  webhook  new_items  0 waiting, 0 failed"), "\(after.stdout)")
    }

    @Test func aHangingAndADeadReceiverHitTheirTimeLimitWhileFetchingAndOtherHooksGoOn() async throws {
        let fetches = Mutex(0)
        let server = try TestHTTPServer { request in
            if request.path == "/hang" {
                sleep(30)  // takes the request, never answers in time
                return .init(text: "too late")
            }
            let count = fetches.withLock { value -> Int in
                value += 1
                return value
            }
            return .init(body: HooksTests.rss((0..<count).map { "Article \($0)" }))
        }
        let dead = try SilentListener()
        let directory = try TemporaryDirectory()
        let got = directory.url.appendingPathComponent("got").path
        let config = try directory.write(
            "c.yaml",
            """
            state_dir: s
            schedule:
              min_interval: 1s
            hooks:
              - name: hangs
                webhook: \(server.url("/hang"))
                timeout: 2s
                first_retry: 1h
              - name: dead
                webhook: http://127.0.0.1:\(dead.port)/hook
                timeout: 2s
                first_retry: 1h
              - name: record
                exec: [/bin/sh, -c, 'echo "$FEEDD_DELIVERY" >> "\(got)"']
            feeds:
              - url: \(server.url("/feed"))
                interval: 1s

            """)
        let daemon = try RunningDaemon(config: config, directory: directory)
        // Both receivers time out on the first event; meanwhile the feed is fetched again and again, and
        // the exec hook gets each refresh's event.
        let bothTimedOut = try await daemon.wait(seconds: 20) { daemon.count("timed out") >= 2 }
        let fetchesAtTimeout = fetches.withLock { $0 }
        let recorded = try await daemon.wait(seconds: 20) {
            ((try? String(contentsOfFile: got, encoding: .utf8)) ?? "").split(separator: "\n").count >= 3
        }
        #expect(await daemon.stop() == .exited(0))
        try #require(bothTimedOut, "\(daemon.log)")
        #expect(fetchesAtTimeout >= 2, "fetching went on while the receivers held their attempts: \(fetchesAtTimeout) fetches")
        #expect(recorded, "the exec hook was not held back: \(daemon.log)")
        #expect(daemon.log.contains("hook=hangs") && daemon.log.contains("hook=dead"), "\(daemon.log)")
        // Each failed once, then waits for its retry in the outbox with everything that came after.
        let listed = try await Subprocess.run("feedctl", ["hooks", "--json", "--config", config])
        let report = try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [String: Any]
        let deliveries = report?["deliveries"] as? [[String: Any]] ?? []
        for hook in ["hangs", "dead"] {
            let own = deliveries.filter { $0["hook"] as? String == hook }
            #expect(!own.isEmpty && own.allSatisfy { ($0["attempts"] as? Int ?? 0) <= 1 }, "\(hook): \(listed.stdout)")
            #expect(own.contains { ($0["last_error"] as? String ?? "").contains("timed out") }, "\(hook): \(listed.stdout)")
        }
    }
}
