import EdgeSim
import Foundation
import OCMClient
import Testing

@Suite struct ZZTimingProbe {
    @Test(arguments: 0..<6) func probe(_ i: Int) async throws {
        let hub = EdgeSimHub(configuration: HubConfiguration(agentDelay: .seconds(60)), tls: try HubTLS())
        try await hub.start()
        let folder = try TempFolder()
        let path = "\(folder.path)/c"
        try hub.writeClientCertificateKubeconfig(to: path)
        let client = try KubeClient(kubeconfig: try Kubeconfig.load(path: path), retryPolicy: .none)
        let t0 = ContinuousClock.now
        _ = try await client.list(.managedCluster, namespace: nil)
        let t1 = ContinuousClock.now
        try await client.shutdown()
        let t2 = ContinuousClock.now
        await hub.stop()
        let t3 = ContinuousClock.now
        print("PROBE \(i) request \(t1 - t0) shutdown \(t2 - t1) stop \(t3 - t2)")
        folder.remove()
    }
}
