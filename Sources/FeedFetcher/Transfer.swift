import Foundation
internal import CCurl

/// One libcurl easy handle with its request, buffers and callbacks. Created, driven and finished on the
/// engine's thread only.
final class Transfer {
    let request: FetchRequest
    let handle: UnsafeMutableRawPointer
    private(set) var body = Data()
    private(set) var headers: [String: String] = [:]
    private var hopStatuses: [Int] = []
    private var headerBytes = 0
    private var bodyTooLarge = false
    private var headersTooLarge = false
    private var headerList: UnsafeMutablePointer<curl_slist>?
    /// curl writes its error message here; it must outlive the handle.
    private let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)

    /// Headers past this size abort the transfer: a feed needs a few hundred bytes of them.
    static let maxHeaderBytes = 64 * 1024

    /// Configures a new easy handle; nil if curl refuses one of the options that guard which URLs are reached.
    init?(request: FetchRequest) {
        guard let handle = curl_easy_init() else { return nil }
        self.request = request
        self.handle = handle
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        guard configure() else { return nil }
    }

    deinit {
        curl_easy_cleanup(handle)
        curl_slist_free_all(headerList)
        errorBuffer.deallocate()
    }

    private func configure() -> Bool {
        let isFile = request.url.isFileURL
        // These decide which schemes may be reached: if curl refuses them, the transfer must not run.
        // file:// only when the configuration itself names a file; redirects never leave http(s).
        guard feedd_easy_setopt_string(handle, CURLOPT_PROTOCOLS_STR, isFile ? "file" : "http,https") == CURLE_OK,
            feedd_easy_setopt_string(handle, CURLOPT_REDIR_PROTOCOLS_STR, "http,https") == CURLE_OK
        else { return false }

        if let etag = request.etag { headerList = curl_slist_append(headerList, "If-None-Match: \(etag)") }
        if let lastModified = request.lastModified {
            headerList = curl_slist_append(headerList, "If-Modified-Since: \(lastModified)")
        }
        headerList = curl_slist_append(headerList, "Accept: \(request.accept)")
        // A POST's answer is its outcome: a redirect is not followed (curl would turn it into a GET).
        if let body = request.postBody {
            feedd_easy_setopt_long(handle, CURLOPT_POST, 1)
            feedd_easy_setopt_offset(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count))
            let copied = body.withUnsafeBytes { raw in
                guard let base = raw.baseAddress else { return feedd_easy_setopt_string(handle, CURLOPT_COPYPOSTFIELDS, "") }
                return feedd_easy_setopt_pointer(handle, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: base))
            }
            guard copied == CURLE_OK else { return false }
            // No `Expect: 100-continue` wait before the body.
            headerList = curl_slist_append(headerList, "Expect:")
        }
        for (name, value) in request.headers where !name.contains(":") && !(name + value).contains("\n") {
            headerList = curl_slist_append(headerList, "\(name): \(value)")
        }

        let opaqueSelf = Unmanaged.passUnretained(self).toOpaque()
        feedd_easy_setopt_string(handle, CURLOPT_URL, request.url.absoluteString)
        feedd_easy_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer)
        feedd_easy_setopt_pointer(handle, CURLOPT_PRIVATE, opaqueSelf)
        feedd_easy_setopt_long(handle, CURLOPT_FOLLOWLOCATION, request.postBody == nil ? 1 : 0)
        feedd_easy_setopt_long(handle, CURLOPT_MAXREDIRS, FetchEngine.maxRedirects)
        feedd_easy_setopt_string(handle, CURLOPT_USERAGENT, request.userAgent)
        feedd_easy_setopt_string(handle, CURLOPT_ACCEPT_ENCODING, "")  // every encoding this libcurl decodes
        feedd_easy_setopt_slist(handle, CURLOPT_HTTPHEADER, headerList)
        feedd_easy_setopt_long(handle, CURLOPT_TIMEOUT_MS, Self.milliseconds(request.timeout))
        feedd_easy_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, Self.milliseconds(request.connectTimeout))
        feedd_easy_setopt_long(handle, CURLOPT_LOW_SPEED_LIMIT, max(1, request.lowSpeedLimit))
        feedd_easy_setopt_long(handle, CURLOPT_LOW_SPEED_TIME, max(1, Self.milliseconds(request.lowSpeedTime) / 1000))
        // Refuses early a body whose declared (compressed) length is over the limit; receiveBody enforces the
        // limit on the decompressed bytes, so a gzip bomb stops there too.
        feedd_easy_setopt_offset(handle, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(request.maxBodyBytes))
        feedd_easy_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
        if let auth = request.basicAuth {
            feedd_easy_setopt_long(handle, CURLOPT_HTTPAUTH, feedd_auth_basic)
            feedd_easy_setopt_string(handle, CURLOPT_USERNAME, auth.user)
            feedd_easy_setopt_string(handle, CURLOPT_PASSWORD, auth.password)
            // Credentials go to the configured host only, never to where a redirect points.
            feedd_easy_setopt_long(handle, CURLOPT_UNRESTRICTED_AUTH, 0)
        }
        if request.insecure {
            feedd_easy_setopt_long(handle, CURLOPT_SSL_VERIFYPEER, 0)
            feedd_easy_setopt_long(handle, CURLOPT_SSL_VERIFYHOST, 0)
        }
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
        return true
    }

    /// Sets the proxy for this transfer (the standard environment variables apply otherwise).
    func setProxy(_ proxy: String) {
        feedd_easy_setopt_string(handle, CURLOPT_PROXY, proxy)
    }

    /// The outcome once curl reports the transfer done with `code`.
    func finish(_ code: CURLcode) -> Result<FetchResponse, FetchError> {
        guard code == CURLE_OK else { return .failure(mapError(code)) }
        var status = 0
        feedd_easy_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        var effective: UnsafeMutablePointer<CChar>?
        feedd_easy_getinfo_string(handle, CURLINFO_EFFECTIVE_URL, &effective)
        let finalURL = effective.flatMap { URL(string: String(cString: $0)) } ?? request.url
        return .success(
            FetchResponse(
                status: request.url.isFileURL ? 200 : status, finalURL: finalURL, headers: headers, body: body,
                permanentRedirect: permanentMove(to: finalURL)))
    }

    /// The new URL when every redirect hop was permanent (301/308) and none went from https to http.
    private func permanentMove(to finalURL: URL) -> URL? {
        let redirects = hopStatuses.dropLast()
        guard !redirects.isEmpty, redirects.allSatisfy({ $0 == 301 || $0 == 308 }) else { return nil }
        if request.url.scheme?.lowercased() == "https" && finalURL.scheme?.lowercased() != "https" { return nil }
        return finalURL
    }

    private func receiveBody(_ buffer: UnsafeMutablePointer<CChar>, _ length: Int) -> Int {
        guard body.count + length <= request.maxBodyBytes else {
            bodyTooLarge = true
            return 0  // tells curl to abort the transfer
        }
        body.append(UnsafeRawPointer(buffer).assumingMemoryBound(to: UInt8.self), count: length)
        return length
    }

    private func receiveHeader(_ buffer: UnsafeMutablePointer<CChar>, _ length: Int) -> Int {
        headerBytes += length
        guard headerBytes <= Self.maxHeaderBytes else {
            headersTooLarge = true
            return 0
        }
        // Read on the bytes: HTTP's optional white space is spaces and tabs, its lines end with CR LF.
        let line = Self.trimmingWhitespace(UnsafeRawBufferPointer(start: buffer, count: length).bindMemory(to: UInt8.self)[...])
        if line.starts(with: "HTTP/".utf8) {
            // A new response (after a redirect): its headers replace the last ones. Interim 1xx responses
            // (100 Continue, 103 Early Hints) are not hops.
            let parts = line.split(separator: UInt8(ascii: " "))
            if parts.count >= 2, let status = Int(String(decoding: parts[1], as: UTF8.self)), status >= 200 {
                hopStatuses.append(status)
                headers.removeAll()
            }
        } else if let colon = line.firstIndex(of: UInt8(ascii: ":")) {
            let name = String(decoding: Self.trimmingWhitespace(line[..<colon]), as: UTF8.self).lowercased()
            headers[name] = String(decoding: Self.trimmingWhitespace(line[(colon + 1)...]), as: UTF8.self)
        }
        return length
    }

    /// `bytes` without spaces, tabs, CRs and LFs at either end.
    private static func trimmingWhitespace(_ bytes: Slice<UnsafeBufferPointer<UInt8>>) -> Slice<UnsafeBufferPointer<UInt8>> {
        func isWhitespace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A }
        guard let first = bytes.firstIndex(where: { !isWhitespace($0) }), let last = bytes.lastIndex(where: { !isWhitespace($0) })
        else { return bytes[bytes.startIndex..<bytes.startIndex] }
        return bytes[first...last]
    }

    private func mapError(_ code: CURLcode) -> FetchError {
        let detail = String(cString: errorBuffer)
        let message = detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
        switch code {
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY: return .dns(message)
        case CURLE_COULDNT_CONNECT: return .connect(message)
        case CURLE_OPERATION_TIMEDOUT: return .timeout(message)
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER,
            CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH:
            return .tls(message)
        case CURLE_WRITE_ERROR where bodyTooLarge, CURLE_FILESIZE_EXCEEDED: return .tooLarge(limit: request.maxBodyBytes)
        case CURLE_WRITE_ERROR where headersTooLarge: return .headersTooLarge(limit: Self.maxHeaderBytes)
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
