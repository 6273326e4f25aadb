import FeedConfiguration
import FeedStore
import FeedSync
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import ServiceLifecycle

/// The sync API over HTTP/1.1: Hummingbird listening where `api.listen` says, every request turned into a
/// `SyncRequest` for FeedSync (the Google Reader API, or Fever under `/fever/`) and its answer sent back.
/// Bodies past `bodyLimit`, requests with more than `SyncRequest.parameterLimit` parameters, idle
/// connections past `idleTimeout` and connections past `connectionLimit` are refused; every refusal is one
/// log line, without passwords or tokens.
public struct SyncServer: Sendable {
    public static let bodyLimit = 1 << 20
    public static let connectionLimit = 256
    public static let idleTimeout = TimeAmount.seconds(30)

    private let listen: APIConfig.Listen
    private let responder: SyncResponder
    private let logger: Logger

    /// A server for `configuration` (where it listens, and its trusted proxies, as feedd started); the users
    /// and the library come from the running configuration at each request.
    /// `subscriptionsChanged` hears of each edit apps make when `api.edit_subscriptions` is on.
    public init(
        configuration: APIConfig, store: FeedStore, environment: [String: String], logger: Logger,
        subscriptionsChanged: @escaping @Sendable (Configuration) -> Void, running: @escaping @Sendable () -> SyncLibrary
    ) {
        listen = configuration.listen
        self.logger = logger
        let accounts = SyncAccounts(users: { running().configuration.api?.users ?? [] }, environment: environment)
        let editor = configuration.editSubscriptions ? SubscriptionEditor(store: store, changed: subscriptionsChanged) : nil
        let reader = GoogleReaderAPI(
            accounts: accounts, sessions: SessionStore(stateDirectory: store.directory), subscriptions: editor, library: running)
        let fever = FeverAPI(accounts: accounts, numbers: FeverNumbers(stateDirectory: store.directory), library: running)
        responder = SyncResponder(reader: reader, fever: fever, proxies: TrustedProxies(configuration.trustedProxies), logger: logger)
    }

    /// Where it listens, as the log says it.
    public var address: String {
        switch listen {
        case .tcp(let host, let port): return host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        case .unixSocket(let path): return path
        }
    }

    /// Serves until the task is cancelled, then shuts down gracefully (requests in flight are answered);
    /// `ready` is called once it listens. Throws when it cannot listen.
    public func run(ready: @escaping @Sendable () -> Void = {}) async throws {
        let bind: BindAddress
        switch listen {
        case .tcp(let host, let port): bind = .hostname(host, port: port)
        case .unixSocket(let path):
            // A socket left by a feedd that was killed would make binding fail.
            if (try? FileManager.default.attributesOfItem(atPath: path)[.type] as? FileAttributeType) == .typeSocket {
                try? FileManager.default.removeItem(atPath: path)
            }
            bind = .unixDomainSocket(path: path)
        }
        var quiet = logger
        quiet.logLevel = max(logger.logLevel, .notice)
        let application = Application(
            responder: responder, server: .http1(configuration: .init(idleTimeout: Self.idleTimeout)),
            configuration: .init(
                address: bind, serverName: "feedd", availableConnectionsDelegate: MaximumAvailableConnections(Self.connectionLimit)),
            onServerRunning: { [logger, address, listen] _ in
                // Owner and group only (a reverse proxy's user can be given the group), whatever the umask.
                if case .unixSocket(let path) = listen { _ = chmod(path, 0o660) }
                logger.info("api listening", metadata: ["address": "\(address)"])
                ready()
            }, logger: quiet)
        // The group runs apart from this task: cancelling it would cancel the server mid-request (and log
        // errors); a cancelled task asks for a graceful shutdown instead.
        let group = ServiceGroup(configuration: .init(services: [application], gracefulShutdownSignals: [], logger: quiet))
        let serving = Task.detached { try await group.run() }
        try await withTaskCancellationHandler {
            try await serving.value
        } onCancel: {
            Task { await group.triggerGracefulShutdown() }
        }
    }
}

/// What Hummingbird hands each request: its peer address beside the usual context.
struct SyncRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let peer: String

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        let remote = source.channel.remoteAddress
        // A unix socket's peer has no address: "local".
        peer = remote?.ipAddress ?? "local"
    }

    var maxUploadSize: Int { SyncServer.bodyLimit }
}

/// Turns Hummingbird's requests into FeedSync's and back.
struct SyncResponder: HTTPResponder {
    typealias Context = SyncRequestContext
    let reader: GoogleReaderAPI
    let fever: FeverAPI
    let proxies: TrustedProxies
    let logger: Logger
    private static let forwardedFor = HTTPField.Name("X-Forwarded-For")!

    func respond(to request: Request, context: Context) async throws -> Response {
        var request = request
        let started = ContinuousClock.now
        let client = proxies.client(peer: context.peer, forwardedFor: request.headers[Self.forwardedFor])
        let answer: SyncResponse
        do {
            let body = try await request.collectBody(upTo: SyncServer.bodyLimit)
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName] = field.value }
            let sync = SyncRequest(
                method: request.method.rawValue, target: request.uri.string, body: Data(buffer: body), headers: headers, client: client)
            if sync.parameters.count > SyncRequest.parameterLimit {
                answer = .refused(400, "more than \(SyncRequest.parameterLimit) parameters")
            } else if GoogleReaderAPI.serves(sync.path) {
                answer = await reader.respond(to: sync)
            } else if FeverAPI.serves(sync.path) {
                answer = await fever.respond(to: sync)
            } else {
                answer = .refused(404, "no such endpoint")
            }
        } catch {
            answer = .refused(413, "body larger than \(SyncServer.bodyLimit) bytes")
        }
        if answer.status >= 400 || answer.problem != nil {
            logger.notice(
                "api request refused",
                metadata: [
                    "client": "\(client)", "method": "\(request.method.rawValue)", "path": "\(request.uri.path.prefix(200))",
                    "status": "\(answer.status)", "reason": "\(answer.problem ?? "")",
                    "ms": "\(Self.milliseconds(ContinuousClock.now - started))",
                ])
        }
        var fields = HTTPFields()
        for (name, value) in answer.headers {
            if let field = HTTPField.Name(name) { fields.append(HTTPField(name: field, value: value)) }
        }
        return Response(status: .init(code: answer.status), headers: fields, body: .init(byteBuffer: ByteBuffer(data: answer.body)))
    }

    private static func milliseconds(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
    }
}
