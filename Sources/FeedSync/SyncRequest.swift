import Foundation

/// A request to the sync API as FeedSync sees it, whatever HTTP server received it: the method, the path
/// with its percent-escapes decoded, the parameters of the query and of a form body together (clients send
/// them either way), the headers that matter, and the client's address.
public struct SyncRequest: Sendable {
    public var method: String
    public var path: String
    public var parameters: [(name: String, value: String)]
    /// Header names lower-cased.
    public var headers: [String: String]
    public var client: String
    /// The body as sent (an OPML file for `subscription/import`).
    public var body = Data()

    /// Parameters past this many are refused (a request with thousands of `i=`): 400.
    public static let parameterLimit = 1000

    public init(method: String, path: String, parameters: [(name: String, value: String)] = [], headers: [String: String] = [:], client: String) {
        self.method = method
        self.path = path
        self.parameters = parameters
        self.headers = headers
        self.client = client
    }

    /// A request from its target (`/path?query`) and a body sent as `application/x-www-form-urlencoded`.
    public init(method: String, target: String, body: Data = Data(), headers: [String: String], client: String) {
        let parts = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        let rawPath = parts.first.map(String.init) ?? "/"
        var parameters = parts.count > 1 ? Self.form(String(parts[1])) : []
        let contentType = headers["content-type"]?.lowercased() ?? ""
        if !body.isEmpty && (contentType.isEmpty || contentType.hasPrefix("application/x-www-form-urlencoded")) {
            parameters += Self.form(String(decoding: body, as: UTF8.self))
        }
        self.init(
            method: method.uppercased(), path: rawPath.removingPercentEncoding ?? rawPath, parameters: parameters, headers: headers,
            client: client)
        self.body = body
    }

    /// The first value of a parameter.
    public func value(_ name: String) -> String? { parameters.first { $0.name == name }?.value }

    /// Every value of a parameter, in order.
    public func values(_ name: String) -> [String] { parameters.filter { $0.name == name }.map(\.value) }

    /// `a=1&b=two+words` decoded (`+` is a space, then percent-escapes).
    static func form(_ text: String) -> [(name: String, value: String)] {
        text.split(separator: "&").map { pair in
            let halves = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decoded(_ part: Substring) -> String {
                let spaced = part.replacingOccurrences(of: "+", with: " ")
                return spaced.removingPercentEncoding ?? spaced
            }
            return (decoded(halves[0]), halves.count > 1 ? decoded(halves[1]) : "")
        }
    }
}

/// What the sync API answers: a status, headers, and a body.
public struct SyncResponse: Sendable {
    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: Data
    /// Why a request was refused, for the log (never a password or a token).
    public var problem: String?

    public init(status: Int = 200, headers: [(name: String, value: String)] = [], body: Data = Data(), problem: String? = nil) {
        self.status = status
        self.headers = headers
        self.body = body
        self.problem = problem
    }

    /// A refusal: the status, the reason as the body, and the reason for the log.
    public static func refused(_ status: Int, _ reason: String) -> SyncResponse {
        var response = text(reason + "\n", status: status)
        response.problem = reason
        return response
    }

    public static func text(_ text: String, status: Int = 200) -> SyncResponse {
        SyncResponse(status: status, headers: [("Content-Type", "text/plain; charset=utf-8")], body: Data(text.utf8))
    }

    public static func json(_ data: Data) -> SyncResponse {
        SyncResponse(headers: [("Content-Type", "application/json; charset=utf-8")], body: data)
    }

    /// A token that is missing, unknown or revoked: 401 with the header Google Reader clients look for to
    /// log in again.
    public static func badToken(_ reason: String) -> SyncResponse {
        var response = refused(401, "Unauthorized")
        response.headers.append(("X-Reader-Google-Bad-Token", "true"))
        response.problem = reason
        return response
    }
}
