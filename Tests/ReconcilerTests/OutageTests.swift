import AppModel
import AsyncHTTPClient
import EdgeSim
import Foundation
import GitStore
import NIOCore
import PlacerTestSupport
import Testing

/// Outages of the parts `placer run` depends on, against the real parts: the Git remote (`git daemon`) stopped and
/// started again on its port, the HTTPS EdgeSim hub stopped and started again with its objects, Prometheus
/// refusing connections. The daemon keeps running, logs one line when a part goes down and one when it is back
/// (however often it retries), shows the outage on `/metrics` and the console while it lasts, and catches up in
/// one pass.
@Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: placerBinary)), .serialized)
struct OutageTests {
    /// `--interval 1s`: the loop retries often, so per-retry logging would show.
    static func arguments(port: Int) -> [String] {
        ["--listen", "127.0.0.1:\(port)", "--interval", "1s"]
    }

    static func get(_ client: HTTPClient, _ url: String) async throws -> (code: Int, body: String) {
        var request = HTTPClientRequest(url: url)
        request.method = .GET
        let response = try await client.execute(request, timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 8 << 20)
        return (Int(response.status.code), String(buffer: body))
    }

    static func lines(_ log: URL, containing text: String) -> [String] {
        let content = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        return content.split(separator: "\n").map(String.init).filter { $0.contains(text) }
    }

    /// The value of one sample line in `/metrics`, e.g. `placer_dependency_up{dependency="git"}`.
    static func sample(_ metrics: String, _ series: String) -> Double? {
        for line in metrics.split(separator: "\n") where line.hasPrefix(series + " ") {
            return Double(line.dropFirst(series.count + 1).trimmingCharacters(in: .whitespaces))
        }
        return nil
    }

    static func waitReady(_ client: HTTPClient, port: Int, log: URL) async throws {
        let ready = await eventually(timeout: .seconds(60), interval: .milliseconds(100)) {
            (try? await get(client, "http://127.0.0.1:\(port)/readyz").code) == 200
        }
        try #require(ready, "\((try? String(contentsOf: log, encoding: .utf8)) ?? "")")
    }

    static func twinEdit(_ text: String) -> String {
        text.replacingOccurrences(of: "nwlatency: \"100\"", with: "nwlatency: \"10\"")
    }

    /// A human commit written straight into the bare repo (the git daemon may be down).
    static func commitInBare(_ factory: FactoryFixture, path: String, edit: (String) -> String) throws -> ObjectID {
        let bare = try GitRepository.open(at: factory.barePath)
        let tip = try factory.tip()
        let text = String(decoding: try #require(try factory.files()[path]), as: UTF8.self)
        let commit = try bare.commit(
            parent: tip, changes: [path: Data(edit(text).utf8)], author: FactoryFixture.humanSignature,
            committer: FactoryFixture.humanSignature, message: "twin near the halls\n", updateRef: "refs/heads/main")
        return try #require(commit)
    }

    @Test func gitRemoteDownAndBack() async throws {
        try await withFactory { factory in
            let port = try FreePort.find()
            try await factory.withDaemon(Self.arguments(port: port)) { client, log in
                try await Self.waitReady(client, port: port, log: log)
                let base = "http://127.0.0.1:\(port)"
                factory.daemon.stop()
                // Down: one line however many retries, the gauge at 0, the console's banner.
                let noticed = await eventually(timeout: .seconds(30), interval: .milliseconds(100)) {
                    !Self.lines(log, containing: "git remote unreachable").isEmpty
                }
                #expect(noticed)
                let human = try Self.commitInBare(factory, path: "apps/digital-twin/app.yaml", edit: Self.twinEdit)
                // Let the loop retry a few times (backoff 1, 2, 4 s).
                try await Task.sleep(for: .seconds(7))
                let metrics = try await Self.get(client, base + "/metrics").body
                #expect(Self.sample(metrics, "placer_dependency_up{dependency=\"git\"}") == 0, "\(metrics)")
                let fetchFailures = Self.sample(metrics, "placer_git_operation_failures_total{operation=\"fetch\"}")
                #expect((fetchFailures ?? 0) >= 2, "the loop did not retry: \(fetchFailures ?? -1)")
                #expect(Self.lines(log, containing: "git remote unreachable").count == 1)
                #expect(
                    Self.lines(log, containing: "reconcile failed").count == 1,
                    "\(Self.lines(log, containing: "failed"))")
                let page = try await Self.get(client, base + "/").body
                #expect(page.contains("data-testid=\"outage-banner\""))
                #expect(page.contains("git remote unreachable since"))

                // Back on the same port: one line, gauge 1, no banner, and the human change caught up in one pass.
                let revived = try GitDaemon(baseDirectory: factory.folder.path, port: factory.daemon.port)
                defer { revived.stop() }
                let moved = await eventually(timeout: .seconds(40), interval: .milliseconds(200)) {
                    let works = await factory.works()
                    return works["regional-cloud/digital-twin"] == nil
                        && works.keys.contains { $0.hasSuffix("/digital-twin") }
                }
                #expect(moved, "\((try? String(contentsOf: log, encoding: .utf8)) ?? "")")
                let back = Self.lines(log, containing: "git remote reachable again after")
                #expect(back.count == 1, "\(back)")
                // The line comes when the catching-up reconcile ends (after its applies and status wait).
                let recovered = await eventually(timeout: .seconds(20), interval: .milliseconds(100)) {
                    !Self.lines(log, containing: "reconcile succeeded again after").isEmpty
                }
                #expect(recovered)
                #expect(Self.lines(log, containing: "reconcile succeeded again after").count == 1)
                #expect(Self.lines(log, containing: "git remote unreachable").count == 1)
                let after = try await Self.get(client, base + "/metrics").body
                #expect(Self.sample(after, "placer_dependency_up{dependency=\"git\"}") == 1)
                #expect(!(try await Self.get(client, base + "/").body).contains("outage-banner"))
                // One placement commit on the human's, and nothing after it.
                let tip = try factory.tip()
                let info = try GitRepository.open(at: factory.barePath).commitInfo(tip)
                #expect(info.parents == [human], "expected one Placer commit on the human's")
            }
        }
    }

    @Test func hubDownAndBack() async throws {
        try await withFactory { factory in
            let port = try FreePort.find()
            try await factory.withDaemon(Self.arguments(port: port)) { client, log in
                try await Self.waitReady(client, port: port, log: log)
                let base = "http://127.0.0.1:\(port)"
                let before = await factory.works()
                await factory.hub.stop()
                let noticed = await eventually(timeout: .seconds(30), interval: .milliseconds(100)) {
                    !Self.lines(log, containing: "OCM hub unreachable").isEmpty
                }
                #expect(noticed)
                // A human moves the twin while the hub is down: Git takes it, the hub must wait.
                let human = try factory.humanEdit("apps/digital-twin/app.yaml", message: "twin near the halls") {
                    Self.twinEdit($0)
                }
                try await Task.sleep(for: .seconds(7))
                let metrics = try await Self.get(client, base + "/metrics").body
                #expect(Self.sample(metrics, "placer_dependency_up{dependency=\"hub\"}") == 0, "\(metrics)")
                #expect(Self.lines(log, containing: "OCM hub unreachable").count == 1)
                #expect(Self.lines(log, containing: "ManagedCluster watch failed").count == 1)
                #expect(
                    Self.lines(log, containing: "reconcile failed").count <= 1,
                    "\(Self.lines(log, containing: "failed"))")
                let page = try await Self.get(client, base + "/").body
                #expect(page.contains("OCM hub unreachable since"))

                try await factory.hub.start()
                let moved = await eventually(timeout: .seconds(40), interval: .milliseconds(200)) {
                    let works = await factory.works()
                    return works["regional-cloud/digital-twin"] == nil
                        && works.keys.contains { $0.hasSuffix("/digital-twin") }
                }
                #expect(moved, "\((try? String(contentsOf: log, encoding: .utf8)) ?? "")")
                let resumed = await eventually(timeout: .seconds(30), interval: .milliseconds(100)) {
                    !Self.lines(log, containing: "ManagedCluster watch resumed").isEmpty
                }
                #expect(resumed)
                #expect(Self.lines(log, containing: "OCM hub reachable again after").count == 1)
                #expect(Self.lines(log, containing: "OCM hub unreachable").count == 1)
                let after = try await Self.get(client, base + "/metrics").body
                #expect(Self.sample(after, "placer_dependency_up{dependency=\"hub\"}") == 1)
                #expect(!(try await Self.get(client, base + "/").body).contains("outage-banner"))
                // No duplicate apply: every work the move did not touch keeps its resourceVersion.
                let now = await factory.works()
                for (key, version) in before where !key.hasSuffix("/digital-twin") {
                    #expect(now[key] == version, "\(key) was written again")
                }
                // And one placement commit for the human's change.
                let info = try GitRepository.open(at: factory.barePath).commitInfo(try factory.tip())
                #expect(info.parents == [human])
            }
        }
    }

    @Test func prometheusRefusingConnectionsHoldsPlacements() async throws {
        try await withFactory { factory in
            let port = try FreePort.find()
            // Nothing listens there: every query is refused.
            let prometheus = "http://127.0.0.1:\(try FreePort.find())"
            try await factory.withDaemon(Self.arguments(port: port) + ["--prometheus-url", prometheus]) {
                client, log in
                try await Self.waitReady(client, port: port, log: log)
                let base = "http://127.0.0.1:\(port)"
                let first = try factory.tip()
                try await Task.sleep(for: .seconds(6))
                #expect(try factory.tip() == first, "Placer committed on fallback data alone")
                #expect(Self.lines(log, containing: "Prometheus unreachable").count == 1)
                #expect(Self.lines(log, containing: "holding placements").count == 1)
                let metrics = try await Self.get(client, base + "/metrics").body
                #expect(Self.sample(metrics, "placer_dependency_up{dependency=\"prometheus\"}") == 0)
                #expect(Self.sample(metrics, "placer_dependency_up{dependency=\"git\"}") == 1)
                let page = try await Self.get(client, base + "/").body
                #expect(page.contains("Prometheus unreachable since"))
                // A human's change is still decided (on hub and inventory data).
                try factory.humanEdit("apps/digital-twin/app.yaml", message: "twin near the halls") {
                    Self.twinEdit($0)
                }
                let decided = await eventually(timeout: .seconds(30), interval: .milliseconds(200)) {
                    await factory.works()["regional-cloud/digital-twin"] == nil
                }
                #expect(decided)
                // The move's commit shows its evidence came from fallbacks, and says so.
                let message = try GitRepository.open(at: factory.barePath).commitInfo(try factory.tip()).message
                #expect(message.contains("fallback: cpu: prometheus unreachable"), "\(message)")
            }
        }
    }

    @Test func prometheusAnsweringSlowlyCountsAsDown() async throws {
        // A listener that never accepts: connections complete in the kernel's backlog and no answer ever comes.
        let socketFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        try #require(socketFD >= 0)
        defer { close(socketFD) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socketFD, $0, length) }
        }
        try #require(bound == 0 && listen(socketFD, 128) == 0)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socketFD, $0, &length) }
        }
        let slowPort = Int(UInt16(bigEndian: address.sin_port))
        try await withFactory { factory in
            let port = try FreePort.find()
            let arguments =
                Self.arguments(port: port) + [
                    "--prometheus-url", "http://127.0.0.1:\(slowPort)", "--prometheus-timeout", "1",
                ]
            try await factory.withDaemon(arguments) { client, log in
                try await Self.waitReady(client, port: port, log: log)
                let first = try factory.tip()
                try await Task.sleep(for: .seconds(6))
                #expect(try factory.tip() == first, "Placer committed on fallback data alone")
                let down = Self.lines(log, containing: "Prometheus unreachable")
                #expect(down.count == 1, "\(down)")
                let metrics = try await Self.get(client, "http://127.0.0.1:\(port)/metrics").body
                #expect(Self.sample(metrics, "placer_dependency_up{dependency=\"prometheus\"}") == 0)
            }
        }
    }
}
