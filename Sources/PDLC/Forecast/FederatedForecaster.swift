/// A forecaster whose learned state is a flat parameter vector that federated rounds can average (FedAvg,
/// McMahan et al., "Communication-Efficient Learning of Deep Networks from Decentralized Data", AISTATS 2017).
///
/// Contract: ``parameters`` has the same length and meaning on every cluster, so the features behind it are
/// scale-free: every conforming model is fed series normalised to utilisation of capacity (0…1; PDLC divides by
/// the cluster's allocatable before fitting, see `ClusterTelemetry.forecastCPUCores`). ``locallyTrained(from:)``
/// is pure and deterministic: the same samples and the same `global` give the same result, bit for bit, on any
/// machine. Raw samples never leave the model: only parameters do.
///
/// How a model with federated parameters predicts: once ``parameters`` is set (to the round's global model), the
/// point forecast uses exactly those parameters; the interval still comes from this cluster's own recent residuals
/// of that model (recomputed over the samples the model keeps when the parameters are set), so a cluster whose
/// load the global model fits badly gets a wider interval. ``Forecaster/fit(timestamps:values:)`` and
/// ``Forecaster/update(timestamp:value:)`` keep set parameters: they were learned by the federation, not from
/// this series.
public protocol FederatedForecaster: Forecaster {
    /// The flat parameter vector federated rounds average: same length and meaning on every cluster, so
    /// features must be scale-free (e.g. series normalised to utilisation of capacity).
    var parameters: [Double] { get set }
    /// Trains on this forecaster's own samples starting from `global`; returns the new parameters (the
    /// client update is the difference). Pure and deterministic.
    func locallyTrained(from global: [Double]) -> [Double]
}
