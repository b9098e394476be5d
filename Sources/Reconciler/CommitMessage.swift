import AppModel
import Foundation
import PDLC

/// The message of a placement commit: a summary line, one line per app that changed, and git trailers
/// (`Placer-Decision: <app>=<id>@<cluster>`, `Placer-Inputs: sha256:<digest>`, `Placer-Source: <revision>`)
/// that tools can read with `git interpret-trailers --parse`.
public enum CommitMessage {
    /// The message layout used when no template is configured.
    public static let defaultTemplate = "{{summary}}\n\n{{changes}}"

    /// The trailer that marks a commit as Placer's own decision (webhook filter, authorship, rollback).
    public static let decisionTrailer = "Placer-Decision:"

    static func make(
        decisions: [AppDecision], changes: [String: Data?], pruned: [String], inputsDigest: String, revision: String,
        template: String? = nil, branch: String = "", mode: String = "commit"
    ) -> String {
        let changedApps = Set(changes.keys.compactMap(Reconciler.appName(ofOutput:)))
        let changed = decisions.filter { changedApps.contains($0.app.name) }.sorted { $0.app.name < $1.app.name }
        let moved = changed.filter(\.moves)
        var summary = "placer: place \(changed.count) app\(changed.count == 1 ? "" : "s")"
        if !moved.isEmpty { summary += ", move \(moved.count)" }
        if !pruned.isEmpty { summary += ", prune \(pruned.count)" }
        var changeLines: [String] = []
        for decision in changed {
            let target = decision.cluster ?? "nowhere"
            let route = decision.moves ? "\(decision.previousCluster ?? "?") → \(target)" : "→ \(target)"
            changeLines.append("\(decision.app.name) \(route): \(decision.reasons.first ?? "")")
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
        lines.append("Placer-Inputs: sha256:\(inputsDigest)")
        lines.append("Placer-Source: \(revision)")
        return lines.joined(separator: "\n") + "\n"
    }
}
