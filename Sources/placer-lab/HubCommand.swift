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
}
