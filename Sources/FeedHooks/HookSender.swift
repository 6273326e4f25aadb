import FeedConfiguration
import FeedCore
import FeedFetcher
import FeedModel
import FeedStore
import Foundation
import Synchronization

/// Makes one attempt of one delivery, as its hook's kind says; never throws: every way it can go wrong is a
/// failed attempt, with why.
public struct HookSender: Sendable {
    /// How an attempt ended.
    public enum Attempt: Sendable, Equatable {
        case delivered(String)
        /// `retryAfter`: when the receiver asked to be called again (HTTP `Retry-After`).
        case failed(String, retryAfter: Date? = nil)
    }

    /// Webhooks' own engine: a receiver that hangs holds one of its slots, never a feed's. Started at the
    /// first webhook attempt, so a feedd without webhooks runs no thread for it.
    private let engine: WebhookEngine
    public let userAgent: String
    /// Where secrets named by the config are read from.
    public let environment: [String: String]
    /// What every exec hook's program starts with, before the hook's own `environment:`.
    public static let baseEnvironment = ["PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8"]
    /// A webhook's answer is read up to this size (only its status matters).
    static let maxAnswerBytes = 64 << 10

    public init(engineSettings: FetchSettings, userAgent: String, environment: [String: String]) {
        engine = WebhookEngine(settings: engineSettings)
        self.userAgent = userAgent
        self.environment = environment
    }

    public func attempt(_ delivery: Delivery, hook: HookConfig) async -> Attempt {
        switch hook.kind {
        case .exec(let argv, let variables):
            var environment = Self.baseEnvironment.merging(variables) { _, configured in configured }
            environment["FEEDD_HOOK"] = hook.name
            environment["FEEDD_EVENT"] = delivery.event.rawValue
            environment["FEEDD_DELIVERY"] = delivery.id
            return await run(argv, environment: environment, input: HookPayload.json(delivery), timeout: hook.timeout)
        case .webhook(let url, let secret, let headers):
            return await post(delivery, to: url, secret: secret, headers: headers, timeout: hook.timeout)
        case .email(let to, let from, let sendmail):
            let message = EmailMessage.render(delivery, from: from.contains("@") ? from : nil, to: to)
            return await run(sendmail, environment: Self.baseEnvironment, input: message, timeout: hook.timeout)
        }
    }

    private func run(_ argv: [String], environment: [String: String], input: Data, timeout: Duration) async -> Attempt {
        do {
            let outcome = try await ChildProcess.run(argv, environment: environment, input: input, timeout: timeout)
            let said = outcome.output.split(whereSeparator: \.isNewline).first.map { ": " + TerminalSafe.text(String($0.prefix(200))) } ?? ""
            if outcome.timedOut { return .failed("timed out after \(DurationText.format(timeout))\(said)") }
            if let signal = outcome.signal { return .failed("killed by signal \(signal)\(said)") }
            if outcome.status == 0 { return .delivered("exit 0") }
            return .failed("exited with status \(outcome.status ?? -1)\(said)")
        } catch {
            return .failed(error.description)
        }
    }

    private func post(_ delivery: Delivery, to url: URL, secret: FeedAuth.PasswordSource?, headers: [HTTPHeader], timeout: Duration) async -> Attempt {
        let body = HookPayload.json(delivery)
        var sent = [
            ("Content-Type", "application/json"), ("X-Feedd-Delivery", delivery.id), ("X-Feedd-Event", delivery.event.rawValue),
        ]
        if let secret {
            do {
                let key = try FeedAuth(username: "", password: secret).readPassword(environment: environment)
                sent.append((HookSignature.header, HookSignature.value(body: body, secret: key)))
            } catch {
                return .failed("cannot read the secret: \(error)")
            }
        }
        sent.append(contentsOf: headers.map { ($0.name, $0.value) })
        var request = FetchRequest(url: url, userAgent: userAgent, headers: sent, timeout: timeout, maxBodyBytes: Self.maxAnswerBytes)
        request.accept = "*/*"
        request.postBody = body
        do {
            let response = try await engine.started().fetch(request)
            if (200..<300).contains(response.status) { return .delivered("HTTP \(response.status)") }
            let retryAfter = HTTPDecisions.retryAfter(status: response.status, headers: response.headers, now: Date())
            return .failed("answered HTTP \(response.status)", retryAfter: retryAfter)
        } catch .hostWaiting(let until) {
            return .failed(FetchError.hostWaiting(until: until).description, retryAfter: until)
        } catch {
            return .failed(error.description)
        }
    }
}

/// A fetch engine made when first wanted.
private final class WebhookEngine: Sendable {
    private let settings: FetchSettings
    private let engine = Mutex<FetchEngine?>(nil)

    init(settings: FetchSettings) { self.settings = settings }

    func started() -> FetchEngine {
        engine.withLock { engine in
            if let engine { return engine }
            let made = FetchEngine(settings: settings)
            engine = made
            return made
        }
    }
}
