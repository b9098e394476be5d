import AppModel
import AsyncHTTPClient
import Crypto
import EdgeSim
import Foundation
import GitStore
import NIOCore
import PlacerTestSupport
import Testing

/// Canary secrets: known values planted as the Git token (HTTPS, nginx + `git http-backend`), the hub's bearer
/// token, a client key (the hub's client-certificate kubeconfig) and the webhook secret. Every `placer` command and
/// the daemon run at debug log level, through successes and failures (bad hub URL, wrong Git token, a push the
/// remote refuses, a forged webhook), and then every byte they wrote is searched: their output, every file in the
/// work, cache and home folders, every Git object of the remote and the caches, the console's pages, `/metrics`,
/// `/healthz?verbose` and every object on the hub. The canaries must appear nowhere.
@Suite(.serialized, .enabled(if: FileManager.default.isExecutableFile(atPath: placerBinary)))
struct SecretCanaryTests {
    let stamp = UUID().uuidString.prefix(8).lowercased()
    var gitToken: String { "canary-git-\(stamp)-0f3a" }
    var kubeToken: String { "canary-kube-\(stamp)-7c21" }
    var hookSecret: String { "canary-hook-\(stamp)-9e4d" }
    /// A plain Secret's value in an app folder: it travels in Git and the ManifestWork (docs/app-model.md,
    /// "Secrets"), but never into Placer's output, the console or `/metrics`.
    var appSecretValue: String { "canary-app-\(stamp)-52b8" }

    @Test func plantedSecretsAppearInNoByteAnyCommandWrites() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("placer-canary-\(stamp)")
        // Inputs that hold the secrets on purpose live apart from everything Placer writes.
        let secrets = root.appendingPathComponent("secrets")
        let work = root.appendingPathComponent("work")
        let served = root.appendingPathComponent("served")
        for folder in [secrets, work, served, work.appendingPathComponent("home")] {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        }
        defer { try? FileManager.default.removeItem(at: root) }

        // The remote: example-repo as a human's commit, served over HTTPS with the Git token.
        let barePath = served.appendingPathComponent("app-repo.git").path
        let bare = try GitRepository.initBare(at: barePath)
        var files = try RepoFiles.read(directory: packageRoot.appendingPathComponent("example-repo").path)
        files["apps/digital-twin/secret.yaml"] = Data(
            "apiVersion: v1\nkind: Secret\nmetadata:\n  name: twin-db\nstringData:\n  password: \(appSecretValue)\n"
                .utf8)
        let human = GitSignature(name: "Factory Engineer", email: "engineer@factory.example", date: Date())
        _ = try bare.commit(
            parent: nil, changes: files.mapValues { Optional($0) }, author: human, committer: human,
            message: "Factory apps\n", updateRef: "refs/heads/main")
        try bare.setHead(branch: "main")
        let https = try HTTPSGitServer(projectRoot: served.path, token: gitToken)
        defer { https.stop() }
        let repoURL = https.url(for: "app-repo.git")

        // The hub over HTTPS: a token kubeconfig, a client-certificate one, and both pointing at a dead port.
        let hub = EdgeSimHub(
            configuration: HubConfiguration(token: kubeToken, agentDelay: .milliseconds(20)),
            tls: try HubTLS(dnsNames: ["localhost"], ipAddresses: ["127.0.0.1"]))
        try await hub.start()
        for cluster in RepoLoader.load(files: files).clusters {
            try await hub.seed(ManagedClusterFactory.make(from: cluster))
        }
        let tokenKubeconfig = secrets.appendingPathComponent("token.kubeconfig").path
        let certKubeconfig = secrets.appendingPathComponent("cert.kubeconfig").path
        try hub.writeKubeconfig(to: tokenKubeconfig)
        try hub.writeClientCertificateKubeconfig(to: certKubeconfig)
        var badHubKubeconfigs: [String] = []
        for (name, path) in [("token", tokenKubeconfig), ("cert", certKubeconfig)] {
            let bad = secrets.appendingPathComponent("bad-\(name).kubeconfig").path
            let text = try String(contentsOfFile: path, encoding: .utf8)
                .replacingOccurrences(of: hub.baseURL, with: "https://127.0.0.1:1")
            try text.write(toFile: bad, atomically: true, encoding: .utf8)
            badHubKubeconfigs.append(bad)
        }
        let keyCanaries = try Self.clientKeyCanaries(kubeconfig: certKubeconfig)

        let tokenFile = secrets.appendingPathComponent("git-token").path
        try gitToken.write(toFile: tokenFile, atomically: true, encoding: .utf8)
        let wrongTokenFile = secrets.appendingPathComponent("git-token-wrong").path
        try (gitToken + "-wrong").write(toFile: wrongTokenFile, atomically: true, encoding: .utf8)
        let hookFile = secrets.appendingPathComponent("webhook-secret").path
        try hookSecret.write(toFile: hookFile, atomically: true, encoding: .utf8)

        let environment = [
            "HOME": work.appendingPathComponent("home").path,
            "KUBECACHEDIR": work.appendingPathComponent("kubecache").path,
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
        ]
        var runs = 0
        func placer(_ name: String, _ arguments: [String], timeout: Duration = .seconds(90)) async throws -> Int32 {
            runs += 1
            let child = try ChildProcess(
                placerBinary, arguments, environment: environment,
                outputURL: work.appendingPathComponent("output-\(runs)-\(name).txt"))
            let ended = await child.waitForExit(timeout: timeout)
            let status = ended ? child.process.terminationStatus : -1
            await child.kill()
            return status
        }
        func repo(cache: String, token: String = tokenFile) -> [String] {
            [
                "--repo", repoURL, "--git-token-file", token, "--git-ca-file", https.caBundlePath,
                "--cache-dir", work.appendingPathComponent(cache).path,
                "--presets-dir", packageRoot.appendingPathComponent("policies").path, "--log-level", "debug",
            ]
        }

        // Every one-shot command, with the secrets, through successes and failures.
        var statuses: [String: Int32] = [:]
        statuses["validate"] = try await placer(
            "validate", ["validate", packageRoot.appendingPathComponent("example-repo").path])
        statuses["plan"] = try await placer(
            "plan", ["plan"] + repo(cache: "cache-plan") + ["--hub-kubeconfig", tokenKubeconfig])
        statuses["reconcile"] = try await placer(
            "reconcile", ["reconcile"] + repo(cache: "cache-reconcile") + ["--hub-kubeconfig", tokenKubeconfig])
        statuses["explain"] = try await placer(
            "explain",
            ["explain", "digital-twin"] + repo(cache: "cache-explain") + ["--hub-kubeconfig", certKubeconfig])
        for (index, bad) in badHubKubeconfigs.enumerated() {
            statuses["reconcile-bad-hub-\(index)"] = try await placer(
                "reconcile-bad-hub", ["reconcile"] + repo(cache: "cache-reconcile") + ["--hub-kubeconfig", bad])
            statuses["agent-bad-hub-\(index)"] = try await placer(
                "agent-bad-hub",
                [
                    "agent", "--cluster", "hall-1-edge", "--hub-kubeconfig", bad,
                    "--prometheus-url", "http://127.0.0.1:1", "--log-level", "debug",
                ], timeout: .seconds(4))
        }
        statuses["reconcile-bad-git-auth"] = try await placer(
            "reconcile-bad-git-auth",
            ["reconcile"] + repo(cache: "cache-bad-auth", token: wrongTokenFile) + [
                "--hub-kubeconfig", tokenKubeconfig,
            ])
        statuses["plan-bad-git-auth"] = try await placer(
            "plan-bad-git-auth", ["plan"] + repo(cache: "cache-bad-auth-plan", token: wrongTokenFile))
        statuses["rollback"] = try await placer(
            "rollback", ["rollback", "digital-twin"] + repo(cache: "cache-reconcile"))
        statuses["agent"] = try await placer(
            "agent",
            [
                "agent", "--cluster", "hall-1-edge", "--hub-kubeconfig", certKubeconfig,
                "--prometheus-url", "http://127.0.0.1:1", "--log-level", "debug",
            ], timeout: .seconds(4))
        statuses["privacy"] = try await placer(
            "privacy", ["privacy", "--sampling-rate", "0.1", "--noise-multiplier", "1.1", "--rounds", "10"])
        #expect(statuses["validate"] == 0)
        #expect(statuses["reconcile"] == 0, "the good reconcile failed, so the secrets were not exercised")
        #expect(statuses["reconcile-bad-hub-0"] != 0 && statuses["reconcile-bad-hub-1"] != 0)
        #expect(statuses["reconcile-bad-git-auth"] != 0 && statuses["plan-bad-git-auth"] != 0)

        // The daemon with webhooks, console and /metrics on one port, its client key for the hub.
        let port = try FreePort.find()
        let base = "http://127.0.0.1:\(port)"
        let daemonToken = secrets.appendingPathComponent("daemon-git-token").path
        try gitToken.write(toFile: daemonToken, atomically: true, encoding: .utf8)
        let daemonLog = work.appendingPathComponent("output-daemon.txt")
        let daemon = try ChildProcess(
            placerBinary,
            ["run"] + repo(cache: "cache-run", token: daemonToken) + [
                "--hub-kubeconfig", certKubeconfig, "--interval", "1h", "--disable-leader-election",
                "--webhook-listen", "127.0.0.1:\(port)", "--webhook-secret-file", hookFile,
                "--listen", "127.0.0.1:\(port)",
            ], environment: environment, outputURL: daemonLog)
        defer { daemon.kill9() }
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        var pages: [String] = []
        func get(_ path: String) async -> String {
            guard let response = try? await client.execute(HTTPClientRequest(url: base + path), timeout: .seconds(10)),
                let body = try? await response.body.collect(upTo: 8 << 20)
            else { return "" }
            return String(buffer: body)
        }
        func push(after: String, secret: String) async -> Int {
            let body = WebhookRunTests.githubPush(after: after, files: ["apps/digital-twin/app.yaml"])
            var request = HTTPClientRequest(url: base + "/hooks/github")
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json")
            request.headers.add(name: "X-GitHub-Event", value: "push")
            request.headers.add(name: "X-GitHub-Delivery", value: UUID().uuidString)
            request.headers.add(name: "X-Hub-Signature-256", value: WebhookRunTests.signature(body, secret: secret))
            request.body = .bytes(ByteBuffer(string: body))
            let response = try? await client.execute(request, timeout: .seconds(10))
            if let response {
                pages.append(String(buffer: (try? await response.body.collect(upTo: 1 << 20)) ?? .init()))
            }
            return Int(response?.status.code ?? 0)
        }
        let ready = await eventually(timeout: .seconds(90), interval: .milliseconds(200)) {
            (try? await client.execute(HTTPClientRequest(url: base + "/readyz"), timeout: .seconds(2)).status.code)
                == 200
        }
        #expect(ready, "\((try? String(contentsOf: daemonLog, encoding: .utf8)) ?? "")")
        func humanMove(_ latency: String) throws -> String {
            let tip = try #require(try bare.resolve(reference: "refs/heads/main"))
            let path = "apps/digital-twin/app.yaml"
            let text = String(decoding: try bare.files(at: tip)[path]?.data ?? Data(), as: UTF8.self)
            let edited = text.replacingOccurrences(
                of: #"nwlatency: "[0-9]+""#, with: "nwlatency: \"\(latency)\"", options: .regularExpression)
            let commit = try #require(
                try bare.commit(
                    parent: tip, changes: [path: Data(edited.utf8)], author: human, committer: human,
                    message: "twin latency \(latency)\n", updateRef: "refs/heads/main"))
            return commit.hex
        }
        // A good push through the webhook, then a forged one.
        #expect(await push(after: try humanMove("10"), secret: hookSecret) == 202)
        #expect(await push(after: String(repeating: "b", count: 40), secret: hookSecret + "-forged") == 401)
        try await Task.sleep(for: .seconds(4))
        // A push the remote refuses: a pre-receive hook turns every update away.
        let hook = URL(fileURLWithPath: barePath).appendingPathComponent("hooks/pre-receive")
        try "#!/bin/sh\necho 'refused by policy' >&2\nexit 1\n".write(to: hook, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: hook.path)
        #expect(await push(after: try humanMove("100"), secret: hookSecret) == 202)
        try await Task.sleep(for: .seconds(4))
        try FileManager.default.removeItem(at: hook)
        // Every commit's page (before the token goes bad): the first placement commit's diff carries the twin's
        // ManifestWork with the Secret, which must show masked.
        let shas = try await runProgram("/usr/bin/git", ["-C", barePath, "log", "--format=%H", "main"])
        var commitPages: [String] = []
        for sha in shas.output.split(separator: "\n") where sha.count == 40 {
            commitPages.append(await get("/commits/\(sha)"))
        }
        pages += commitPages
        #expect(
            commitPages.contains { $0.contains("++++++++") },
            "no commit page showed the app Secret, masked: \(shas.output) \(commitPages.map { $0.suffix(400) })")
        // Bad Git auth while running: the token file is reread at each connection.
        try (gitToken + "-rotated-wrong").write(toFile: daemonToken, atomically: true, encoding: .utf8)
        #expect(await push(after: try humanMove("10"), secret: hookSecret) == 202)
        try await Task.sleep(for: .seconds(4))
        for path in [
            "/", "/apps/digital-twin", "/clusters/hall-1-edge", "/history", "/metrics", "/healthz?verbose",
            "/readyz?verbose", "/clusters", "/what-if",
        ] {
            pages.append(await get(path))
        }
        statuses["get"] = try await placer("get", ["get", "apps", "--server", base, "-o", "json"])
        statuses["status"] = try await placer("status", ["status", "digital-twin", "--server", base])
        try await client.shutdown()
        _ = kill(daemon.pid, SIGTERM)
        _ = await daemon.waitForExit(timeout: .seconds(15))
        await daemon.kill()
        let daemonOutput = (try? String(contentsOf: daemonLog, encoding: .utf8)) ?? ""
        #expect(daemonOutput.contains("debug"), "the daemon did not log at debug level")
        #expect(pages.contains { $0.contains("placer_reconcile_total") }, "/metrics was not read")

        // What the hub holds.
        var hubTexts: [String] = []
        for plural in [
            "manifestworks", "managedclusters", "placements", "placementdecisions", "configmaps", "leases",
            "addonplacementscores", "events", "secrets", "namespaces",
        ] {
            hubTexts += await hub.objects(plural).map { String(describing: $0) }
        }
        await hub.stop()
        #expect(hubTexts.contains { $0.contains("ManifestWork") || $0.contains("manifestwork") })

        // Every Git object of the remote and of every cache, as git itself prints them.
        var gitTexts: [String] = []
        var gitDirectories = [barePath]
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: work.path)) ?? []
        for entry in entries where entry.hasPrefix("cache-") {
            gitDirectories.append(work.appendingPathComponent(entry).path)
        }
        for directory in gitDirectories {
            let dump = try await runProgram(
                "/usr/bin/git", ["-C", directory, "cat-file", "--batch-all-objects", "--batch"])
            gitTexts.append(dump.output)
            let log = try await runProgram("/usr/bin/git", ["-C", directory, "log", "--all", "-p", "--format=fuller"])
            gitTexts.append(log.output)
        }
        #expect(gitTexts.contains { $0.contains("Placer-Decision:") }, "no Placer commit was made")

        // Every file under work/ (outputs, caches, home), byte for byte.
        var fileCount = 0
        var hits: [String] = []
        let canaries =
            [gitToken, kubeToken, hookSecret, Data("git:\(gitToken)".utf8).base64EncodedString()] + keyCanaries
        if let walker = FileManager.default.enumerator(at: work, includingPropertiesForKeys: [.isRegularFileKey]) {
            for case let url as URL in walker {
                guard (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true,
                    let data = try? Data(contentsOf: url)
                else { continue }
                fileCount += 1
                for canary in canaries where data.range(of: Data(canary.utf8)) != nil {
                    hits.append("\(url.path.dropFirst(work.path.count)): \(canary.prefix(16))…")
                }
            }
        }
        for (source, texts) in [("console or answer", pages), ("hub object", hubTexts), ("git object", gitTexts)] {
            for text in texts {
                for canary in canaries where text.contains(canary) { hits.append("\(source): \(canary.prefix(16))…") }
            }
        }
        // The app's own Secret value: legitimately in Git and on the hub, never in what Placer prints or serves.
        var outputs: [String] = pages
        for entry in entries where entry.hasPrefix("output-") {
            outputs.append((try? String(contentsOf: work.appendingPathComponent(entry), encoding: .utf8)) ?? "")
        }
        var leaks: [String] = []
        for (index, text) in outputs.enumerated() {
            guard let range = text.range(of: appSecretValue) else { continue }
            let start = text.index(range.lowerBound, offsetBy: -120, limitedBy: text.startIndex) ?? text.startIndex
            leaks.append("#\(index): …" + String(text[start..<range.lowerBound]))
        }
        // (It once did: the diff `placer plan` prints of rendered/, whose ManifestWork carries the Secret. Shown diffs
        // now mask Secret values: SecretMask.)
        #expect(leaks.isEmpty, "an app Secret's value reached Placer's output: \(leaks)")
        #expect(hubTexts.contains { $0.contains(appSecretValue) }, "the app Secret did not travel to the hub")
        #expect(fileCount >= runs, "fewer files than command outputs: the walk saw nothing")
        #expect(hits.isEmpty, "canary secrets found: \(hits)")
        print(
            "secret canaries: \(runs) command runs and the daemon, \(fileCount) files, \(pages.count) pages, "
                + "\(hubTexts.count) hub objects, \(gitDirectories.count) git folders searched; \(hits.count) hits")
    }

    /// Distinctive pieces of the client key in the kubeconfig: 40 characters from the middle of its PEM body, and
    /// 40 from the middle of the base64 `client-key-data` text.
    static func clientKeyCanaries(kubeconfig path: String) throws -> [String] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let line = try #require(text.split(separator: "\n").first { $0.contains("client-key-data:") })
        let field = line.split(separator: ":", maxSplits: 1)[1].trimmingCharacters(in: .whitespaces)
        let pem = String(decoding: try #require(Data(base64Encoded: field)), as: UTF8.self)
        let body = pem.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
        func middle(_ text: String) -> String {
            let start = text.index(text.startIndex, offsetBy: max(0, text.count / 2 - 20))
            return String(text[start...].prefix(40))
        }
        #expect(body.count >= 60 && field.count >= 60)
        return [middle(body), middle(field)]
    }
}
