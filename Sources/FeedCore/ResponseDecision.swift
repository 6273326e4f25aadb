import Foundation

/// What a response calls for before its body is read: nothing (not modified, or the bytes of last time),
/// a parse, or a failure with the wait the server asked for.
public enum ResponseDecision: Sendable, Equatable {
    case notModified
    /// 2xx with the same bytes as the last document: the server ignores validators.
    case sameBody
    case parse
    case failed(FetchFailure)

    /// `status` of the final response; `bodyHash` of its body; `previousBodyHash` recorded with the
    /// feed's last document.
    public static func decide(
        status: Int, isNotModified: Bool, headers: [String: String], bodyHash: String, previousBodyHash: String?,
        now: Date
    ) -> ResponseDecision {
        if isNotModified { return .notModified }
        guard (200..<300).contains(status) else {
            let notBefore = HTTPDecisions.retryAfter(status: status, headers: headers, now: now)
            return .failed(FetchFailure(message: "HTTP \(status)", notBefore: notBefore, gone: status == 410))
        }
        if HTTPDecisions.isUnchanged(bodyHash: bodyHash, previous: previousBodyHash) { return .sameBody }
        return .parse
    }
}
