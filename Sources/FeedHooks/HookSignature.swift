import Crypto
import FeedCore
import Foundation

/// `X-Feedd-Signature`: `sha256=` and the hex HMAC-SHA256 of the body under the hook's secret, which a
/// receiver recomputes to know the body is feedd's and unchanged.
public enum HookSignature {
    public static let header = "X-Feedd-Signature"

    public static func value(body: Data, secret: String) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Data(secret.utf8)))
        return "sha256=" + HexText.lowercase(code)
    }
}
