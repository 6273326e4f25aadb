import ArgumentParser
import FeedParser
import Foundation

/// `feedbench hostile KIND`: parses one hostile document in its own process, for its time and peak memory.
struct HostileCase: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "hostile", shouldDisplay: false)

    enum Kind: String, CaseIterable, ExpressibleByArgument {
        case billionLaughs = "billion-laughs"
        case quadraticBlowup = "quadratic-blowup"
        case deepNesting = "deep-nesting"
        case externalEntity = "external-entity"
        case endlessAttributes = "huge-tag"
    }

    @Argument var kind: Kind
    @Option var report: String

    func run() throws {
        let outcome: String
        do {
            let feed = try StreamingFeedParser.parse(Data(Self.document(kind).utf8), url: nil)
            outcome = "parsed: \(feed.items.count) item(s), \(feed.warnings.count) warning(s)"
        } catch {
            outcome = "\(error)"
        }
        try Data(outcome.utf8).write(to: URL(fileURLWithPath: report))
    }

    static func document(_ kind: Kind) -> String {
        let rss = { (doctype: String, title: String) in
            "<?xml version=\"1.0\"?>\(doctype)<rss version=\"2.0\"><channel><item><title>\(title)</title></item></channel></rss>"
        }
        switch kind {
        case .billionLaughs:
            var entities = "<!ENTITY l0 \"lol\">"
            for level in 1...9 { entities += "<!ENTITY l\(level) \"" + String(repeating: "&l\(level - 1);", count: 10) + "\">" }
            return rss("<!DOCTYPE rss [\(entities)]>", "&l9;")
        case .quadraticBlowup:
            return rss("<!DOCTYPE rss [<!ENTITY a \"\(String(repeating: "x", count: 100_000))\">]>", String(repeating: "&a;", count: 100_000))
        case .deepNesting:
            return rss("", String(repeating: "<x>", count: 1_000_000) + String(repeating: "</x>", count: 1_000_000))
        case .externalEntity:
            return rss("<!DOCTYPE rss [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>", "&e;")
        case .endlessAttributes:
            return rss("", "<b " + String(repeating: "a=\"1\" ", count: 2_000_000) + ">x</b>")
        }
    }
}
