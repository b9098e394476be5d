import AppModel

/// Every placement rule `placer bench quality` and the simulator compare, PDLC first.
public enum BaselineCatalog {
    /// PDLC under `policy`, then OCM default, OCM ResourceAllocatableCPU and …Memory, Karmada, kube-scheduler,
    /// random (seeded with `seed`), and the stronger peers: CODECO's ILP (``CODECOILPStrategy``) and OCM with a
    /// latency AddOnPlacementScore (``OCMAddOnLatencyStrategy``). The hindsight oracle needs the scenario's
    /// future and is added by the bench (``HindsightStrategy``).
    public static func all(policy: PlacementPolicy, seed: UInt64) -> [any PlacementStrategy] {
        [
            PDLCStrategy(policy: policy), OCMDefaultStrategy(), OCMResourceAllocatableStrategy(resource: .cpu),
            OCMResourceAllocatableStrategy(resource: .memory), KarmadaStrategy(), KubeSchedulerStrategy(),
            RandomStrategy(seed: seed), CODECOILPStrategy(), OCMAddOnLatencyStrategy(),
        ]
    }
}
