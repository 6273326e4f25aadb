import ArgumentParser
import Foundation
import TestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// `feedbench extract`: how well and how fast `feedctl extract` finds the article of the fixture pages
/// (`Tests/FeedArticleTests/Fixtures/Pages`, each with its expected text), beside readability-lxml and
/// trafilatura run by Python on the same pages in the same run. Quality is the mean token-level F1 between
/// the extracted text (headline and body) and the expected one: lower-cased runs of letters and digits,
/// compared as multisets. Speed is MB of HTML per CPU-second of whole processes, one process for the whole
/// set for each extractor; memory is feedctl's peak RSS on a generated page of about 5 MB.
struct ExtractBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "extract", abstract: "Score and time feedctl extract against readability-lxml and trafilatura.")

    @Option(help: "The folder of pages, each NAME.html with NAME.expected.txt.")
    var pages = "Tests/FeedArticleTests/Fixtures/Pages"

    @Option(help: "A Python with readability-lxml and trafilatura (pip install readability-lxml trafilatura).")
    var python = "python3"

    @Option(help: "Runs of each timed process; the median is reported.")
    var runs = 3

    func run() async throws {
        try StoreBenchmark.requireCurrentBinaries(["feedctl"])
        let folder = URL(fileURLWithPath: pages, isDirectory: true)
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".expected.txt") }.sorted()
        var expected: [String: String] = [:]
        for name in names {
            let text = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
            guard text.trimmingCharacters(in: .whitespacesAndNewlines) != "NO ARTICLE" else { continue }
            expected[folder.appendingPathComponent(String(name.dropLast(".expected.txt".count)) + ".html").path] = text
        }
        let files = expected.keys.sorted()
        guard !files.isEmpty else { throw ValidationError("no pages with expected text in \(pages)") }
        let bytes = files.reduce(0) { $0 + ((try? FileManager.default.attributesOfItem(atPath: $1)[.size] as? Int) ?? 0) }
        print("\(files.count) article pages, \(formatted(Double(bytes) / 1e6, 2)) MB of HTML; \(runs) runs, median\n")

        var rows: [(name: String, scores: [Double], rate: Double?, peakMB: Double?)] = []
        let feedctl = Subprocess.path("feedctl")
        let ours = try await Subprocess.runCommand(feedctl, ["extract", "--json"] + files)
        let texts = Self.texts(ofJSONLines: ours.stdout)
        let ourCost = median((0..<runs).map { _ in measureProcess(feedctl, ["extract", "--json"] + files) })
        let big = try Self.bigPage()
        let bigCost = median((0..<runs).map { _ in measureProcess(feedctl, ["extract", "--json", big.path]) })
        rows.append(("feedctl extract", files.map { TokenF1.score(expected: expected[$0] ?? "", extracted: texts[$0] ?? "") }, Double(bytes) / 1e6 / ourCost.cpuSeconds, Double(bigCost.peakRSSKiB) / 1024))

        let python = Self.executable(self.python)
        let script = FileManager.default.temporaryDirectory.appendingPathComponent("feedbench-peers-\(getpid()).py")
        try Data(Self.peerScript.utf8).write(to: script)
        defer { try? FileManager.default.removeItem(at: script) }
        for peer in ["readability", "trafilatura"] {
            let result = try await Subprocess.runCommand(python, [script.path, peer] + files)
            guard result.status == 0 else {
                print("\(peer): not run (\(result.stderr.split(separator: "\n").last ?? "")); pip install readability-lxml trafilatura")
                continue
            }
            let peerTexts = Self.texts(ofJSONLines: result.stdout)
            let cost = median((0..<runs).map { _ in measureProcess(python, [script.path, peer] + files) })
            rows.append((peer, files.map { TokenF1.score(expected: expected[$0] ?? "", extracted: peerTexts[$0] ?? "") }, Double(bytes) / 1e6 / cost.cpuSeconds, nil))
        }

        print("extractor          mean F1   lowest F1   MB/CPU-s (whole process)   peak RSS, 5 MB page")
        for row in rows {
            let mean = row.scores.reduce(0, +) / Double(row.scores.count)
            let line = row.name.padding(toLength: 19, withPad: " ", startingAt: 0) + formatted(mean, 3).padding(toLength: 10, withPad: " ", startingAt: 0)
                + formatted(row.scores.min() ?? 0, 3).padding(toLength: 12, withPad: " ", startingAt: 0)
                + (row.rate.map { formatted($0, 1) } ?? "-").padding(toLength: 27, withPad: " ", startingAt: 0)
                + (row.peakMB.map { formatted($0, 1) + " MB" } ?? "-")
            print(line)
        }
        print("\nfeedctl extract on the \(formatted(Double(big.bytes) / 1e6, 2)) MB page: \(formatted(bigCost.cpuSeconds * 1000, 0)) ms CPU, "
            + "\(formatted(Double(big.bytes) / 1e6 / bigCost.cpuSeconds, 1)) MB/CPU-s; targets: F1 ≥ the best peer's, ≥ 20 MB/CPU-s, ≤ 100 MB")
        print("\nper page F1:")
        for (index, file) in files.enumerated() {
            let name = URL(fileURLWithPath: file).lastPathComponent
            print("  " + name.padding(toLength: 28, withPad: " ", startingAt: 0) + rows.map { formatted($0.scores[index], 3) }.joined(separator: "  "))
        }
        try? FileManager.default.removeItem(atPath: big.path)
    }

    /// The text of each page by its source, from an extractor's output: one JSON object per line with
    /// `source` and `text` (feedctl's `--json` and the peer script print the same form).
    static func texts(ofJSONLines output: String) -> [String: String] {
        var texts: [String: String] = [:]
        for line in output.split(separator: "\n") {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                let source = object["source"] as? String, let text = object["text"] as? String
            else { continue }
            texts[source] = text
        }
        return texts
    }

    /// A command's path: as given when it names a folder, else the first match on PATH.
    static func executable(_ name: String) -> String {
        guard !name.contains("/") else { return name }
        let folders = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":")
        return folders.map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) } ?? name
    }

    private func median(_ costs: [RunCost]) -> RunCost {
        costs.sorted { $0.cpuSeconds < $1.cpuSeconds }[costs.count / 2]
    }

    /// A page of about 5 MB (under the 5 MiB limit): a long article among the furniture real pages carry
    /// in bulk (menus, inline scripts and styles, link lists, comments).
    static func bigPage() throws -> (path: String, bytes: Int) {
        var page = "<!doctype html><html><head><meta charset=utf-8><title>Un très long dossier – Le Banc d’essai</title>"
        page += "<style>" + String(repeating: ".menu a{color:#333;padding:4px 8px} .card{margin:1em 0} ", count: 800) + "</style></head><body>"
        page += "<header><nav><ul>" + (1...400).map { "<li><a href=\"/rubrique/\($0)\">Rubrique \($0)</a></li>" }.joined() + "</ul></nav></header>"
        page += "<main><article><h1>Un très long dossier</h1><div class=\"entry-content\">"
        var section = 0
        while page.utf8.count < 4_700_000 {
            section += 1
            page += "<h2>Partie \(section)</h2>"
            for paragraph in 1...8 {
                page += "<p>Dans la partie \(section), le paragraphe \(paragraph) détaille les mesures, « avec soin », et compare les résultats"
                    + " d’une machine à l’autre, sans oublier les écarts, les reprises et les notes de bas de page qu’un lecteur attentif voudra lire.</p>"
            }
            page += "<script>window.dataLayer=window.dataLayer||[];dataLayer.push({section:\(section),pad:'" + String(repeating: "x", count: 600) + "'});</script>"
            page += "<div class=\"related\"><ul>" + (1...10).map { "<li><a href=\"/a/\(section)-\($0)\">Article lié \($0)</a></li>" }.joined() + "</ul></div>"
        }
        page += "</div></article></main><div id=\"comments\" class=\"comments-area\">"
        page += (1...200).map { "<div class=\"comment\"><p>Commentaire \($0) : merci pour ce dossier très complet, vraiment.</p></div>" }.joined()
        page += "</div><footer>© 2026</footer></body></html>"
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("feedbench-big-\(getpid()).html").path
        try Data(page.utf8).write(to: URL(fileURLWithPath: path))
        return (path, page.utf8.count)
    }

    /// The peers, one process for all pages: each prints one JSON line per page, its text being the
    /// extractor's title, then its article as text (block elements ending lines), as feedctl's text is.
    static let peerScript = #"""
        import json, sys

        def readability_text(html):
            from readability import Document
            import lxml.html
            document = Document(html)
            tree = lxml.html.fromstring(document.summary())
            blocks = {"p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "blockquote", "tr", "td", "th", "figcaption", "dd", "dt", "br"}
            for element in tree.iter():
                if isinstance(element.tag, str) and element.tag in blocks:
                    element.tail = "\n" + (element.tail or "")
            return (document.short_title() or "") + "\n\n" + tree.text_content()

        def trafilatura_text(html):
            import trafilatura
            document = trafilatura.bare_extraction(html, include_tables=True, with_metadata=True)
            if document is None:
                return ""
            return (getattr(document, "title", None) or "") + "\n\n" + (getattr(document, "text", None) or "")

        extract = {"readability": readability_text, "trafilatura": trafilatura_text}[sys.argv[1]]
        for path in sys.argv[2:]:
            with open(path, "rb") as page:
                html = page.read()
            try:
                text = extract(html)
            except Exception as error:
                text = ""
                print(f"{path}: {error}", file=sys.stderr)
            print(json.dumps({"source": path, "text": text}))
        """#
}

/// Token-level F1: lower-cased runs of letters and digits of both texts, compared as multisets.
enum TokenF1 {
    static func tokens(_ text: String) -> [String: Int] {
        var counts: [String: Int] = [:]
        var word = ""
        for character in text.lowercased() {
            if character.isLetter || character.isNumber {
                word.append(character)
            } else if !word.isEmpty {
                counts[word, default: 0] += 1
                word = ""
            }
        }
        if !word.isEmpty { counts[word, default: 0] += 1 }
        return counts
    }

    static func score(expected: String, extracted: String) -> Double {
        let (wanted, found) = (tokens(expected), tokens(extracted))
        let common = wanted.reduce(0) { $0 + min($1.value, found[$1.key] ?? 0) }
        let (wantedCount, foundCount) = (wanted.values.reduce(0, +), found.values.reduce(0, +))
        guard common > 0, wantedCount > 0, foundCount > 0 else { return 0 }
        let precision = Double(common) / Double(foundCount)
        let recall = Double(common) / Double(wantedCount)
        return 2 * precision * recall / (precision + recall)
    }
}
