import FeedFetcher
import FeedModel
import FeedParser
import FeedStore
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// What is at an address a person typed: a feed, or a web page and the feeds it advertises.
public enum FeedProbe {
    public enum Outcome: Sendable {
        /// `url` is where the feed lives: the address given, or where a permanent redirect sent it.
        case feed(url: URL, feed: ParsedFeed)
        case page(url: URL, alternates: [String])
    }

    /// The address as a URL: a path to an existing file (relative to the working directory) or a `file:`
    /// URL gives a file URL; otherwise a scheme is added when a person left it out (`example.org/feed` → https).
    public static func url(from address: String) throws(CatalogError) -> URL {
        let trimmed = address.trimmingCharacters(in: .whitespaces)
        let lower = trimmed.lowercased()
        if lower.hasPrefix("file:") || trimmed.hasPrefix("/") || trimmed.hasPrefix(".")
            || (!lower.hasPrefix("http") && FileManager.default.fileExists(atPath: trimmed))
        {
            var path = lower.hasPrefix("file:") ? String(trimmed.dropFirst(5)) : trimmed
            if path.hasPrefix("//") { path = String(path.dropFirst(2)) }
            guard !path.isEmpty else { throw CatalogError(message: "\(address): no file path") }
            return URL(fileURLWithPath: path).standardizedFileURL
        }
        let withScheme = lower.hasPrefix("http://") || lower.hasPrefix("https://") ? trimmed : "https://" + trimmed
        guard let url = URL(string: withScheme), let host = url.host, !host.isEmpty, !trimmed.contains(" ") else {
            throw CatalogError(message: "\(address): not a URL")
        }
        return url
    }

    /// Fetches (or reads) `url` and parses it as feedd would, through the configuration's proxy, with its
    /// user agent and size limit.
    public static func probe(_ url: URL, fetch: FetchConfig = FetchConfig()) async throws -> Outcome {
        if url.isFileURL { return try outcome(of: try parsedFile(url), location: url) }
        let engine = FetchEngine(settings: FetchSettings(concurrency: 1, perHost: 1, proxy: fetch.proxy))
        let response: FetchResponse
        do {
            response = try await engine.fetch(FetchRequest(url: url, userAgent: fetch.userAgent, maxBodyBytes: fetch.maxBytes))
        } catch {
            throw CatalogError(message: "\(url.absoluteString): \(error)")
        }
        guard (200..<300).contains(response.status) else {
            throw CatalogError(message: "\(url.absoluteString): HTTP \(response.status)")
        }
        // Relative links resolve against where the body really came from.
        let parse = Result { () throws(FeedParseError) in
            try StreamingFeedParser.parse(response.body, url: response.finalURL, contentType: response.contentType)
        }
        return try outcome(of: parse, location: response.permanentRedirect ?? url)
    }

    private static func outcome(of parse: Result<ParsedFeed, FeedParseError>, location: URL) throws(CatalogError) -> Outcome {
        switch parse {
        case .success(let feed): return .feed(url: location, feed: feed)
        case .failure(.htmlPage(let alternates)): return .page(url: location, alternates: alternates)
        case .failure(let error):
            throw CatalogError(message: "\(location.isFileURL ? location.path : location.absoluteString): \(error)")
        }
    }

    /// A file read through the parser 64 KiB at a time, as a body arrives from the network: a 50 MB file is
    /// never in memory whole.
    private static func parsedFile(_ url: URL) throws(CatalogError) -> Result<ParsedFeed, FeedParseError> {
        let descriptor = open(url.path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw CatalogError(message: "\(url.path): cannot read the file (\(String(cString: strerror(errno))))")
        }
        defer { close(descriptor) }
        let parser = StreamingFeedParser(url: url)
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else {
                throw CatalogError(message: "\(url.path): cannot read the file (\(String(cString: strerror(errno))))")
            }
            if count == 0 { break }
            chunk.withUnsafeBytes { parser.append(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
        }
        return Result { () throws(FeedParseError) in try parser.finish() }
    }
}

/// The form of a feed address used to tell whether two entries are the same feed: http and https, `www.`,
/// a trailing slash and tracking parameters do not make a different feed.
public enum FeedAddress {
    public static func key(_ url: URL) -> String {
        if url.isFileURL { return "file:" + url.standardizedFileURL.path }
        return CanonicalURL.key(url.absoluteString) ?? url.absoluteString
    }

    /// The configured feeds by the keys of their addresses: as configured, and where they moved (read once
    /// from their state files).
    public struct Index: Sendable {
        private var feeds: [String: FeedConfig] = [:]

        public init(_ configuration: Configuration, store: FeedStore?) {
            for feed in configuration.feeds.reversed() {
                if let moved = (try? store?.loadFetchState(url: feed.url.absoluteString))??.movedTo, let url = URL(string: moved) {
                    feeds[FeedAddress.key(url)] = feed
                }
            }
            // The configured address wins over a move, and the first entry over a later one.
            for feed in configuration.feeds.reversed() { feeds[FeedAddress.key(feed.url)] = feed }
        }

        /// The configured feed that `url` is already.
        public func existing(_ url: URL) -> FeedConfig? { feeds[FeedAddress.key(url)] }
    }
}

/// Edits of the configuration file: each reads the file, edits its text with `ConfigEditor`, validates the
/// result and only then atomically replaces the file.
public enum ConfigFile {
    /// Appends `feeds`, which must read back as `urls`; returns the configuration as written.
    @discardableResult
    public static func append(_ feeds: [ConfigEditor.NewFeed], urls: [URL], path: String) throws -> Configuration {
        try edit(path) { text, configuration in
            var editor = ConfigEditor(text: text, path: path)
            try editor.append(feeds)
            return (editor.text, configuration.feeds, urls)
        }
    }

    /// Removes the entry of the feed configured as `url`; returns the configuration as written.
    @discardableResult
    public static func remove(_ url: URL, path: String) throws -> Configuration {
        try edit(path) { text, configuration in
            guard let index = configuration.feeds.firstIndex(where: { $0.url.absoluteString == url.absoluteString }) else {
                throw CatalogError(message: "\(path): no feed \(url.absoluteString)")
            }
            var editor = ConfigEditor(text: text, path: path)
            try editor.remove(at: index)
            var kept = configuration.feeds
            kept.remove(at: index)
            return (editor.text, kept, [])
        }
    }

    /// Runs `change` on the file's text and configuration while holding a lock on the file's folder (so two
    /// feedctl edits cannot lose each other's change), then checks and writes its result. `change` returns
    /// the new text, the feeds that must be there unchanged and in order, and the URLs of the feeds added
    /// after them.
    private static func edit(
        _ path: String, _ change: (String, Configuration) throws -> (text: String, kept: [FeedConfig], added: [URL])
    ) throws -> Configuration {
        // A symbolic link (a dotfiles checkout, say) is followed: the file it points to is replaced.
        let target = URL(fileURLWithPath: path).resolvingSymlinksInPath()
        let folder = open(target.deletingLastPathComponent().path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard folder >= 0 else { throw CatalogError(message: "\(path): cannot open its folder: \(String(cString: strerror(errno)))") }
        defer { close(folder) }
        while flock(folder, LOCK_EX) != 0 {
            guard errno == EINTR else { throw CatalogError(message: "\(path): cannot lock its folder: \(String(cString: strerror(errno)))") }
        }
        defer { flock(folder, LOCK_UN) }

        guard let data = FileManager.default.contents(atPath: target.path) else {
            throw CatalogError(message: "\(path): cannot read the file")
        }
        let byteOrderMark = data.starts(with: [0xEF, 0xBB, 0xBF])
        guard let text = String(data: byteOrderMark ? data.dropFirst(3) : data, encoding: .utf8) else {
            throw CatalogError(message: "\(path): not UTF-8 text; feedctl edits only UTF-8 files")
        }
        let original = try Configuration.parse(text, path: path)
        let (newText, kept, added) = try change(text, original)
        let edited: Configuration
        do {
            edited = try Configuration.parse(newText, path: path)
        } catch {
            throw CatalogError(message: "\(path): the edit would not validate (\(error.message)); the file is unchanged")
        }
        guard sameSettings(edited, original), edited.feeds.count == kept.count + added.count,
            zip(edited.feeds, kept).allSatisfy({ sameEntry($0, $1) }),
            edited.feeds.dropFirst(kept.count).map(\.url.absoluteString) == added.map(\.absoluteString)
        else {
            throw CatalogError(message: "\(path): the edit would change other settings than the feed's; the file is unchanged")
        }
        var information = stat()
        let known = stat(target.path, &information) == 0
        var bytes = byteOrderMark ? Data([0xEF, 0xBB, 0xBF]) : Data()
        bytes.append(Data(newText.utf8))
        try AtomicFile.write(bytes, to: target, mode: known ? information.st_mode & 0o7777 : 0o644)
        if known && geteuid() == 0 && (information.st_uid != 0 || information.st_gid != 0) {
            _ = chown(target.path, information.st_uid, information.st_gid)  // root editing a person's file leaves it theirs
        }
        return edited
    }

    private static func sameEntry(_ a: FeedConfig, _ b: FeedConfig) -> Bool {
        var (a, b) = (a, b)
        (a.line, b.line) = (0, 0)
        return a == b
    }

    private static func sameSettings(_ a: Configuration, _ b: Configuration) -> Bool {
        a.stateDirectory == b.stateDirectory && a.fetch == b.fetch && a.schedule == b.schedule
    }
}

extension FeedAddress {
    /// How `url` is written in the configuration: `file:/path` for files, the URL itself otherwise.
    public static func configText(_ url: URL) -> String {
        url.isFileURL ? "file:" + url.standardizedFileURL.path : url.absoluteString
    }
}

/// OPML subscription lists in and out of the configuration.
public enum OPMLExchange {
    /// The configured feeds as OPML 2.0, named as `feedctl feeds` names them, with their tags.
    public static func export(_ configuration: Configuration, store: FeedStore?, date: Date) -> String {
        let feeds = configuration.feeds.map { feed in
            let state = (try? store?.loadFetchState(url: feed.url.absoluteString)) ?? nil
            return OPMLFeed(
                url: FeedAddress.configText(feed.url), title: feed.name ?? state?.title, siteURL: state?.link, tags: feed.tags)
        }
        return OPML.write(feeds, title: "feedd subscriptions", date: date)
    }

    /// What importing a list would do: the feeds to append, and those skipped with the reason.
    public struct Plan: Sendable {
        public var added: [ConfigEditor.NewFeed] = []
        /// The URLs the added entries read back as, in order.
        public var addedURLs: [URL] = []
        public var skipped: [(url: String, reason: String)] = []
    }

    public static func plan(_ feeds: [OPMLFeed], configuration: Configuration, store: FeedStore?) -> Plan {
        var plan = Plan()
        let index = FeedAddress.Index(configuration, store: store)
        var seen: Set<String> = []
        for feed in feeds {
            let lower = feed.url.lowercased()
            let isWeb = lower.hasPrefix("http://") || lower.hasPrefix("https://")
            guard isWeb || lower.hasPrefix("file:/"), let url = try? FeedProbe.url(from: feed.url), isWeb || url.isFileURL else {
                plan.skipped.append((feed.url, "not an http(s) or file: URL"))
                continue
            }
            if let existing = index.existing(url) {
                plan.skipped.append((feed.url, "already in the configuration (line \(existing.line))"))
                continue
            }
            guard seen.insert(FeedAddress.key(url)).inserted else {
                plan.skipped.append((feed.url, "listed twice"))
                continue
            }
            plan.added.append(ConfigEditor.NewFeed(url: FeedAddress.configText(url), name: feed.title, tags: feed.tags))
            plan.addedURLs.append(url)
        }
        return plan
    }
}
