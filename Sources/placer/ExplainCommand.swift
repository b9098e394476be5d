import Agent
import AppModel
import ArgumentParser
import Foundation
import PDLC
import PlacerCLI
import Reconciler

/// `placer explain APP`: who placed the app where and why, every cluster's verdict and scores, and the inputs
/// with their age.
struct ExplainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract:
            "Explain an app's placement: who made it (Placer or a human, with the commit), each cluster's verdict and scores, the inputs used."
    )

    @Argument(help: "The app (its folder name under apps/).")
    var app: String

    @OptionGroup var repo: RepoOptions
    @OptionGroup var logging: LoggingOptions

    @Option(help: "kubeconfig of the OCM hub, to read live cluster state (optional).")
    var hubKubeconfig: String?

    @Option(help: "Placer's namespace on the hub, where the federated rounds' status is kept.")
    var learningNamespace = "placer"

    func run() async throws {
        logging.bootstrap()
        let client = try hubKubeconfig.map { try HubOptions.parse(["--hub-kubeconfig", $0]).client() }
        defer { Task { try? await client?.shutdown() } }
        let reconciler = try Reconciler(configuration: repo.configuration(), hub: client)
        let explanation: PlacementExplanation
        do {
            explanation = try await reconciler.explain(app: app)
        } catch let error as ReconcileError {
            throw CommandFailure(error.description)
        } catch let error as ExplainError {
            throw CommandFailure(error.description)
        }
        // The federated model behind the agents' forecasts: model, ε spent, δ, rounds (docs/pdlc.md).
        var learning: FederationStatus?
        if let client { learning = try? await FederationStatus.read(hub: client, namespace: learningNamespace) }
        try? await client?.shutdown()
        for line in ExplanationPrinter.lines(explanation) { Console.print(line) }
        if let learning {
            Console.print("")
            Console.print("learning:")
            for line in learning.lines { Console.print("  \(line)") }
        }
    }
}

/// Renders a ``PlacementExplanation`` as text.
enum ExplanationPrinter {
    /// `value` with at most `digits` decimals, trailing zeros dropped.
    static func trim(_ value: Double, digits: Int = 2) -> String {
        var text = String(format: "%.\(digits)f", value)
        while text.contains("."), text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }

    static func lines(_ explanation: PlacementExplanation) -> [String] {
        var lines: [String] = []
        let app = explanation.app
        lines.append("app \(app) at revision \(explanation.revision.prefix(12))")
        if let record = explanation.record {
            lines.append("placement: \(record.cluster ?? "none")\(record.pinned ? " (pinned)" : "")")
        } else {
            lines.append("placement: none committed")
        }
        if let author = explanation.authorship {
            lines.append("made by: \(author.summary), \(ISO8601DateFormatter().string(from: author.date))")
            if !author.byPlacer {
                lines.append(
                    author.honoured
                        ? "  a human decision: Placer keeps it until apps/\(app)/ changes or the placement says pinned: false"
                        : "  a human's commit, no longer binding (apps/\(app)/ changed since, or pinned: false)")
            }
        }
        for error in explanation.errors { lines.append("invalid: \(error) (the last good placement stays)") }
        guard let decision = explanation.decision else { return lines }
        lines.append("")
        lines.append(
            "decision now: \(decision.cluster ?? "none")\(decision.cluster == explanation.record?.cluster ? " (unchanged)" : "")"
        )
        for reason in decision.reasons { lines.append("  - \(reason)") }
        lines.append(
            "decided by: \(decision.path.rawValue) path"
                + (decision.solverGapPercent.map { ", gap \(String(format: "%.2f", $0)) %" } ?? "")
                + (decision.solverNote.map { "; \($0)" } ?? ""))
        let weights = explanation.weights.filter { $0.value > 0 }.sorted { $0.key < $1.key }
        if !weights.isEmpty {
            lines.append(
                "weights (\(decision.app.qosClass.rawValue)): "
                    + weights.map { "\($0.key)=\(trim($0.value))" }.joined(separator: " "))
        }
        lines.append("")
        lines.append("clusters:")
        let plugins = Set(decision.candidates.flatMap(\.scores.keys)).sorted()
        for candidate in decision.candidates {
            let marker = candidate.cluster == decision.cluster ? "*" : " "
            let scores = plugins.map { "\($0)=\(candidate.scores[$0].map { trim($0, digits: 1) } ?? "-")" }.joined(
                separator: " ")
            lines.append(
                "\(marker) \(candidate.cluster): feasible, total \(trim(candidate.total, digits: 1)): \(scores)")
            for (plugin, detail) in (decision.details[candidate.cluster] ?? [:]).sorted(by: { $0.key < $1.key }) {
                lines.append("      \(plugin): \(detail)")
            }
        }
        for rejection in decision.rejected {
            lines.append("  \(rejection.cluster): refused: \(rejection.reasons.joined(separator: "; "))")
        }
        lines.append("")
        lines.append("inputs:")
        for cluster in explanation.clusters {
            var parts = [
                "source \(cluster.source.isEmpty ? "inventory" : cluster.source)",
                cluster.available ? "available" : "UNAVAILABLE",
            ]
            if let telemetry = cluster.telemetry {
                for (metric, source) in telemetry.sources.sorted(by: { $0.key < $1.key }) {
                    let age = telemetry.ageSeconds[metric].map { " \(Int($0.rounded())) s old" } ?? ""
                    parts.append("\(metric) from \(source)\(age)")
                }
                parts.append(contentsOf: telemetry.fallbacks.map { "fallback: \($0)" })
            } else {
                parts.append("no live metrics (static inventory)")
            }
            lines.append("  \(cluster.name): " + parts.joined(separator: ", "))
            for forecast in decision.forecasts[cluster.name] ?? [] { lines.append("    \(forecast)") }
        }
        return lines
    }
}
