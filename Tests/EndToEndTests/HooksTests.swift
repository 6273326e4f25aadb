import Foundation
import Synchronization
import TestSupport
import Testing

/// Hooks on what the real daemon stores from a local HTTP server: an exec hook that records what it
/// was given, a mail hook whose message Python's own mail parser reads, one that fails and waits in the outbox.
@Suite(.serialized)
struct HooksTests {
    static func rss(_ titles: [String]) -> Data {
        var text = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss version=\"2.0\"><channel><title>Le Journal</title>"
        for (index, title) in titles.enumerated() {
            text += "<item><guid>https://journal.example.fr/\(index)</guid><title>\(title)</title>"
                + "<link>https://journal.example.fr/\(index)</link><description>Texte de l’article \(index) : « cité ».</description></item>"
        }
        return Data((text + "</channel></rss>").utf8)
    }

    @Test func execAndMailHooksGetTheNewItemsOnceWithoutFeeddsEnvironment() async throws {
        let server = try TestHTTPServer { _ in .init(body: Self.rss(["Élection : « résultats »", "Sponsorisé : promo", "Météo de l’hiver"])) }
        let directory = try TemporaryDirectory()
        let out = directory.url.appendingPathComponent("out").path
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let config = try directory.write(
            "c.yaml",
            """
            state_dir: s
            rules:
              - block: {title: "(?i)sponsoris"}
            hooks:
              - name: record
                exec: [/bin/sh, -c, 'cat > "$OUT/$FEEDD_DELIVERY.json"; env > "$OUT/$FEEDD_DELIVERY.env"']
                environment: {OUT: "\(out)"}
              - name: mail
                email: {to: alice@example.org, from: feedd@example.org, sendmail: [/bin/sh, -c, 'cat > "\(out)/mail.eml"']}
            feeds:
              - url: \(server.url("/journal"))
                name: Journal

            """)
        let run = try await Subprocess.run("feedd", ["--config", config, "--once"], environment: ["FEEDD_TEST_SECRET": "hunter2"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.components(separatedBy: "hook delivered").count - 1 == 2, "\(run.stderr)")
        let names = try FileManager.default.contentsOfDirectory(atPath: out)
        let payloads = names.filter { $0.hasSuffix(".json") }
        try #require(payloads.count == 1, "\(names)")
        let payload = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(out)/\(payloads[0])"))) as? [String: Any]
        let items = payload?["items"] as? [[String: Any]] ?? []
        #expect(Set(items.compactMap { $0["title"] as? String }) == ["Élection : « résultats »", "Météo de l’hiver"])
        #expect(payload?["delivery"] as? String == String(payloads[0].dropLast(5)))
        let environment = try String(contentsOfFile: "\(out)/\(payloads[0].dropLast(5)).env", encoding: .utf8)
        #expect(environment.contains("FEEDD_EVENT=new_items") && !environment.contains("FEEDD_TEST_SECRET"), "\(environment)")

        // The mail, as a real parser reads it: the accents and « » of the subject and body intact.
        let parsed = try await Subprocess.runCommand(
            "/usr/bin/env",
            [
                "python3", "-c",
                "import email,email.policy,sys; m=email.message_from_binary_file(open(sys.argv[1],'rb'),policy=email.policy.default); "
                    + "print(m['subject']); print(m.get_body(('plain',)).get_content()); print(m.get_body(('html',)).get_content())",
                "\(out)/mail.eml",
            ])
        #expect(parsed.status == 0, "\(parsed.stderr)")
        #expect(parsed.stdout.hasPrefix("[feedd] 2 new items from Journal: "), "\(parsed.stdout)")
        #expect(parsed.stdout.contains("Météo de l’hiver") && parsed.stdout.contains("« cité »"), "\(parsed.stdout)")
        #expect(!parsed.stdout.contains("Sponsorisé"))

        // Fetched again: nothing new, nothing sent again.
        let again = try await Subprocess.run("feedd", ["--config", config, "--once", "--force"])
        #expect(again.status == 0 && !again.stderr.contains("hook delivered"), "\(again.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: out).filter { $0.hasSuffix(".json") }.count == 1)
    }

    @Test func aFailingHookKeepsItsDeliveryInTheOutboxAndARetryDeliversItUnderTheSameID() async throws {
        let server = try TestHTTPServer { _ in .init(body: Self.rss(["Un article"])) }
        let directory = try TemporaryDirectory()
        let marker = directory.url.appendingPathComponent("works").path
        let got = directory.url.appendingPathComponent("got").path
        let config = try directory.write(
            "c.yaml",
            """
            state_dir: s
            hooks:
              - name: flaky
                exec: [/bin/sh, -c, 'test -e "\(marker)" || { echo "receiver down" >&2; exit 3; }; echo "$FEEDD_DELIVERY" >> "\(got)"']
                first_retry: 1h
            feeds:
              - url: \(server.url("/a"))

            """)
        let first = try await Subprocess.run("feedd", ["--config", config, "--once"])
        #expect(first.status == 0 && first.stderr.contains("hook attempt failed"), "\(first.stderr)")
        #expect(first.stderr.contains("exited with status 3: receiver down"), "\(first.stderr)")
        let listed = try await Subprocess.run("feedctl", ["hooks", "--json", "--config", config])
        let report = try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [String: Any]
        let deliveries = report?["deliveries"] as? [[String: Any]] ?? []
        try #require(deliveries.count == 1, "\(listed.stdout)")
        #expect(deliveries[0]["attempts"] as? Int == 1)
        let id = try #require(deliveries[0]["id"] as? String)

        FileManager.default.createFile(atPath: marker, contents: Data())
        // Due again now, not at its backoff time.
        let retried = try await Subprocess.run("feedctl", ["hooks", "retry", String(id.prefix(6)), "--config", config])
        #expect(retried.status == 0 && retried.stdout == "1 delivery to try again\n", "\(retried.stdout)\(retried.stderr)")
        let second = try await Subprocess.run("feedd", ["--config", config, "--once"])
        #expect(second.stderr.contains("hook delivered"), "\(second.stderr)")
        #expect(try String(contentsOfFile: got, encoding: .utf8) == id + "\n")
        let after = try await Subprocess.run("feedctl", ["hooks", "--config", config])
        #expect(after.stdout.contains("flaky  exec  new_items  0 waiting, 0 failed"), "\(after.stdout)")
    }

    @Test func aMailHookThroughARealSendmailClientReachesAnSMTPServerWithItsAccentsIntact() async throws {
        let smtp = try TestSMTPServer()
        let server = try TestHTTPServer { _ in .init(body: Self.rss(["Rentrée : « le noyau 7.0 » arrive", "Écrans : l’été des OLED"])) }
        let directory = try TemporaryDirectory()
        let config = try directory.write(
            "c.yaml",
            """
            state_dir: s
            hooks:
              - name: mail
                email:
                  to: [alice@example.org, bob@example.org]
                  from: feedd@example.org
                  sendmail: [/usr/bin/msmtp, --host=127.0.0.1, --port=\(smtp.port), --from=feedd@example.org, -t]
            feeds:
              - url: \(server.url("/journal"))
                name: Le Journal

            """)
        let run = try await Subprocess.run("feedd", ["--config", config, "--once"])
        #expect(run.status == 0 && run.stderr.contains("hook delivered"), "\(run.stderr)")
        let messages = smtp.messages
        try #require(messages.count == 1, "\(run.stderr)")
        #expect(messages[0].from == "feedd@example.org")
        #expect(Set(messages[0].recipients) == ["alice@example.org", "bob@example.org"])
        #expect(messages[0].data.allSatisfy { $0 < 128 }, "the message travels as 7-bit text")
        let file = try directory.write("received.eml", String(decoding: messages[0].data, as: UTF8.self))
        let parsed = try await Subprocess.runCommand(
            "/usr/bin/env",
            [
                "python3", "-c",
                "import email,email.policy,sys; m=email.message_from_binary_file(open(sys.argv[1],'rb'),policy=email.policy.default); "
                    + "print(m['subject']); print(m['to']); print(m.get_body(('plain',)).get_content()); print(m.get_body(('html',)).get_content())",
                file,
            ])
        #expect(parsed.status == 0, "\(parsed.stderr)")
        let lines = parsed.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.first == "[feedd] 2 new items from Le Journal: Rentrée : « le noyau 7.0 » arrive, …", "\(parsed.stdout)")
        #expect(lines.dropFirst().first == "alice@example.org, bob@example.org", "\(parsed.stdout)")
        #expect(parsed.stdout.contains("Texte de l’article 1 : « cité ».") && parsed.stdout.contains("Écrans : l’été des OLED"), "\(parsed.stdout)")
    }

    @Test func aBatchHookGathersSeveralRefreshesIntoOneDigest() async throws {
        // Every fetch finds one more item: each refresh makes its own new_items event.
        let fetches = Mutex(0)
        let server = try TestHTTPServer { _ in
            let count = fetches.withLock { value -> Int in
                value += 1
                return value
            }
            return .init(body: Self.rss((0..<count).map { "Brève n° \($0) : « dépêche »" }))
        }
        let directory = try TemporaryDirectory()
        let out = directory.url.appendingPathComponent("out").path
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let config = try directory.write(
            "c.yaml",
            """
            state_dir: s
            schedule:
              min_interval: 1s
            hooks:
              - name: gathered
                exec: [/bin/sh, -c, 'cat > "$OUT/$FEEDD_DELIVERY.json"']
                environment: {OUT: "\(out)"}
                batch: 4s
              - name: mail
                email: {to: alice@example.org, sendmail: [/bin/sh, -c, 'cat > "\(out)/digest.eml"']}
                batch: 4s
            feeds:
              - url: \(server.url("/breves"))
                name: Brèves
                interval: 1s

            """)
        let daemon = try RunningDaemon(config: config, directory: directory)
        let delivered = try await daemon.wait(seconds: 30) { daemon.count("hook delivered") >= 2 }
        #expect(await daemon.stop() == .exited(0))
        try #require(delivered, "\(daemon.log)")
        let payloads = try FileManager.default.contentsOfDirectory(atPath: out).filter { $0.hasSuffix(".json") }
        try #require(!payloads.isEmpty)
        let payload = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(out)/\(payloads[0])"))) as? [String: Any]
        #expect(payload?["digest"] as? Bool == true)
        let titles = (payload?["items"] as? [[String: Any]] ?? []).compactMap { $0["title"] as? String }
        // Gathered over 4 s of refreshes a second apart: several events, each item once, oldest first.
        #expect(titles.count >= 2 && Set(titles).count == titles.count, "\(titles)")
        #expect(titles.first == "Brève n° 0 : « dépêche »", "\(titles)")
        let mail = try String(contentsOfFile: "\(out)/digest.eml", encoding: .utf8)
        let subject = try await Subprocess.runCommand(
            "/usr/bin/env",
            [
                "python3", "-c",
                "import email,email.policy,sys; m=email.message_from_binary_file(open(sys.argv[1],'rb'),policy=email.policy.default); print(m['subject'])",
                "\(out)/digest.eml",
            ])
        #expect(subject.stdout.hasPrefix("[feedd] Digest: "), "\(subject.stdout)\(mail.prefix(300))")
    }

    @Test func starringByHandOrByRulesApplyTellsAStarredHook() async throws {
        let server = try TestHTTPServer { _ in .init(body: Self.rss(["Élection : « résultats »", "Météo de l’hiver"])) }
        let directory = try TemporaryDirectory()
        let out = directory.url.appendingPathComponent("out").path
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        func config(rules: String) throws -> String {
            try directory.write(
                "c.yaml",
                """
                state_dir: s
                \(rules)
                hooks:
                  - name: stars
                    events: [starred]
                    exec: [/bin/sh, -c, 'cat > "$OUT/$FEEDD_DELIVERY.json"']
                    environment: {OUT: "\(out)"}
                feeds:
                  - url: \(server.url("/journal"))
                    name: Journal

                """)
        }
        let path = try config(rules: "")
        #expect(try await Subprocess.run("feedd", ["--config", path, "--once"]).status == 0)
        let listed = try await Subprocess.run("feedctl", ["list", "--json", "--config", path])
        let items = try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]] ?? []
        let election = try #require(items.first { $0["title"] as? String == "Élection : « résultats »" }?["id"] as? String)
        #expect(try await Subprocess.run("feedctl", ["star", election, "--config", path]).status == 0)
        _ = try config(rules: "rules:\n  - star: {title: \"(?i)météo\"}")
        let applied = try await Subprocess.run("feedctl", ["rules", "apply", "--config", path])
        #expect(applied.stdout.contains("1 starred"), "\(applied.stdout)\(applied.stderr)")

        let run = try await Subprocess.run("feedd", ["--config", path, "--once"])
        #expect(run.stderr.components(separatedBy: "hook delivered").count - 1 == 2, "\(run.stderr)")
        var starred: [String] = []
        for name in try FileManager.default.contentsOfDirectory(atPath: out) {
            let payload = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(out)/\(name)"))) as? [String: Any]
            #expect(payload?["event"] as? String == "starred")
            for item in payload?["items"] as? [[String: Any]] ?? [] {
                #expect(item["starred"] as? Bool == true)
                starred.append(item["title"] as? String ?? "")
            }
        }
        #expect(starred.sorted() == ["Météo de l’hiver", "Élection : « résultats »"].sorted(), "\(starred)")
    }
}

