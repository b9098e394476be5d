import ArgumentParser
import Foundation
import PlacerCLI
import Telemetry

/// Where Placer reads live cluster metrics (docs/telemetry.md). Not wired into a command yet.
struct TelemetryOptions: ParsableArguments {
    @Option(help: "Prometheus HTTP API base URL (http(s)://host:port); without it, hub and inventory only.")
    var prometheusURL: String?

    @Option(help: "File holding a bearer token for Prometheus, re-read on every request.")
    var prometheusTokenFile: String?

    @Option(help: "PEM CA file to trust for an https Prometheus (replaces the system roots).")
    var prometheusCAFile: String?

    @Option(help: "Seconds after which a metric's newest sample counts as missing.")
    var telemetryMaxAge: Double = 180

    @Option(help: "Seconds of cpu and memory history read for forecasting.")
    var telemetryHistory: Double = 3600

    @Option(help: "Seconds between history points.")
    var telemetryStep: Double = 60

    @Option(
        help:
            "Seconds a Prometheus query may take; a slower answer counts as Prometheus down (placements are held)."
    )
    var prometheusTimeout: Double = 10

    func validate() throws {
        if prometheusURL == nil, prometheusTokenFile != nil || prometheusCAFile != nil {
            throw ValidationError("--prometheus-token-file and --prometheus-ca-file need --prometheus-url")
        }
        guard telemetryMaxAge > 0, telemetryHistory >= 0, telemetryStep > 0, prometheusTimeout > 0 else {
            throw ValidationError(
                "--telemetry-max-age, --telemetry-step and --prometheus-timeout must be positive, --telemetry-history not negative"
            )
        }
    }

    /// The collector configuration these flags describe.
    func configuration() -> TelemetryConfiguration {
        var configuration = TelemetryConfiguration(
            prometheusURL: prometheusURL, prometheusTokenFile: prometheusTokenFile, prometheusCAFile: prometheusCAFile)
        configuration.maxAgeSeconds = telemetryMaxAge
        configuration.historyWindowSeconds = telemetryHistory
        configuration.historyStepSeconds = telemetryStep
        configuration.requestTimeoutSeconds = prometheusTimeout
        return configuration
    }
}
