import AppModel

/// Every placement rule `placer bench quality` and the simulator compare, PDLC first.
public enum BaselineCatalog {
    /// PDLC under `policy`, then OCM default, OCM ResourceAllocatableCPU and …Memory, Karmada, kube-scheduler
    /// and random (seeded with `seed`).
    public static func all(policy: PlacementPolicy, seed: UInt64) -> [any PlacementStrategy] {
        [
            PDLCStrategy(policy: policy), OCMDefaultStrategy(), OCMResourceAllocatableStrategy(resource: .cpu),
            OCMResourceAllocatableStrategy(resource: .memory), KarmadaStrategy(), KubeSchedulerStrategy(),
            RandomStrategy(seed: seed),
        ]
    }
}
