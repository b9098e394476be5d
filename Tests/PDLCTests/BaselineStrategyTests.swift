import AppModel
import Testing

@testable import PDLC

/// Each peer baseline on a small case computed by hand from its published formula.
@Suite struct BaselineStrategyTests {
    @Test func catalogListsPDLCFirstThenEveryPeer() {
        let names = BaselineCatalog.all(policy: PlacementPolicy(), seed: 1).map(\.name)
        #expect(
            names == [
                "pdlc", "ocm-default", "ocm-allocatable-cpu", "ocm-allocatable-memory", "karmada", "kube-scheduler",
                "random", "codeco-ilp", "ocm-addon-latency",
            ])
    }

    // MARK: OCM

    @Test func ocmBalanceFormula() {
        #expect(OCMPrioritizers.balance(count: 0, maxCount: 2) == 100)
        #expect(OCMPrioritizers.balance(count: 1, maxCount: 2) == 0)
        #expect(OCMPrioritizers.balance(count: 2, maxCount: 2) == -100)
        #expect(OCMPrioritizers.balance(count: 1, maxCount: 3) == 33)
    }

    @Test func ocmDefaultBalanceOutweighsSteadyWhenTheOwnClusterIsTheBusiest() {
        // p runs on a; q runs on a too. For p: Steady(a)=100, Balance(a)=2·100·(0.5−1/1)=−100 → 0; b: 0+100 → b.
        var strategy = OCMDefaultStrategy()
        let result = strategy.place(
            apps: [makeApp("p"), makeApp("q"), makeApp("x")], clusters: [makeCluster("a"), makeCluster("b")],
            current: ["p": "a", "q": "a"], nowSeconds: 0)
        #expect(result["p"] == "b")
        // q then sees p on b: a = 100 + 100 (nobody else on a) beats b = 0 + (−100).
        #expect(result["q"] == "a")
        // x (new): counts a=1, b=1 → both −100 → tie → a by name.
        #expect(result["x"] == "a")
    }

    @Test func ocmDefaultRespectsCapacityAvailabilityAndNoSelect() {
        var tainted = makeCluster("b", cpu: 10)
        tainted.taints = [ClusterTaint(key: "cluster.open-cluster-management.io/unreachable", effect: "NoSelect")]
        var strategy = OCMDefaultStrategy()
        let result = strategy.place(
            apps: [makeApp("big", cpu: 8), makeApp("small", cpu: 1)],
            clusters: [makeCluster("a", cpu: 4), tainted, makeCluster("c", cpu: 10, available: false)],
            current: [:], nowSeconds: 0)
        #expect(result["big"] == nil)
        #expect(result["small"] == "a")
    }

    @Test func ocmResourceAllocatableFormulaAndChoice() {
        #expect(OCMPrioritizers.resourceAllocatable(20, min: 10, max: 40) == -33)
        #expect(OCMPrioritizers.resourceAllocatable(40, min: 10, max: 40) == 100)
        #expect(OCMPrioritizers.resourceAllocatable(7, min: 7, max: 7) == 100)
        let clusters = [
            makeCluster("a", cpu: 10, memoryGi: 400), makeCluster("b", cpu: 20),
            makeCluster("c", cpu: 40, memoryGi: 50),
        ]
        var cpu = OCMResourceAllocatableStrategy(resource: .cpu)
        var memory = OCMResourceAllocatableStrategy(resource: .memory)
        #expect(cpu.place(apps: [makeApp("x")], clusters: clusters, current: [:], nowSeconds: 0) == ["x": "c"])
        #expect(memory.place(apps: [makeApp("x")], clusters: clusters, current: [:], nowSeconds: 0) == ["x": "a"])
        #expect(cpu.name == "ocm-allocatable-cpu")
    }

    // MARK: Karmada

    @Test func karmadaDividesFreeResourcesByTheRequest() {
        let app = makeApp("x", cpu: 3, memoryGi: 1)
        #expect(KarmadaStrategy.availableReplicas(app, freeCPUCores: 10, freeMemoryBytes: 2 * gibibyte) == 2)
        #expect(KarmadaStrategy.availableReplicas(app, freeCPUCores: 10, freeMemoryBytes: 100 * gibibyte) == 3)
        var strategy = KarmadaStrategy()
        let clusters = [makeCluster("a", cpu: 10), makeCluster("b", cpu: 8)]
        // a: ⌊10/3⌋ = 3 replicas, b: ⌊8/3⌋ = 2 → a.
        #expect(strategy.place(apps: [app], clusters: clusters, current: [:], nowSeconds: 0) == ["x": "a"])
        // Keeps its first result while b stays healthy, even though a has more room.
        #expect(strategy.place(apps: [app], clusters: clusters, current: ["x": "b"], nowSeconds: 0) == ["x": "b"])
        // Fails over when b becomes unavailable.
        let failed = [makeCluster("a", cpu: 10), makeCluster("b", cpu: 8, available: false)]
        #expect(strategy.place(apps: [app], clusters: failed, current: ["x": "b"], nowSeconds: 0) == ["x": "a"])
    }

    // MARK: kube-scheduler

    @Test func kubeSchedulerLeastAllocatedAndBalancedAllocation() {
        let requested = [2.0, 4 * gibibyte]
        let allocatable = [10.0, 8 * gibibyte]
        // ((10−2)/10·100 + (8−4)/8·100) / 2 = (80 + 50) / 2
        #expect(abs(KubeSchedulerStrategy.leastAllocated(requested: requested, allocatable: allocatable) - 65) < 1e-9)
        // fractions 0.2 and 0.5: std 0.15 → 85
        #expect(
            abs(KubeSchedulerStrategy.balancedAllocation(requested: requested, allocatable: allocatable) - 85) < 1e-9)
        // a: 65 + 85 = 150; b (5 cpu, 50 Gi): fractions 0.4, 0.08 → LA 76, BA 84 → 160.
        var strategy = KubeSchedulerStrategy()
        let app = makeApp("x", cpu: 2, memoryGi: 4)
        let clusters = [makeCluster("a", cpu: 10, memoryGi: 8), makeCluster("b", cpu: 5, memoryGi: 50)]
        #expect(strategy.place(apps: [app], clusters: clusters, current: [:], nowSeconds: 0) == ["x": "b"])
        // A bound app is never rescheduled for a better score.
        #expect(strategy.place(apps: [app], clusters: clusters, current: ["x": "a"], nowSeconds: 0) == ["x": "a"])
    }

    // MARK: random

    @Test func randomIsSeededAndRespectsCapacityAndAvailability() {
        let clusters = (0..<6).map { makeCluster("c\($0)", cpu: $0 == 5 ? 40 : 4, available: $0 != 4) }
        let apps = (0..<12).map { makeApp("a\($0)", cpu: $0 == 0 ? 20 : 1) }
        var first = RandomStrategy(seed: 7)
        var second = RandomStrategy(seed: 7)
        let one = first.place(apps: apps, clusters: clusters, current: [:], nowSeconds: 0)
        #expect(one == second.place(apps: apps, clusters: clusters, current: [:], nowSeconds: 0))
        #expect(one["a0"] == "c5")
        #expect(!one.values.contains("c4"))
        var load: [String: Double] = [:]
        for app in apps { if let c = one[app.name] { load[c, default: 0] += app.cpuCores } }
        for cluster in clusters { #expect(load[cluster.name, default: 0] <= cluster.cpuCores) }
        #expect(one.count == apps.count)
    }
}
