import EdgeSim
import Foundation
import OCMClient
import Testing

@Suite struct ScratchTests {
    @Test func rawLeaseWatch() async throws {
        try await withHub(HubConfiguration()) { _, client in
            let stream = client.watch(.lease, namespace: "placer", resourceVersion: nil)
            try await Task.sleep(for: .milliseconds(200))
            _ = try await client.create(.lease, namespace: "placer", body: Data(#"{"apiVersion":"coordination.k8s.io/v1","kind":"Lease","metadata":{"name":"x","namespace":"placer"},"spec":{}}"#.utf8))
            do {
                let events = try await collect(stream, timeout: .seconds(3)) { $0.count >= 1 }
                print("SCRATCH events", events.map(\.type))
            } catch {
                print("SCRATCH error", error)
            }
        }
    }
}
