import AppModel
import Foundation
import PDLC

/// The message of a placement commit: a summary line, one line per app that changed, and git trailers
/// (`Placer-Decision: <app>=<id>@<cluster>`, `Placer-Inputs: sha256:<digest>`, `Placer-Source: <revision>`)
/// that tools can read with `git interpret-trailers --parse`.
enum CommitMessage {
    static func make(
        decisions: [AppDecision], changes: [String: Data?], pruned: [String], inputsDigest: String, revision: String
    ) -> String {
        let changedApps = Set(changes.keys.compactMap(Reconciler.appName(ofOutput:)))
        let changed = decisions.filter { changedApps.contains($0.app.name) }.sorted { $0.app.name < $1.app.name }
        let moved = changed.filter(\.moves)
        var summary = "placer: place \(changed.count) app\(changed.count == 1 ? "" : "s")"
        if !moved.isEmpty { summary += ", move \(moved.count)" }
        if !pruned.isEmpty { summary += ", prune \(pruned.count)" }
        var lines = [summary, ""]
        for decision in changed {
            let target = decision.cluster ?? "nowhere"
            let route = decision.moves ? "\(decision.previousCluster ?? "?") → \(target)" : "→ \(target)"
            lines.append("\(decision.app.name) \(route): \(decision.reasons.first ?? "")")
        }
        for app in pruned { lines.append("\(app): pruned, its folder left apps/") }
        lines.append("")
        for decision in changed {
            lines.append("Placer-Decision: \(decision.app.name)=\(decision.decisionID)@\(decision.cluster ?? "none")")
        }
        lines.append("Placer-Inputs: sha256:\(inputsDigest)")
        lines.append("Placer-Source: \(revision)")
        return lines.joined(separator: "\n") + "\n"
    }
}
