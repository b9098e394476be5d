import AsyncHTTPClient
import EdgeSim
import Foundation
import NIOCore
import PlacerTestSupport
import Synchronization
import Testing

/// A webhook storm against the real `placer run`: 2,000 deliveries in 20 s from a bounded local load (at most 32 in
/// flight), one in five of them abuse: unsigned, wrongly signed, replayed (same delivery id and body as an earlier
/// accepted one) or oversized (1.5 MiB). Checked from outside: each gets its status (202, 401, 401, 409, 413), `/healthz`
/// answers every probe during the storm, the daemon's resident memory (`/proc/<pid>/status` VmRSS) stays bounded,
/// and the 1,600 accepted pushes coalesce into a few reconciles (`placer_reconcile_total` from `/metrics`).
/// Figures are printed for docs/benchmarks.md ("Webhook storm"); the bounds asserted are deliberately loose.
@Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: placerBinary)))
struct WebhookStormTests {
    static let secret = "storm-webhook-secret-31b7"
    static let deliveries = 2000
    static let seconds = 20.0

    enum Kind: String, CaseIterable { case valid, unsigned, forged, replayed, oversized }

    static func kind(_ index: Int) -> Kind {
        switch index % 20 {
        case 0: .unsigned
        case 1: .forged
        case 2 where index >= 100: .replayed
        case 3: .oversized
        default: .valid
        }
    }

    static func expected(_ kind: Kind) -> Int {
        switch kind {
        case .valid: 202
        case .unsigned, .forged: 401
        case .replayed: 409
        case .oversized: 413
        }
    }

    static func hex(_ index: Int) -> String { String(format: "%040x", index + 0xabc0_0000) }

    /// The request for delivery `index`: a replay repeats the id and body of valid delivery `index - 96`.
    static func request(_ index: Int, port: Int) -> HTTPClientRequest {
        let kind = kind(index)
        let source = kind == .replayed ? index - 96 : index
        var body = WebhookRunTests.githubPush(after: hex(source), files: ["apps/digital-twin/app.yaml"])
        if kind == .oversized { body += String(repeating: " ", count: 3 << 19) }
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/hooks/github")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "X-GitHub-Event", value: "push")
        request.headers.add(name: "X-GitHub-Delivery", value: "storm-\(source)")
        switch kind {
        case .unsigned: break
        case .forged:
            request.headers.add(name: "X-Hub-Signature-256", value: WebhookRunTests.signature(body, secret: "guess"))
        default:
            request.headers.add(name: "X-Hub-Signature-256", value: WebhookRunTests.signature(body, secret: secret))
        }
        request.body = .bytes(ByteBuffer(string: body))
        return request
    }

    static func residentKiB(_ pid: Int32) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") })
        else { return nil }
        return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
    }

    static func reconciles(_ client: HTTPClient, port: Int) async -> Int? {
        guard
            let response = try? await client.execute(
                HTTPClientRequest(url: "http://127.0.0.1:\(port)/metrics"), timeout: .seconds(5)),
            let body = try? await response.body.collect(upTo: 8 << 20)
        else { return nil }
        var total = 0.0
        for line in String(buffer: body).split(separator: "\n") where line.hasPrefix("placer_reconcile_total") {
            total += Double(line.split(separator: " ").last ?? "") ?? 0
        }
        return Int(total)
    }

    final class StopFlag: Sendable {
        private let flag = Atomic<Bool>(false)
        var stopped: Bool { flag.load(ordering: .relaxed) }
        func stop() { flag.store(true, ordering: .relaxed) }
    }

    static func milliseconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
    }

    /// `/healthz` latencies in ms, every 100 ms until `flag` stops; -1 for a probe that failed or timed out (5 s).
    static func probeHealth(_ client: HTTPClient, port: Int, until flag: StopFlag) async -> [Double] {
        var latencies: [Double] = []
        while !flag.stopped {
            let start = ContinuousClock.now
            let code = try? await client.execute(
                HTTPClientRequest(url: "http://127.0.0.1:\(port)/healthz"), timeout: .seconds(5)
            ).status.code
            latencies.append(code == 200 ? milliseconds(ContinuousClock.now - start) : -1)
            try? await Task.sleep(for: .milliseconds(100))
        }
        return latencies
    }

    /// VmRSS in KiB every 250 ms until `flag` stops.
    static func sampleResident(_ pid: Int32, until flag: StopFlag) async -> [Int] {
        var samples: [Int] = []
        while !flag.stopped {
            if let kib = residentKiB(pid) { samples.append(kib) }
            try? await Task.sleep(for: .milliseconds(250))
        }
        return samples
    }

    @Test func twoThousandDeliveriesLeaveTheDaemonResponsiveBoundedAndCoalesced() async throws {
        try await withFactory { factory in
            let port = try FreePort.find()
            let secretFile = factory.folder.appendingPathComponent("webhook-secret").path
            try Self.secret.write(toFile: secretFile, atomically: true, encoding: .utf8)
            try await factory.withDaemon(["--webhook-listen", "127.0.0.1:\(port)", "--webhook-secret-file", secretFile])
            { client, log, pid in
                try await Self.storm(client: client, port: port, pid: pid, log: log)
            }
        }
    }

    static func storm(client: HTTPClient, port: Int, pid: Int32, log: URL) async throws {
        let ready = await eventually(timeout: .seconds(60), interval: .milliseconds(100)) {
            (try? await client.execute(
                HTTPClientRequest(url: "http://127.0.0.1:\(port)/readyz"), timeout: .seconds(2)
            ).status.code) == 200
        }
        #expect(ready, "\((try? String(contentsOf: log, encoding: .utf8)) ?? "")")
        // Let the first pass's status updates settle before the baseline.
        try await Task.sleep(for: .seconds(2))
        let reconcilesBefore = try #require(await reconciles(client, port: port))
        let rssBefore = try #require(residentKiB(pid))

        // Probes: /healthz every 100 ms, resident memory every 250 ms, until the storm ends.
        let done = StopFlag()
        async let probes = probeHealth(client, port: port, until: done)
        async let rssSamples = sampleResident(pid, until: done)

        let clock = ContinuousClock()
        let start = clock.now
        let spacing = Duration.seconds(seconds) / deliveries
        var outcomes: [Kind: [Int: Int]] = [:]
        try await withThrowingTaskGroup(of: (Kind, Int).self) { group in
            var inFlight = 0
            for index in 0..<deliveries {
                if inFlight >= 32, let (kind, code) = try await group.next() {
                    outcomes[kind, default: [:]][code, default: 0] += 1
                    inFlight -= 1
                }
                try await clock.sleep(until: start + spacing * index)
                let request = request(index, port: port)
                let kind = kind(index)
                group.addTask {
                    let code = try? await client.execute(request, timeout: .seconds(30)).status.code
                    return (kind, Int(code ?? 0))
                }
                inFlight += 1
            }
            for try await (kind, code) in group { outcomes[kind, default: [:]][code, default: 0] += 1 }
        }
        let stormSeconds = milliseconds(clock.now - start) / 1000
        done.stop()
        let latencies = await probes
        let rss = await rssSamples

        // Reconciles settle: the count stops moving for 5 s.
        var reconcilesAfter = reconcilesBefore
        var stableSince = clock.now
        let settleDeadline = clock.now + .seconds(90)
        while clock.now < settleDeadline, clock.now - stableSince < .seconds(5) {
            try await Task.sleep(for: .milliseconds(500))
            if let count = await reconciles(client, port: port), count != reconcilesAfter {
                reconcilesAfter = count
                stableSince = clock.now
            }
        }
        let rssAfter = residentKiB(pid) ?? 0

        let mismatches = Kind.allCases.reduce(0) { sum, kind in
            sum + (outcomes[kind] ?? [:]).filter { $0.key != expected(kind) }.values.reduce(0, +)
        }
        let answered = latencies.filter { $0 >= 0 }.sorted()
        let p99 = answered.isEmpty ? 0 : answered[min(answered.count - 1, answered.count * 99 / 100)]
        let reconcileCount = reconcilesAfter - reconcilesBefore
        let peak = rss.max() ?? rssBefore
        print(
            """
            webhook storm: \(deliveries) deliveries in \(stormSeconds) s; outcomes \(outcomes.mapValues { $0.sorted { $0.key < $1.key } });
              healthz probes \(latencies.count), failed \(latencies.count - answered.count), p50 \(answered.isEmpty ? 0 : answered[answered.count / 2]) ms, p99 \(p99) ms, max \(answered.last ?? 0) ms;
              RSS before \(rssBefore / 1024) MiB, peak \(peak / 1024) MiB, after \(rssAfter / 1024) MiB; reconciles \(reconcileCount)
            """)
        #expect(mismatches == 0, "answers not as expected: \(outcomes)")
        #expect((outcomes[.valid]?[202] ?? 0) >= 1500)
        #expect(!latencies.isEmpty && answered.count == latencies.count, "/healthz failed during the storm")
        #expect(peak - rssBefore < 256 * 1024, "resident memory grew by \((peak - rssBefore) / 1024) MiB")
        #expect(reconcileCount >= 1 && reconcileCount <= 20, "\(reconcileCount) reconciles for the storm")
    }
}
