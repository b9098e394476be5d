import Foundation

/// What `placer validate` says about an app repo: the findings of the one load a reconcile runs
/// (``RepoLoader/load(tree:presets:kustomize:)``), the `placements/` checks, and what a reconcile would do with each
/// app.
public struct RepoValidation: Sendable {
    /// What a reconcile would do with one app.
    public enum Outcome: Sendable, Equatable {
        /// The app loads: the engine decides its cluster (it is on `current` now, `nil` when never placed).
        case place(current: String?, pinned: Bool)
        /// The app's files have errors: it keeps its last placement (`nil` when it has none) and is not decided.
        case invalid(keeps: String?)
        /// `placements/<app>.yaml` has no `apps/<app>/`: the placement and its ManifestWork are pruned.
        case prune
    }

    /// The loaded snapshot.
    public var snapshot: RepoSnapshot
    /// App name → outcome, for every app folder and every committed placement.
    public var outcomes: [String: Outcome]
    /// Why a reconcile would stop before deciding, or `nil` when it would decide.
    public var stop: String?

    /// - Parameters:
    ///   - snapshot: the result of ``RepoLoader/load(tree:presets:kustomize:)``.
    ///   - maxPruneShare: the largest share of known apps (0…1) one reconcile prunes without being told to
    ///     (the reconciler's `maxPruneShare`, default 0.3).
    public init(snapshot: RepoSnapshot, maxPruneShare: Double = 0.3) {
        self.snapshot = snapshot
        var outcomes: [String: Outcome] = [:]
        for app in snapshot.apps {
            let record = snapshot.placements[app.name]
            outcomes[app.name] = .place(current: record?.cluster, pinned: record?.pinned ?? false)
        }
        for app in snapshot.invalidApps.keys { outcomes[app] = .invalid(keeps: snapshot.placements[app]?.cluster) }
        let directories = Set(snapshot.appDirectories)  // a lookup per placement: 10,000 × 10,000 as an array
        let prune = snapshot.placements.keys.filter { !directories.contains($0) }.sorted()
        for app in prune { outcomes[app] = .prune }
        self.outcomes = outcomes
        let known = Set(snapshot.placements.keys).union(directories).count
        let share = Double(prune.count) / Double(max(known, 1))
        if !snapshot.repoErrors.isEmpty {
            stop = "a reconcile stops before deciding (the repo errors above); committed placements stay applied"
        } else if prune.count > 1, share > maxPruneShare {
            stop =
                "a reconcile refuses to prune \(prune.count) apps (\(Int(share * 100))% > \(Int(maxPruneShare * 100))%): "
                + "\(prune.joined(separator: ", ")); it stops until rerun with --allow-mass-prune"
        } else {
            stop = nil
        }
    }

    /// Errors that fail the validation: the snapshot's, plus one when a reconcile would stop on a mass prune.
    public var errorCount: Int {
        snapshot.allErrors.count + (stop != nil && snapshot.repoErrors.isEmpty ? 1 : 0)
    }

    /// The report, one finding or outcome a line, ending with the summary line and a newline.
    ///
    /// Order: warnings (only with `warnings`; placement-record warnings always, since a reconcile rewrites those
    /// files), notes, errors, then `a reconcile would:` and one line per app, sorted, then
    /// `N apps valid, M invalid, K clusters, E errors`.
    /// - Parameter warnings: whether to print the load's warnings (YAML 1.1 lints, unknown fields).
    public func rendered(warnings: Bool) -> String {
        var lines: [String] = []
        for warning in snapshot.warnings
        where warnings || warning.file.hasPrefix(RepoLayout.placementsDirectory + "/") {
            lines.append(warning.description)
        }
        lines += snapshot.notes.map(\.description)
        lines += snapshot.allErrors.map(\.description)
        lines.append("a reconcile would:")
        for app in outcomes.keys.sorted() {
            guard let outcome = outcomes[app] else { continue }
            lines.append("  \(app): \(Self.describe(outcome))")
        }
        if let stop { lines.append(stop) }
        lines.append(
            "\(snapshot.apps.count) apps valid, \(snapshot.invalidApps.count) invalid, "
                + "\(snapshot.clusters.count) clusters, \(errorCount) errors")
        return lines.joined(separator: "\n") + "\n"
    }

    static func describe(_ outcome: Outcome) -> String {
        switch outcome {
        case let .place(current?, true): return "place (pinned to \(current))"
        case let .place(current?, false): return "place (now on \(current))"
        case .place(nil, _): return "place (not placed yet)"
        case let .invalid(keeps?): return "Invalid, keeps its placement on \(keeps)"
        case .invalid(nil): return "Invalid, not placed (it has no placement to keep)"
        case .prune: return "prune (placements/ has it, apps/ does not)"
        }
    }
}
