extension RidgeForecaster {
    /// The centralised counterpart of federated training: the ridge solution on the pooled rows of every model in
    /// `models` (their sufficient statistics `A` and `b` summed per horizon step, then solved with this model's
    /// penalty), as if one process had seen every cluster's samples. For `placer-lab bench federated`, the
    /// baseline federated training is measured against; never used in production (it needs the raw data in one
    /// place).
    /// - Parameter models: ridge models of one shape (same horizons and lags), each trained on one series.
    /// - Returns: ``parameters``-shaped weights (``maxHorizonSteps`` × ``featureCount``); this model's own
    ///   parameters when `models` is empty.
    /// - Precondition: every model has this model's ``maxHorizonSteps`` and ``featureCount``.
    public func pooledParameters(_ models: [RidgeForecaster]) -> [Double] {
        guard !models.isEmpty else { return parameters }
        return systems.indices.flatMap { h in
            var pooled = RidgeSystem(size: featureCount)
            for model in models {
                precondition(model.systems.count == systems.count, "pooled ridge models differ in horizons")
                pooled.merge(model.systems[h])
            }
            return pooled.solve(penalty: penalty, floor: Self.floor)
        }
    }
}
