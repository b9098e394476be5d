import AppModel
import Foundation

/// A point forecast with a central prediction interval, in the series' unit.
public struct Forecast: Sendable, Hashable {
    /// The point forecast.
    public var value: Double
    /// The interval's lower and upper bounds (`lower ≤ value ≤ upper`; equal to `value` at coverage 0).
    public var lower: Double
    public var upper: Double

    public init(value: Double, lower: Double, upper: Double) {
        self.value = value
        self.lower = lower
        self.upper = upper
    }
}

/// A load forecaster: fitted on one cluster's series, it predicts a value and an interval at a horizon.
///
/// Contract: a value type, pure and deterministic (no I/O, no clock, no randomness); ``fit(timestamps:values:)``
/// replaces what was learned, ``update(timestamp:value:)`` adds one newer sample, and a fit followed by updates
/// equals a fit on the whole series. Timestamps are seconds on any clock, oldest first; values are in the
/// series' unit (cpu cores, memory bytes). PDLC's ForecastHeadroom filter and headroom score use
/// ``Forecast/upper``. Implementations live in `Sources/PDLC/Forecast/`, one a file, registered in
/// ``ForecasterRegistry``; each cites its source.
public protocol Forecaster: Sendable {
    /// The name a policy selects it by (`spec.forecaster: holt`), lower-case.
    var name: String { get }
    /// The name explanations show (`Holt`).
    var displayName: String { get }
    /// Learns from `values` observed at `timestamps` (seconds, ascending, same count), replacing earlier state.
    mutating func fit(timestamps: [Double], values: [Double])
    /// Learns from one sample newer than every sample seen.
    mutating func update(timestamp: Double, value: Double)
    /// The forecast `horizonSeconds` after the newest sample, with a central interval holding the true value
    /// with probability `coverage` (0 ≤ coverage < 1) under the model's error assumptions.
    /// - Returns: `nil` before any sample was seen.
    func predict(horizonSeconds: Double, coverage: Double) -> Forecast?
}

/// The forecasters a policy can name, by ``Forecaster/name``.
public struct ForecasterRegistry: Sendable {
    /// Name → a fresh forecaster.
    public var forecasters: [String: @Sendable () -> any Forecaster]

    public init(forecasters: [String: @Sendable () -> any Forecaster]) { self.forecasters = forecasters }

    /// The built-in forecasters: `last` (``LastValueForecaster``), `seasonal` (``SeasonalNaiveForecaster``),
    /// `ewma` (``EWMAForecaster``), `holt` (``HoltForecaster``) and the learned `ridge` (``RidgeForecaster``).
    public static let standard = ForecasterRegistry(forecasters: [
        "last": { LastValueForecaster() },
        "seasonal": { SeasonalNaiveForecaster() },
        "ewma": { EWMAForecaster() },
        "holt": { HoltForecaster() },
        "ridge": { RidgeForecaster() },
    ])

    /// The policy's forecaster (`spec.forecaster`); Holt when the name is unknown (validation refuses unknown
    /// names before a decision, see `PlacementPolicy.knownForecasters`).
    public func forecaster(for policy: PlacementPolicy) -> any Forecaster {
        forecasters[policy.forecaster]?() ?? HoltForecaster()
    }
}

/// The standard normal quantile Φ⁻¹(p) for 0 < p < 1, by P. J. Acklam's rational approximation (relative error
/// below 1.15e-9), "An algorithm for computing the inverse normal cumulative distribution function" (2003).
enum NormalQuantile {
    static func of(_ p: Double) -> Double {
        precondition(p > 0 && p < 1, "quantile of \(p)")
        let a = [
            -3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02,
            -3.066479806614716e+01, 2.506628277459239e+00,
        ]
        let b = [
            -5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01,
            -1.328068155288572e+01,
        ]
        let c = [
            -7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00,
            4.374664141464968e+00, 2.938163982698783e+00,
        ]
        let d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00]
        let low = 0.02425
        if p < low {
            let q = (-2 * log(p)).squareRoot()
            return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
                / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
        }
        if p > 1 - low { return -of(1 - p) }
        let q = p - 0.5
        let r = q * q
        return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
            / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
    }
}
