import FeedCore
import FeedFetcher
import FeedModel
import FeedStore
import FeedRules
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

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
                throw ConfigError(path: path, line: nil, message: "no feed \(url.absoluteString)")
            }
            var editor = ConfigEditor(text: text, path: path)
            try editor.remove(at: index)
            var kept = configuration.feeds
            kept.remove(at: index)
            return (editor.text, kept, [])
        }
    }

    /// Renames the feed configured as `url` and sets its tags (nil leaves each as it is); returns the
    /// configuration as written.
    @discardableResult
    public static func update(_ url: URL, name: String??, tags: [String]?, path: String) throws -> Configuration {
        try edit(path) { text, configuration in
            guard let index = configuration.feeds.firstIndex(where: { $0.url.absoluteString == url.absoluteString }) else {
                throw ConfigError(path: path, line: nil, message: "no feed \(url.absoluteString)")
            }
            var editor = ConfigEditor(text: text, path: path)
            var kept = configuration.feeds
            if let name {
                try editor.set("name", to: name.map { ConfigEditor.scalar($0) }, at: index)
                kept[index].name = name
            }
            if let tags {
                try editor.set("tags", to: tags.isEmpty ? nil : ConfigEditor.flowList(tags), at: index)
                kept[index].tags = tags
            }
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
        guard folder >= 0 else { throw ConfigError(path: path, line: nil, message: "cannot open its folder: \(String(cString: strerror(errno)))") }
        defer { close(folder) }
        while flock(folder, LOCK_EX) != 0 {
            guard errno == EINTR else { throw ConfigError(path: path, line: nil, message: "cannot lock its folder: \(String(cString: strerror(errno)))") }
        }
        defer { flock(folder, LOCK_UN) }

        guard let data = FileManager.default.contents(atPath: target.path) else {
            throw ConfigError(path: path, line: nil, message: "cannot read the file")
        }
        let byteOrderMark = data.starts(with: [0xEF, 0xBB, 0xBF])
        guard let text = String(data: byteOrderMark ? data.dropFirst(3) : data, encoding: .utf8) else {
            throw ConfigError(path: path, line: nil, message: "not UTF-8 text; feedctl edits only UTF-8 files")
        }
        let original = try Configuration.parse(text, path: path)
        let (newText, kept, added) = try change(text, original)
        let edited: Configuration
        do {
            edited = try Configuration.parse(newText, path: path)
        } catch {
            throw ConfigError(path: path, line: nil, message: "the edit would not validate (\(error.message)); the file is unchanged")
        }
        guard sameSettings(edited, original), edited.feeds.count == kept.count + added.count,
            zip(edited.feeds, kept).allSatisfy({ sameEntry($0, $1) }),
            edited.feeds.dropFirst(kept.count).map(\.url.absoluteString) == added.map(\.absoluteString)
        else {
            throw ConfigError(path: path, line: nil, message: "the edit would change other settings than the feed's; the file is unchanged")
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

    /// The same entry wherever it sits: lines (its own, its rules') aside.
    private static func sameEntry(_ a: FeedConfig, _ b: FeedConfig) -> Bool {
        var (a, b) = (a, b)
        (a.line, b.line) = (0, 0)
        (a.rules, b.rules) = (unlined(a.rules), unlined(b.rules))
        return a == b
    }

    private static func sameSettings(_ a: Configuration, _ b: Configuration) -> Bool {
        a.stateDirectory == b.stateDirectory && a.fetch == b.fetch && a.schedule == b.schedule
            && unlined(a.rules) == unlined(b.rules)
    }

    private static func unlined(_ rules: [ItemRule]) -> [ItemRule] {
        rules.map { rule in
            var rule = rule
            rule.line = 0
            return rule
        }
    }
}
