import AppModel
import Foundation
import OCMClient
import PDLC

/// The message of a placement commit: a summary line, one line per app that changed, and git trailers
/// (`Placer-Decision: <app>=<id>@<cluster>`, `Placer-Privacy: epsilon=… delta=… rounds=… model=…` when a learned
/// forecast weighed in a move, `Placer-Inputs: sha256:<digest>`, `Placer-Source: <revision>`)
/// that tools can read with `git interpret-trailers --parse`.
public enum CommitMessage {
    /// The message layout used when no template is configured.
    public static let defaultTemplate = "{{summary}}\n\n{{changes}}"

    /// The trailer that marks a commit as Placer's own decision (webhook filter, authorship, rollback).
    public static let decisionTrailer = "Placer-Decision:"

    /// One line of live measurements of `cluster` with their sources and ages, nil without telemetry.
    static func evidence(_ cluster: ClusterSpec) -> String? {
        guard let telemetry = cluster.telemetry else { return nil }
        func origin(_ metric: String) -> String {
            let source = telemetry.sources[metric] ?? "inventory"
            return telemetry.ageSeconds[metric].map { "\(source), \(Int($0.rounded())) s old" } ?? source
        }
        var parts: [String] = cluster.available ? [] : ["unavailable"]
        if let ready = telemetry.nodeReadyFraction {
            parts.append("nodes ready \(Int((ready * 100).rounded()))% (\(origin("nodes")))")
        }
        if let cpu = telemetry.cpuUsedCores {
            parts.append(String(format: "cpu %.1f/%.0f cores", cpu, cluster.cpuCores) + " (\(origin("cpu")))")
        }
        if let memory = telemetry.memoryUsedBytes, cluster.memoryBytes > 0 {
            parts.append("memory \(Int((memory / cluster.memoryBytes * 100).rounded()))% (\(origin("memory")))")
        }
        if !telemetry.latencyMilliseconds.isEmpty {
            let latencies = telemetry.latencyMilliseconds.sorted { $0.key < $1.key }.map {
                "\($0.key) \(String(format: "%.1f", $0.value)) ms"
            }
            parts.append("latency " + latencies.joined(separator: ", ") + " (\(origin("latency")))")
        }
        if let price = telemetry.energyCostPerCoreHour { parts.append(String(format: "energy %.3f EUR/core-h", price)) }
        parts.append(contentsOf: telemetry.fallbacks.map { "fallback: \($0)" })
        return parts.isEmpty ? nil : "\(cluster.name): " + parts.joined(separator: "; ")
    }

    /// The subject line: what moved where and why for one change (`placer: move digital-twin: regional-cloud →
    /// factory-dc (latency 3 ms to hall-2 within 10 ms budget)`), the changes by name for up to three
    /// (`placer: move a: x → y; place b on z; prune c`), and counts by kind beyond (`placer: place 9 apps, move 1`,
    /// `placer: update 7 apps`).
    /// A pinned app's re-render says so, so a reviewer does not mistake it for Placer's choice.
    static func summary(changed: [AppDecision], pruned: [String], pinned: Set<String>) -> String {
        func part(_ decision: AppDecision, withReason: Bool) -> String {
            let app = decision.app.name
            let reason = withReason ? decision.reasons.first.map { " (\($0))" } ?? "" : ""
            guard let target = decision.cluster else {
                return "unplace \(app)\(withReason ? ": " + (decision.reasons.first ?? "no cluster fits") : "")"
            }
            if decision.moves { return "move \(app): \(decision.previousCluster ?? "?") → \(target)\(reason)" }
            if pinned.contains(app) {
                return "re-render \(app) on \(target)\(withReason ? " (pinned there by a human)" : ", pinned")"
            }
            if decision.previousCluster == target { return "update \(app) on \(target)" }
            return "place \(app) on \(target)\(reason)"
        }
        let count = changed.count + pruned.count
        if count == 1 {
            if let decision = changed.first { return "placer: " + part(decision, withReason: true) }
            return "placer: prune \(pruned[0]) (its folder left apps/)"
        }
        if count <= 3 {
            return "placer: "
                + (changed.map { part($0, withReason: false) } + pruned.map { "prune \($0)" }).joined(separator: "; ")
        }
        // Counted by kind, so a pass that only refreshed the records of apps that stay put does not read as placing
        // them ("placer: update 7 apps", not "placer: place 7 apps").
        var counts: [(verb: String, count: Int)] = [
            ("place", 0), ("move", 0), ("update", 0), ("re-render", 0), ("unplace", 0), ("prune", pruned.count),
        ]
        for decision in changed {
            let kind: Int
            if decision.cluster == nil {
                kind = 4
            } else if decision.moves {
                kind = 1
            } else if pinned.contains(decision.app.name) {
                kind = 3
            } else if decision.previousCluster == decision.cluster {
                kind = 2
            } else {
                kind = 0
            }
            counts[kind].count += 1
        }
        let parts = counts.filter { $0.count > 0 }.enumerated().map { index, part in
            index == 0 ? "\(part.verb) \(part.count) app\(part.count == 1 ? "" : "s")" : "\(part.verb) \(part.count)"
        }
        return "placer: " + parts.joined(separator: ", ")
    }

    /// The value of the `Placer-Privacy:` trailer when a learned forecast weighed in a move: a moved app whose
    /// policy weighs `addOnScore` and whose source or target cluster had a valid agent forecast. The privacy is the
    /// federated model's (the same on every cluster), read from the target's forecast when it has one.
    static func privacyTrailer(changed: [AppDecision], learned: [String: String], policy: PlacementPolicy?) -> String? {
        guard let policy, !learned.isEmpty else { return nil }
        for decision in changed where decision.moves {
            guard (policy.weights(for: decision.app)["addOnScore"] ?? 0) > 0 else { continue }
            for cluster in [decision.cluster, decision.previousCluster].compactMap({ $0 }) {
                if let privacy = learned[cluster] { return privacy }
            }
        }
        return nil
    }

    /// Per cluster namespace, `epsilon=… delta=… rounds=… model=…` from the valid AddOnPlacementScores that carry a
    /// `placer agent`'s privacy annotations (``Labels/privacyEpsilon``).
    static func learnedForecasts(_ scores: [AddOnPlacementScoreObject], now: Date) -> [String: String] {
        var learned: [String: String] = [:]
        for object in scores where object.isValid(at: now) {
            guard let cluster = object.clusterName, let annotations = object.metadata.annotations,
                let epsilon = annotations[Labels.privacyEpsilon], let delta = annotations[Labels.privacyDelta]
            else { continue }
            let rounds = annotations[Labels.privacyRounds] ?? "0"
            let model = annotations[Labels.forecastModel] ?? "unknown"
            learned[cluster] = "epsilon=\(epsilon) delta=\(delta) rounds=\(rounds) model=\(model)"
        }
        return learned
    }

    /// Per cluster, what its learning agent says on its valid `placer.dev` AddOnPlacementScore (model, forecast,
    /// recent error, ε, δ, rounds), one readable line each, for the console's cluster page.
    static func agentNotes(_ scores: [AddOnPlacementScoreObject], now: Date) -> [String: [String]] {
        var notes: [String: [String]] = [:]
        for object in scores where object.isValid(at: now) {
            guard let cluster = object.clusterName, let annotations = object.metadata.annotations,
                let model = annotations[Labels.forecastModel]
            else { continue }
            var lines = ["model \(model) (AddOnPlacementScore \(object.metadata.name))"]
            if let forecast = annotations["placer.dev/forecast"] { lines.append("forecast \(forecast)") }
            if let error = annotations["placer.dev/forecast-recent-error"] { lines.append("recent error \(error)") }
            if let epsilon = annotations[Labels.privacyEpsilon] {
                let delta = annotations[Labels.privacyDelta] ?? "?"
                let rounds = annotations[Labels.privacyRounds] ?? "0"
                lines.append("ε spent \(epsilon) at δ \(delta) over \(rounds) federated rounds")
            }
            notes[cluster, default: []].append(contentsOf: lines)
        }
        return notes
    }

    static func make(
        decisions: [AppDecision], changes: [String: Data?], pruned: [String], inputsDigest: String, revision: String,
        template: String? = nil, branch: String = "", mode: String = "commit", clusters: [ClusterSpec] = [],
        pinned: Set<String> = [], learned: [String: String] = [:], policy: PlacementPolicy? = nil
    ) -> String {
        let byName = Dictionary(clusters.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let changedApps = Set(changes.keys.compactMap(Reconciler.appName(ofOutput:)))
        let changed = decisions.filter { changedApps.contains($0.app.name) }.sorted { $0.app.name < $1.app.name }
        let summary = summary(changed: changed, pruned: pruned.sorted(), pinned: pinned)
        var changeLines: [String] = []
        for decision in changed {
            let target = decision.cluster ?? "nowhere"
            let route = decision.moves ? "\(decision.previousCluster ?? "?") → \(target)" : "→ \(target)"
            changeLines.append("\(decision.app.name) \(route): \(decision.reasons.first ?? "")")
            guard decision.moves else { continue }
            // The metric evidence behind a move, for the reviewer: both clusters as PDLC saw them.
            for name in [decision.previousCluster, decision.cluster].compactMap({ $0 }) {
                if let cluster = byName[name], let line = evidence(cluster) {
                    changeLines.append("  evidence: \(line)")
                }
            }
        }
        for app in pruned { changeLines.append("\(app): pruned, its folder left apps/") }
        let body = (template ?? defaultTemplate)
            .replacingOccurrences(of: "{{summary}}", with: summary)
            .replacingOccurrences(of: "{{changes}}", with: changeLines.joined(separator: "\n"))
            .replacingOccurrences(of: "{{apps}}", with: (changed.map(\.app.name) + pruned).joined(separator: ", "))
            .replacingOccurrences(of: "{{branch}}", with: branch)
            .replacingOccurrences(of: "{{source}}", with: revision)
            .replacingOccurrences(of: "{{mode}}", with: mode)
        var lines = [body.trimmingCharacters(in: .whitespacesAndNewlines), ""]
        for decision in changed {
            lines.append("Placer-Decision: \(decision.app.name)=\(decision.decisionID)@\(decision.cluster ?? "none")")
        }
        if let privacy = privacyTrailer(changed: changed, learned: learned, policy: policy) {
            lines.append("Placer-Privacy: \(privacy)")
        }
        lines.append("Placer-Inputs: sha256:\(inputsDigest)")
        lines.append("Placer-Source: \(revision)")
        return lines.joined(separator: "\n") + "\n"
    }
}
