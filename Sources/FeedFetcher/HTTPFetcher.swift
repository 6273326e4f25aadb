import Foundation
import Synchronization
internal import CCurl

/// Fetches feeds with libcurl. Each transfer runs on its own thread outside Swift's cooperative pool, so a
/// slow server never blocks other tasks; cancelling the calling task aborts the transfer within a second.
public struct HTTPFetcher: Sendable {
    public static let maxRedirects = 5

    private static let globalInit: Void = { curl_global_init(Int(CURL_GLOBAL_ALL)) }()

    public init() {
        Self.globalInit
    }

    /// Performs the request. Every HTTP status comes back as a response; transport failures throw.
    public func fetch(_ request: FetchRequest) async throws(FetchError) -> FetchResponse {
        let cancelled = CancellationFlag()
        let result: Result<FetchResponse, FetchError> = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let thread = Thread {
                    let transfer = Transfer(request: request, cancelled: cancelled)
                    continuation.resume(returning: withExtendedLifetime(transfer) {
                        Result { () throws(FetchError) -> FetchResponse in try transfer.perform() }
                    })
                }
                thread.stackSize = 1 << 20
                thread.start()
            }
        } onCancel: {
            cancelled.set()
        }
        return try result.get()
    }
}

/// Set from any thread when a fetch's task is cancelled; read by curl's progress callback.
final class CancellationFlag: Sendable {
    private let value = Atomic<Bool>(false)
    func set() { value.store(true, ordering: .relaxed) }
    var isSet: Bool { value.load(ordering: .relaxed) }
}

/// One libcurl easy handle, its buffers and its callbacks.
private final class Transfer {
    let request: FetchRequest
    let cancelled: CancellationFlag
    var body = Data()
    var headers: [String: String] = [:]
    var hopStatuses: [Int] = []
    var bodyTooLarge = false
    /// curl writes its error message here; it must outlive the handle.
    private let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)

    init(request: FetchRequest, cancelled: CancellationFlag) {
        self.request = request
        self.cancelled = cancelled
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
    }

    deinit { errorBuffer.deallocate() }

    func perform() throws(FetchError) -> FetchResponse {
        let isFile = request.url.isFileURL
        var headerList: UnsafeMutablePointer<curl_slist>?
        // Freed after the handle (defers run in reverse order).
        defer { curl_slist_free_all(headerList) }
        guard let handle = curl_easy_init() else { throw .network("curl_easy_init failed") }
        defer { curl_easy_cleanup(handle) }
        if let etag = request.etag { headerList = curl_slist_append(headerList, "If-None-Match: \(etag)") }
        if let lastModified = request.lastModified {
            headerList = curl_slist_append(headerList, "If-Modified-Since: \(lastModified)")
        }
        headerList = curl_slist_append(headerList, "Accept: application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.8")

        // These two decide which schemes may be reached: a failure to set them must stop the transfer.
        // file:// only when the configuration itself names a file; redirects never leave http(s).
        guard feedd_easy_setopt_string(handle, CURLOPT_PROTOCOLS_STR, isFile ? "file" : "http,https") == CURLE_OK,
            feedd_easy_setopt_string(handle, CURLOPT_REDIR_PROTOCOLS_STR, "http,https") == CURLE_OK
        else { throw .forbiddenScheme("this libcurl cannot restrict protocols") }

        let opaqueSelf = Unmanaged.passUnretained(self).toOpaque()
        feedd_easy_setopt_string(handle, CURLOPT_URL, request.url.absoluteString)
        feedd_easy_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer)
        feedd_easy_setopt_long(handle, CURLOPT_FOLLOWLOCATION, 1)
        feedd_easy_setopt_long(handle, CURLOPT_MAXREDIRS, HTTPFetcher.maxRedirects)
        feedd_easy_setopt_string(handle, CURLOPT_USERAGENT, request.userAgent)
        feedd_easy_setopt_string(handle, CURLOPT_ACCEPT_ENCODING, "")  // every encoding this libcurl decodes
        feedd_easy_setopt_slist(handle, CURLOPT_HTTPHEADER, headerList)
        feedd_easy_setopt_long(handle, CURLOPT_TIMEOUT_MS, Self.milliseconds(request.timeout))
        feedd_easy_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, Self.milliseconds(request.connectTimeout))
        feedd_easy_setopt_long(handle, CURLOPT_LOW_SPEED_LIMIT, 1)
        feedd_easy_setopt_long(handle, CURLOPT_LOW_SPEED_TIME, max(1, Self.milliseconds(request.lowSpeedTime) / 1000))
        // Refuses early a body whose declared (compressed) length is over the limit; receiveBody enforces the
        // limit on the decompressed bytes.
        feedd_easy_setopt_offset(handle, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(request.maxBodyBytes))
        feedd_easy_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
        feedd_easy_setopt_data_callback(handle, CURLOPT_WRITEFUNCTION) { buffer, size, count, user in
            guard let user, let buffer else { return 0 }
            return Unmanaged<Transfer>.fromOpaque(user).takeUnretainedValue().receiveBody(buffer, size * count)
        }
        feedd_easy_setopt_pointer(handle, CURLOPT_WRITEDATA, opaqueSelf)
        feedd_easy_setopt_data_callback(handle, CURLOPT_HEADERFUNCTION) { buffer, size, count, user in
            guard let user, let buffer else { return 0 }
            return Unmanaged<Transfer>.fromOpaque(user).takeUnretainedValue().receiveHeader(buffer, size * count)
        }
        feedd_easy_setopt_pointer(handle, CURLOPT_HEADERDATA, opaqueSelf)
        // curl calls the progress function about once a second even when no data flows: the cancellation check.
        feedd_easy_setopt_long(handle, CURLOPT_NOPROGRESS, 0)
        feedd_easy_setopt_progress_callback(handle) { user, _, _, _, _ in
            guard let user else { return 0 }
            return Unmanaged<Transfer>.fromOpaque(user).takeUnretainedValue().cancelled.isSet ? 1 : 0
        }
        feedd_easy_setopt_pointer(handle, CURLOPT_XFERINFODATA, opaqueSelf)

        let code = curl_easy_perform(handle)
        guard code == CURLE_OK else { throw mapError(code) }

        var status = 0
        feedd_easy_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        var effective: UnsafeMutablePointer<CChar>?
        feedd_easy_getinfo_string(handle, CURLINFO_EFFECTIVE_URL, &effective)
        let finalURL = effective.flatMap { URL(string: String(cString: $0)) } ?? request.url
        return FetchResponse(
            status: isFile ? 200 : status, finalURL: finalURL, headers: headers, body: body,
            permanentRedirect: permanentMove(to: finalURL))
    }

    /// The new URL when every redirect hop was permanent (301/308) and none went from https to http.
    private func permanentMove(to finalURL: URL) -> URL? {
        let redirects = hopStatuses.dropLast()
        guard !redirects.isEmpty, redirects.allSatisfy({ $0 == 301 || $0 == 308 }) else { return nil }
        if request.url.scheme?.lowercased() == "https" && finalURL.scheme?.lowercased() != "https" { return nil }
        return finalURL
    }

    fileprivate func receiveBody(_ buffer: UnsafeMutablePointer<CChar>, _ length: Int) -> Int {
        guard body.count + length <= request.maxBodyBytes else {
            bodyTooLarge = true
            return 0  // tells curl to abort the transfer
        }
        body.append(UnsafeRawPointer(buffer).assumingMemoryBound(to: UInt8.self), count: length)
        return length
    }

    fileprivate func receiveHeader(_ buffer: UnsafeMutablePointer<CChar>, _ length: Int) -> Int {
        let line = String(decoding: UnsafeRawBufferPointer(start: buffer, count: length), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        if line.hasPrefix("HTTP/") {
            // A new response (after a redirect): its headers replace the last ones. Interim 1xx responses
            // (100 Continue, 103 Early Hints) are not hops.
            let parts = line.split(separator: " ")
            if parts.count >= 2, let status = Int(parts[1]), status >= 200 {
                hopStatuses.append(status)
                headers.removeAll()
            }
        } else if let colon = line.firstIndex(of: ":") {
            let name = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
            headers[name] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return length
    }

    private func mapError(_ code: CURLcode) -> FetchError {
        let detail = String(cString: errorBuffer)
        let message = detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
        switch code {
        case CURLE_ABORTED_BY_CALLBACK: return .cancelled
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY: return .dns(message)
        case CURLE_COULDNT_CONNECT: return .connect(message)
        case CURLE_OPERATION_TIMEDOUT: return .timeout(message)
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER,
            CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH:
            return .tls(message)
        case CURLE_WRITE_ERROR where bodyTooLarge, CURLE_FILESIZE_EXCEEDED: return .tooLarge(limit: request.maxBodyBytes)
        case CURLE_TOO_MANY_REDIRECTS: return .tooManyRedirects
        case CURLE_UNSUPPORTED_PROTOCOL: return .forbiddenScheme(message)
        case CURLE_FILE_COULDNT_READ_FILE, CURLE_READ_ERROR: return .file(message)
        default: return .network(message)
        }
    }

    /// Milliseconds for curl, saturating instead of overflowing.
    private static func milliseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        let (whole, overflow) = Int(clamping: seconds).multipliedReportingOverflow(by: 1000)
        return overflow ? Int.max : whole + Int(attoseconds / 1_000_000_000_000_000)
    }
}
