import AppModel
import ArgumentParser
import EdgeSim
import Foundation
import Logging
import PlacerCLI
import ServiceLifecycle

/// `placer-lab hub`: the EdgeSim OCM hub emulator alone on 127.0.0.1, until SIGINT or SIGTERM.
///
/// Prints the hub's URL and the path of a kubeconfig (bearer token; with TLS, the generated CA too) that stock
/// kubectl and `placer run --hub-kubeconfig` accept.
struct HubCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hub",
        abstract: "Run the emulated OCM hub (EdgeSim) on 127.0.0.1 and print its kubeconfig; Ctrl-C stops it.")

    @Option(help: "TCP port (0: a free one).")
    var port = 0

    @Option(help: "Write the kubeconfig here (default: hub.kubeconfig in a new temporary folder).")
    var kubeconfig: String?

    @Flag(inversion: .prefixedNo, help: "Serve HTTPS with a CA generated at start (plain http allows anonymous reads).")
    var tls = true

    @Option(help: "An app repo folder whose clusters/*.yaml are registered as ManagedClusters at start.")
    var clustersFrom: String?

    @Option(help: "How long the simulated work agent takes to report a ManifestWork applied (e.g. 100ms).")
    var agentDelay: IntervalArgument = IntervalArgument(seconds: 0.1)

    @Option(
        help: ArgumentHelp(
            "On SIGUSR1, write the hub's request counts (JSON: verb and resource → count) to this file.",
            discussion: "Written whole (a temporary file renamed), so a reader never sees half of it; for "
                + "`placer-lab bench scale`, which runs the hub in a child process."))
    var requestsFile: String?

    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        guard (0...65_535).contains(port) else { throw ValidationError("--port must be 0...65535") }
    }

    func run() async throws {
        logging.bootstrap()
        let path =
            kubeconfig
            ?? FileManager.default.temporaryDirectory
            .appendingPathComponent("placer-lab-hub-\(ProcessInfo.processInfo.processIdentifier)")
            .appendingPathComponent("hub.kubeconfig").path
        try FileManager.default.createDirectory(
            atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path, withIntermediateDirectories: true)
        let hub = EdgeSimHub(
            configuration: HubConfiguration(
                port: port, agentDelay: .milliseconds(Int(agentDelay.seconds * 1000)), anonymousReads: !tls),
            tls: tls ? try HubTLS(dnsNames: ["localhost"], ipAddresses: ["127.0.0.1"]) : nil)
        // Before the kubeconfig is written: a parent that saw it may signal at once.
        let dump = requestsFile.map { Self.dumpRequestsOnSIGUSR1(hub.requests, to: $0) }
        defer { dump?.cancel() }
        try await hub.start()
        do {
            if let clustersFrom {
                let inventory = RepoLoader.load(files: try RepoFiles.read(directory: clustersFrom)).clusters
                for cluster in inventory { try await hub.seed(ManagedClusterFactory.make(from: cluster)) }
                Console.print("registered \(inventory.count) ManagedClusters from \(clustersFrom)")
            }
            try hub.writeKubeconfig(to: path)
        } catch {
            await hub.stop()
            throw CommandFailure("\(error)")
        }
        Console.print(
            """
            hub URL:          \(hub.baseURL)
            hub kubeconfig:   \(path)
              kubectl --kubeconfig \(path) get managedclusters
            Ctrl-C stops the hub.
            """)
        let waiter = ClosureService { try? await gracefulShutdown() }
        let group = ServiceGroup(
            configuration: .init(
                services: [waiter], gracefulShutdownSignals: [.sigterm, .sigint],
                logger: Logger(label: "placer-lab.hub")))
        try await group.run()
        await hub.stop()
    }

    /// Writes `counter`'s snapshot as JSON (`{"verb resource": count}`, keys sorted) to `path` on every SIGUSR1,
    /// through a temporary file renamed over it.
    /// - Returns: the signal source; cancel it to stop.
    static func dumpRequestsOnSIGUSR1(_ counter: RequestCounter, to path: String) -> any DispatchSourceSignal {
        signal(SIGUSR1, SIG_IGN)  // the dispatch source, not the default action (exit), handles it
        let source = DispatchSource.makeSignalSource(signal: SIGUSR1, queue: .global())
        source.setEventHandler {
            guard let data = try? JSONSerialization.data(withJSONObject: counter.snapshot(), options: [.sortedKeys])
            else { return }
            let temporary = path + ".tmp"
            guard FileManager.default.createFile(atPath: temporary, contents: data) else { return }
            _ = rename(temporary, path)
        }
        source.resume()
        return source
    }
}
