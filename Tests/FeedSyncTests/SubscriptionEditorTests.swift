import FeedConfiguration
import FeedStore
import FeedSync
import Foundation
import TestSupport
import Testing

/// Runs chattr(1) with `flag` on `path`; says whether it did.
private func chattr(_ flag: String, _ path: String) -> Bool {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/chattr")
    process.arguments = [flag, path]
    process.standardError = FileHandle.nullDevice
    guard (try? process.run()) != nil else { return false }
    process.waitUntilExit()
    return process.terminationStatus == 0
}

/// Whether this machine can make a folder immutable (`chattr +i`: root on ext4 and the like), which even
/// root cannot write into: how a config that cannot be written is made when the tests run as root.
private let immutableFolders: Bool = {
    guard let directory = try? TemporaryDirectory() else { return false }
    let made = chattr("+i", directory.url.path)
    if made { _ = chattr("-i", directory.url.path) }
    return made
}()

struct SubscriptionEditorTests {
    @Test(.enabled(if: immutableFolders, "needs chattr +i on the temporary folder"))
    func aConfigThatCannotBeWrittenIsAnErrorNamingIt() async throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("c.yaml", "state_dir: s\nfeeds:\n  - url: https://a.example.org/feed\n")
        let before = try String(contentsOfFile: path, encoding: .utf8)
        let editor = SubscriptionEditor(store: try FeedStore(directory: directory.url.appendingPathComponent("s")), changed: { _ in })
        let configuration = try Configuration.load(path: path)
        #expect(chattr("+i", directory.url.path))
        defer { _ = chattr("-i", directory.url.path) }
        let url = try #require(URL(string: "https://a.example.org/feed"))
        do throws(SubscriptionEditor.Failure) {
            try editor.update(url, name: .some("A"), tags: nil, configuration: configuration)
            Issue.record("the edit of an immutable folder's config succeeded")
        } catch {
            #expect(error.unwritable, "\(error)")
            #expect(error.description.contains(path) && error.description.contains("must be writable by feedd"), "\(error)")
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == before, "nothing written")
    }
}
