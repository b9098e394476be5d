import PDLC

/// Which forecasters can take part in federated rounds.
public enum FederatedModels {
    /// The names in `registry` whose forecaster is a `FederatedForecaster` (its parameters can be averaged), sorted.
    public static func names(in registry: ForecasterRegistry = .standard) -> [String] {
        registry.forecasters.filter { $0.value() is any FederatedForecaster }.keys.sorted()
    }
}
