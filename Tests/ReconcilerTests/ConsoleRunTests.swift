import AsyncHTTPClient
import EdgeSim
import Foundation
import NIOCore
import OCMClient
import PlacerTestSupport
import Testing

/// `placer run --listen` with `--console-token-file`, end to end: a pin posted to the console with a bearer token
/// becomes a Git commit authored by the token's user, and the next reconcile moves the app's ManifestWork on the
/// hub; `placer get apps -o json` and `placer status` read it back. Real process, real `git daemon`, the EdgeSim
/// hub over HTTPS.
@Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: placerBinary)))
struct ConsoleRunTests {
    static let token = "console-e2e-token-7c1a9d0f"

    @Test func aPinFromTheConsoleIsCommittedAndMovesTheApp() async throws {
        try await withFactory { factory in
            let port = try FreePort.find()
            let tokenFile = factory.folder.appendingPathComponent("console-tokens").path
            try "\(Self.token) Ada Lovelace <ada@example.com>\n".write(
                toFile: tokenFile, atomically: true, encoding: .utf8)
            try await factory.withDaemon(["--listen", "127.0.0.1:\(port)", "--console-token-file", tokenFile]) {
                client, log in
                try await Self.exercise(factory, client: client, port: port, log: log)
            }
        }
    }

    static func exercise(_ factory: FactoryFixture, client: HTTPClient, port: Int, log: URL) async throws {
        let base = "http://127.0.0.1:\(port)"
        let ready = await eventually(timeout: .seconds(60), interval: .milliseconds(100)) {
            (try? await client.execute(HTTPClientRequest(url: "\(base)/readyz"), timeout: .seconds(2)).status.code)
                == 200
        }
        #expect(ready, "\((try? String(contentsOf: log, encoding: .utf8)) ?? "")")
        #expect(await factory.works()["regional-cloud/digital-twin"] != nil)
        let output = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        #expect(output.contains("Console: http://127.0.0.1:\(port)/"))

        // Without the token: refused, nothing committed.
        let tip = try factory.tip()
        var anonymous = HTTPClientRequest(url: "\(base)/apps/digital-twin/pin")
        anonymous.method = .POST
        anonymous.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        anonymous.body = .bytes(ByteBuffer(string: "cluster=factory-dc"))
        #expect(try await client.execute(anonymous, timeout: .seconds(10)).status.code == 401)
        #expect(try factory.tip() == tip)

        var pin = HTTPClientRequest(url: "\(base)/apps/digital-twin/pin")
        pin.method = .POST
        pin.headers.add(name: "Authorization", value: "Bearer \(Self.token)")
        pin.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        pin.body = .bytes(ByteBuffer(string: "cluster=factory-dc"))
        let response = try await client.execute(pin, timeout: .seconds(30))
        let body = String(buffer: try await response.body.collect(upTo: 1 << 20))
        #expect(response.status.code == 200, "\(body)")

        let moved = await eventually(timeout: .seconds(30), interval: .milliseconds(100)) {
            let works = await factory.works()
            return works["factory-dc/digital-twin"] != nil && works["regional-cloud/digital-twin"] == nil
        }
        #expect(moved, "\((try? String(contentsOf: log, encoding: .utf8)) ?? "")")
        let logLines = try await git(factory, ["log", "--format=%an <%ae>|%s", "main"])
        #expect(logLines.contains("Ada Lovelace <ada@example.com>|Pin digital-twin to factory-dc"), "\(logLines)")
        let record = try await git(factory, ["show", "main:placements/digital-twin.yaml"])
        #expect(record.contains("pinned: true"))

        // The CLI reads the same API.
        let get = try await ChildProcess.run(placerBinary, ["get", "apps", "-o", "json", "--server", base])
        #expect(get.status == 0, "\(get.output)")
        let list = try JSONSerialization.jsonObject(with: Data(get.output.utf8)) as? [String: Any]
        let items = list?["items"] as? [[String: Any]] ?? []
        #expect(items.first { $0["name"] as? String == "digital-twin" }?["cluster"] as? String == "factory-dc")
        let table = try await ChildProcess.run(placerBinary, ["get", "apps", "--server", base])
        #expect(table.output.hasPrefix("NAME"), "\(table.output)")
        let status = try await ChildProcess.run(placerBinary, ["status", "digital-twin", "--server", base])
        #expect(status.status == 0)
        #expect(status.output.contains("Cluster:    factory-dc"), "\(status.output)")
        #expect(status.output.contains("pinned, human"), "\(status.output)")
        #expect(!((try? String(contentsOf: log, encoding: .utf8)) ?? "").contains(Self.token))
    }

    /// The demo path: `placer-lab demo` prints the console URL and a token file; a pin posted with that token is a
    /// commit by the demo's engineer in the demo's bare repo, and moves the app's ManifestWork on its hub.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: labBinary)))
    func theDemoServesTheConsoleAndAPinMovesTheApp() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "placer-demo-console-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let demo = try ChildProcess(
            labBinary, ["demo", "--workdir", folder.path, "--interval", "60s", "--log-level", "warning"],
            environment: ProcessInfo.processInfo.environment)
        defer { demo.kill9() }
        #expect(await demo.waitForOutput(timeout: .seconds(90)) { $0.contains("Console token file") }, "\(demo.text)")
        let line = try #require(demo.text.split(separator: "\n").first { $0.hasPrefix("Console: http://127.0.0.1:") })
        let base = String(line.dropFirst("Console: ".count).dropLast())  // without the trailing /
        let tokenLine = try String(contentsOf: folder.appendingPathComponent("console-token"), encoding: .utf8)
        let token = String(tokenLine.split(separator: " ")[0])
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        let hub = try KubeClient(
            kubeconfig: try Kubeconfig.load(path: folder.appendingPathComponent("hub.kubeconfig").path))
        do {
            let page = try await client.execute(HTTPClientRequest(url: base + "/"), timeout: .seconds(10))
            let html = String(buffer: try await page.body.collect(upTo: 4 << 20))
            #expect(html.contains("data-testid=\"app-row-digital-twin\""))
            var pin = HTTPClientRequest(url: "\(base)/apps/digital-twin/pin")
            pin.method = .POST
            pin.headers.add(name: "Authorization", value: "Bearer \(token)")
            pin.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
            pin.body = .bytes(ByteBuffer(string: "cluster=factory-dc"))
            let response = try await client.execute(pin, timeout: .seconds(30))
            let body = String(buffer: try await response.body.collect(upTo: 1 << 20))
            #expect(response.status.code == 200, "\(body)")
            let moved = await eventually(timeout: .seconds(30), interval: .milliseconds(200)) {
                let items =
                    (try? await hub.list(.manifestWork, namespace: "factory-dc", labelSelector: nil, limit: nil)) ?? []
                return items.contains { data in
                    let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
                    return (object?["metadata"] as? [String: Any])?["name"] as? String == "digital-twin"
                }
            }
            #expect(moved, "\(demo.text)")
            let log = try await runProgram(
                "/usr/bin/git",
                [
                    "--git-dir", folder.appendingPathComponent("app-repo.git").path, "log", "--format=%an <%ae>|%s",
                    "main",
                ])
            #expect(
                log.output.contains("Demo Engineer <engineer@factory.example>|Pin digital-twin to factory-dc"),
                "\(log.output)")
        } catch {
            try? await hub.shutdown()
            try? await client.shutdown()
            throw error
        }
        try? await hub.shutdown()
        try await client.shutdown()
    }
}
