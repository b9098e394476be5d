import AppModel
import EdgeSim
import Foundation
import GitStore
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import PlacerFakes
import Reconciler
import Testing

@testable import Dashboard

/// The console's routes through HummingbirdTesting's router framework, over a reconciler on the in-memory fakes
/// (the example repo in a ``FakeGitSource``, its clusters on a ``FakeHub``): pages, JSON, auth, CSRF, commits.
@Suite struct ConsoleRouteTests {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let presets = ReconcilerConfiguration.loadPresets(from: packageRoot.appendingPathComponent("policies").path)
    static let exampleFiles: [String: String] = {
        let files = (try? RepoFiles.read(directory: packageRoot.appendingPathComponent("example-repo").path)) ?? [:]
        return files.mapValues { String(decoding: $0, as: UTF8.self) }
    }()
    static let token = "0123456789abcdef-test-token"
    static let user = ConsoleUser(name: "Ada Lovelace", email: "ada@example.com")

    /// The example repo reconciled once on the fakes, and a server with the console on it.
    struct World {
        let git: FakeGitSource
        let hub: FakeHub
        let reconciler: Reconciler
        let trigger = ReconcileTrigger()
        let server: DashboardServer

        init(extraFiles: [String: String] = [:], openReads: Bool = true, tokens: Bool = true) async throws {
            git = FakeGitSource(files: ConsoleRouteTests.exampleFiles.merging(extraFiles) { $1 })
            hub = FakeHub()
            let configuration = ReconcilerConfiguration(
                repoURL: "git://fake.example/app-repo.git", cacheDirectory: "/nonexistent",
                presets: ConsoleRouteTests.presets, statusWaitSeconds: 1)
            let files = ConsoleRouteTests.exampleFiles.mapValues { Data($0.utf8) }
            for cluster in RepoLoader.load(files: files).clusters {
                await hub.seed(ManagedClusterFactory.make(from: cluster), kind: .managedCluster)
            }
            reconciler = Reconciler(configuration: configuration, git: git, hub: hub)
            _ = try await reconciler.reconcileOnce()
            let console = PlacerConsole(
                reconciler: reconciler, trigger: trigger,
                configuration: ConsoleConfiguration(
                    tokens: tokens ? ConsoleTokens([(ConsoleRouteTests.token, ConsoleRouteTests.user)]) : nil,
                    openReads: openReads))
            server = DashboardServer(
                configuration: DashboardConfiguration(
                    host: "127.0.0.1", port: 0, secret: try WebhookSecret("s3cret"),
                    filter: WebhookFilter(branch: "main")),
                trigger: trigger, isReady: { true }, console: console)
        }

        func test(_ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
            try await server.buildApplication().test(.router, body)
        }
    }

    static func text(_ response: TestResponse) -> String { String(buffer: response.body) }

    static func form(_ fields: [String: String]) -> ByteBuffer {
        ByteBuffer(
            string: fields.map { "\(FormCoding.encode($0.key))=\(FormCoding.encode($0.value))" }.joined(separator: "&"))
    }

    static let formHeaders: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]

    /// Signs in with the token and returns the session cookie and the CSRF token of the session.
    static func signIn(_ client: any TestClientProtocol) async throws -> (cookie: String, csrf: String) {
        let response = try await client.execute(
            uri: "/login", method: .post, headers: formHeaders, body: form(["token": token, "next": "/"]))
        #expect(response.status == .seeOther)
        let setCookie = try #require(response.headers[.setCookie])
        #expect(setCookie.contains("HttpOnly"))
        #expect(setCookie.contains("SameSite=Strict"))
        let cookie = String(setCookie.split(separator: ";")[0])
        let page = try await client.execute(uri: "/", method: .get, headers: [.cookie: cookie])
        let html = text(page)
        let marker = "name=\"csrf\" value=\""
        let start = try #require(html.range(of: marker)).upperBound
        let csrf = String(html[start...].prefix { $0 != "\"" })
        #expect(csrf.count == 64)
        return (cookie, csrf)
    }

    // MARK: Pages and JSON

    @Test func appsPageListsEveryAppWithHeadersAgainstFramingAndSniffing() async throws {
        let world = try await World()
        try await world.test { client in
            let response = try await client.execute(uri: "/", method: .get)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "text/html; charset=utf-8")
            #expect(response.headers[HTTPField.Name("X-Frame-Options")!] == "DENY")
            #expect(response.headers[.xContentTypeOptions] == "nosniff")
            #expect(response.headers[.contentSecurityPolicy]?.contains("frame-ancestors 'none'") == true)
            let html = Self.text(response)
            for app in ["digital-twin", "mqtt-broker", "fleet-manager"] {
                #expect(html.contains("data-testid=\"app-row-\(app)\""), "\(app) missing")
            }
            #expect(html.contains("<form method=\"get\" action=\"/\" id=\"apps-filter\""))
            #expect(!html.contains("<script"))
            let css = try await client.execute(uri: "/console.css", method: .get)
            #expect(css.headers[.contentType] == "text/css; charset=utf-8")
        }
    }

    @Test func appsFilterSearchAndPagingHappenOnTheServer() async throws {
        let world = try await World()
        try await world.test { client in
            let all = try await client.execute(uri: "/", method: .get, headers: [.accept: "application/json"])
            let page = try JSONSerialization.jsonObject(with: Data(Self.text(all).utf8)) as? [String: Any]
            let total = try #require(page?["total"] as? Int)
            #expect(total == 9)
            let search = try await client.execute(
                uri: "/?q=agv&per=2&page=2", method: .get, headers: [.accept: "application/json"])
            let found = try JSONSerialization.jsonObject(with: Data(Self.text(search).utf8)) as? [String: Any]
            #expect(found?["matched"] as? Int == 3)
            #expect(found?["pages"] as? Int == 2)
            let rows = try #require(found?["apps"] as? [[String: Any]])
            #expect(rows.map { $0["name"] as? String } == ["agv-controller-hall-3"])
            let gold = try await client.execute(
                uri: "/?class=Gold", method: .get, headers: [.accept: "application/json"])
            let golds = try JSONSerialization.jsonObject(with: Data(Self.text(gold).utf8)) as? [String: Any]
            let goldRows = try #require(golds?["apps"] as? [[String: Any]])
            #expect(!goldRows.isEmpty)
            #expect(goldRows.allSatisfy { $0["qosClass"] as? String == "Gold" })
            #expect((golds?["matched"] as? Int ?? 0) < total)
        }
    }

    @Test func appDetailExplainsTheDecisionWithChartAndHistory() async throws {
        let world = try await World()
        try await world.test { client in
            let response = try await client.execute(uri: "/apps/digital-twin", method: .get)
            #expect(response.status == .ok)
            let html = Self.text(response)
            #expect(html.contains("data-testid=\"criteria-table\""))
            #expect(html.contains("<svg"))
            #expect(html.contains("data-testid=\"score-chart\""))
            #expect(html.contains("data-testid=\"refused-table\""))
            #expect(html.contains("id=\"pin-form\""))
            #expect(html.contains("href=\"/commits/"))
            let json = try await client.execute(
                uri: "/apps/digital-twin", method: .get, headers: [.accept: "application/json"])
            let answer = try JSONSerialization.jsonObject(with: Data(Self.text(json).utf8)) as? [String: Any]
            let app = try #require(answer?["app"] as? [String: Any])
            #expect(app["winner"] as? String != nil)
            // The first reconcile's placement commit is Placer's.
            #expect((app["placement"] as? [String: Any])?["by"] as? String == "Placer")
            #expect((app["candidates"] as? [Any])?.isEmpty == false)
            let history = try #require(answer?["history"] as? [[String: Any]])
            #expect(history.first?["by"] as? String == "Placer")
            let missing = try await client.execute(uri: "/apps/no-such-app", method: .get)
            #expect(missing.status == .notFound)
        }
    }

    @Test func clustersHistoryCommitAndWhatIfPages() async throws {
        let world = try await World()
        let before = await world.git.commitCount
        try await world.test { client in
            let clusters = try await client.execute(uri: "/clusters", method: .get)
            #expect(clusters.status == .ok)
            #expect(Self.text(clusters).contains("data-testid=\"cluster-row-factory-dc\""))
            let cluster = try await client.execute(uri: "/clusters/factory-dc", method: .get)
            #expect(cluster.status == .ok)
            #expect(Self.text(cluster).contains("data-testid=\"cluster-apps\""))
            let history = try await client.execute(
                uri: "/history", method: .get, headers: [.accept: "application/json"])
            let entries = try #require(
                try JSONSerialization.jsonObject(with: Data(Self.text(history).utf8)) as? [[String: Any]])
            let first = try #require(entries.first?["commit"] as? String)
            let commit = try await client.execute(uri: "/commits/\(first)", method: .get)
            #expect(commit.status == .ok)
            #expect(Self.text(commit).contains("placements/"))
            let human = try await client.execute(
                uri: "/history?by=human", method: .get, headers: [.accept: "application/json"])
            #expect((try JSONSerialization.jsonObject(with: Data(Self.text(human).utf8)) as? [Any])?.isEmpty == true)

            let whatIf = try await client.execute(
                uri: "/what-if?down=factory-dc", method: .get, headers: [.accept: "application/json"])
            #expect(whatIf.status == .ok)
            let moves = try JSONSerialization.jsonObject(with: Data(Self.text(whatIf).utf8)) as? [String: Any]
            let list = try #require(moves?["moves"] as? [[String: Any]])
            #expect(!list.isEmpty)
            #expect(list.allSatisfy { $0["to"] as? String != "factory-dc" })
            let onIt = await world.reconciler.status.snapshot().apps.values.filter { $0.cluster == "factory-dc" }.map(
                \.app)
            #expect(!onIt.isEmpty)
            for app in onIt { #expect(list.contains { $0["app"] as? String == app }, "\(app) stays on a down cluster") }
            let bad = try await client.execute(uri: "/what-if?down=nowhere", method: .get)
            #expect(bad.status == .unprocessableContent)
        }
        // What-if committed nothing.
        #expect(await world.git.commitCount == before)
    }

    @Test func hostileNamesAreEscaped() async throws {
        let world = try await World()
        try await world.test { client in
            let response = try await client.execute(uri: "/?q=%3Cscript%3Ealert(1)%3C/script%3E", method: .get)
            let html = Self.text(response)
            #expect(!html.contains("<script>alert(1)</script>"))
            #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
            let missing = try await client.execute(uri: "/apps/%3Cimg%20src=x%20onerror=alert(1)%3E", method: .get)
            #expect(missing.status == .notFound)
            #expect(!Self.text(missing).contains("<img src=x"))
        }
        // And in the SVG chart, whose labels the console escapes itself.
        #expect(ConsoleSVG.escape("<a href='x'>&\"") == "&lt;a href=&#39;x&#39;&gt;&amp;&quot;")
    }

    @Test func readsNeedSignInBeyondLoopback() async throws {
        let world = try await World(openReads: false)
        try await world.test { client in
            let refused = try await client.execute(uri: "/", method: .get, headers: [.accept: "application/json"])
            #expect(refused.status == .unauthorized)
            let allowed = try await client.execute(
                uri: "/", method: .get, headers: [.authorization: "Bearer \(Self.token)", .accept: "application/json"])
            #expect(allowed.status == .ok)
        }
    }

    // MARK: Actions

    @Test func actionsAreRefusedWithoutTokenOrCSRF() async throws {
        let world = try await World()
        let before = await world.git.commitCount
        try await world.test { client in
            let anonymous = try await client.execute(
                uri: "/apps/digital-twin/pin", method: .post, headers: Self.formHeaders,
                body: Self.form(["cluster": "factory-dc"]))
            #expect(anonymous.status == .unauthorized)
            let wrongToken = try await client.execute(
                uri: "/apps/digital-twin/pin", method: .post,
                headers: [
                    .authorization: "Bearer not-the-token-at-all", .contentType: "application/x-www-form-urlencoded",
                ],
                body: Self.form(["cluster": "factory-dc"]))
            #expect(wrongToken.status == .unauthorized)
            let session = try await Self.signIn(client)
            var headers = Self.formHeaders
            headers[.cookie] = session.cookie
            let noCSRF = try await client.execute(
                uri: "/apps/digital-twin/pin", method: .post, headers: headers,
                body: Self.form(["cluster": "factory-dc"]))
            #expect(noCSRF.status == .forbidden)
            let badCSRF = try await client.execute(
                uri: "/apps/digital-twin/pin", method: .post, headers: headers,
                body: Self.form(["cluster": "factory-dc", "csrf": String(repeating: "0", count: 64)]))
            #expect(badCSRF.status == .forbidden)
            let reconcile = try await client.execute(uri: "/reconcile", method: .post, headers: headers)
            #expect(reconcile.status == .forbidden)
        }
        #expect(await world.git.commitCount == before)
        #expect(await world.trigger.pendingReasons.isEmpty)
    }

    @Test func actionsAreOffWithoutATokenFile() async throws {
        let world = try await World(tokens: false)
        try await world.test { client in
            let response = try await client.execute(
                uri: "/reconcile", method: .post, headers: [.authorization: "Bearer \(Self.token)"])
            #expect(response.status == .forbidden)
        }
    }

    @Test func pinThroughTheFormCommitsAsTheSignedInUser() async throws {
        let world = try await World()
        let current = try #require(await world.reconciler.status.app("digital-twin")?.cluster)
        let target = try #require(
            await world.reconciler.consoleView()?.decisions["digital-twin"]?.candidates.map(\.cluster).first {
                $0 != current
            })
        try await world.test { client in
            let session = try await Self.signIn(client)
            var headers = Self.formHeaders
            headers[.cookie] = session.cookie
            let response = try await client.execute(
                uri: "/apps/digital-twin/pin", method: .post, headers: headers,
                body: Self.form(["cluster": target, "csrf": session.csrf]))
            #expect(response.status == .ok, "\(Self.text(response))")
            #expect(Self.text(response).contains("data-testid=\"result-commit\""))
        }
        let head = try #require(await world.git.head(of: "main"))
        let info = try await world.git.commitInfo(head)
        #expect(info.author.name == "Ada Lovelace")
        #expect(info.author.email == "ada@example.com")
        #expect(info.message.hasPrefix("Pin digital-twin to \(target)"))
        #expect(!info.message.contains("Placer-Inputs:"))
        let record = try #require(await world.git.text(ofBranch: "main")["placements/digital-twin.yaml"])
        #expect(record.contains("pinned: true"))
        #expect(record.contains("cluster: \(target)"))
        #expect(await world.trigger.pendingReasons.contains { $0.contains("pinned digital-twin") })
        // The next reconcile honours it: the app runs on the pinned cluster, its ManifestWork there.
        _ = try await world.reconciler.reconcileOnce()
        #expect(await world.reconciler.status.app("digital-twin")?.cluster == target)
        let works = await world.hub.objects(.manifestWork, namespace: target)
        #expect(works.contains { $0[path: "metadata.name"]?.stringValue == "digital-twin" })
    }

    @Test func unpinAndRollbackWithABearerToken() async throws {
        let world = try await World()
        let headers: HTTPFields = [
            .authorization: "Bearer \(Self.token)", .contentType: "application/x-www-form-urlencoded",
        ]
        let current = try #require(await world.reconciler.status.app("digital-twin")?.cluster)
        let target = try #require(
            await world.reconciler.consoleView()?.decisions["digital-twin"]?.candidates.map(\.cluster).first {
                $0 != current
            })
        try await world.test { client in
            let pin = try await client.execute(
                uri: "/apps/digital-twin/pin", method: .post, headers: headers, body: Self.form(["cluster": target]))
            #expect(pin.status == .ok)
            let unpin = try await client.execute(uri: "/apps/digital-twin/unpin", method: .post, headers: headers)
            #expect(unpin.status == .ok)
            let answer = try JSONSerialization.jsonObject(with: Data(Self.text(unpin).utf8)) as? [String: Any]
            #expect(answer?["status"] as? String == "ok")
            #expect(
                await world.git.text(ofBranch: "main")["placements/digital-twin.yaml"]?.contains("pinned: false")
                    == true)
            let rollback = try await client.execute(uri: "/apps/digital-twin/rollback", method: .post, headers: headers)
            #expect(rollback.status == .ok, "\(Self.text(rollback))")
        }
        let head = try #require(await world.git.head(of: "main"))
        let info = try await world.git.commitInfo(head)
        #expect(info.author.name == "Ada Lovelace")
        #expect(info.message.contains("Placer-Rollback: digital-twin@"))
    }

    @Test func deployValidatesFirstAndCommitsTheApp() async throws {
        let world = try await World()
        let before = await world.git.commitCount
        // A copy of digital-twin under other names (its objects may not be defined by two apps).
        let valid = try #require(Self.exampleFiles["apps/digital-twin/app.yaml"]).replacingOccurrences(
            of: "twin", with: "twin-copy")
        try await world.test { client in
            let session = try await Self.signIn(client)
            var headers = Self.formHeaders
            headers[.cookie] = session.cookie
            let broken = try await client.execute(
                uri: "/apps", method: .post, headers: headers,
                body: Self.form([
                    "name": "digital-twin-copy", "csrf": session.csrf,
                    "yaml": valid.replacingOccurrences(of: "qosClass: BestEffort", with: "qosClass: Platinum"),
                ]))
            #expect(broken.status == .unprocessableContent)
            let page = Self.text(broken)
            #expect(page.contains("data-testid=\"deploy-errors\""))
            #expect(page.contains("apps/digital-twin-copy/app.yaml:"), "\(page)")
            #expect(await world.git.commitCount == before)
            let badName = try await client.execute(
                uri: "/apps", method: .post, headers: headers,
                body: Self.form(["name": "<Bad>", "csrf": session.csrf, "yaml": valid]))
            #expect(badName.status == .unprocessableContent)
            #expect(!Self.text(badName).contains("<Bad>"))
            let good = try await client.execute(
                uri: "/apps", method: .post, headers: headers,
                body: Self.form(["name": "digital-twin-copy", "csrf": session.csrf, "yaml": valid]))
            #expect(good.status == .ok, "\(Self.text(good))")
        }
        let head = try #require(await world.git.head(of: "main"))
        let info = try await world.git.commitInfo(head)
        #expect(info.author.email == "ada@example.com")
        #expect(await world.git.text(ofBranch: "main")["apps/digital-twin-copy/app.yaml"] == valid)
        let report = try await world.reconciler.reconcileOnce()
        #expect(report.apps.contains { $0.app == "digital-twin-copy" && $0.cluster != nil })
    }

    @Test func reconcileRequestGoesToTheTrigger() async throws {
        let world = try await World()
        try await world.test { client in
            let response = try await client.execute(
                uri: "/reconcile", method: .post, headers: [.authorization: "Bearer \(Self.token)"])
            #expect(response.status == .ok)
        }
        #expect(await world.trigger.pendingReasons == ["console: reconcile requested by Ada Lovelace"])
    }

    @Test func tokensFileParsesUsersAndNeverEchoesTokens() throws {
        let tokens = try ConsoleTokens.parse(
            "# console users\nabcdefghijklmnop0001 Grace Hopper <grace@example.com>\n\nabcdefghijklmnop0002\n",
            file: "tokens")
        #expect(tokens.user(for: "abcdefghijklmnop0001")?.display == "Grace Hopper <grace@example.com>")
        #expect(tokens.user(for: "abcdefghijklmnop0002")?.name == "console")
        #expect(tokens.user(for: "abcdefghijklmnop0003") == nil)
        #expect(throws: ConsoleTokenError.self) { try ConsoleTokens.parse("short\n", file: "tokens") }
        do {
            _ = try ConsoleTokens.parse("abcdefghijklmnop0001 Grace\n", file: "tokens")
        } catch {
            #expect("\(error)" == "tokens:1: after the token, give the user as Name <email>")
        }
    }
}
