import AppModel
import Foundation
import GitStore

extension Reconciler {
    /// `--mode propose`: the placement commit goes to ``ReconcilerConfiguration/proposalBranch`` (one branch,
    /// replaced on each new proposal, never a pile of them) and nothing is applied until a human merges it into
    /// the tracked branch; what the tracked branch holds keeps being applied. Once the tracked branch holds the
    /// proposed placements (merged, squashed or rebased: the comparison is by content), the branch is deleted.
    func propose(_ plan: ReconcilePlan, tip: ObjectID) async throws -> ReconcileReport {
        let branch = configuration.proposalBranch
        var events: [String] = []
        var proposal: String?
        let open = try repository.fetch(branch: branch)
        if plan.decided && plan.changes.isEmpty, open != nil {
            try repository.deleteRemoteBranch(branch)
            events.append("the tracked branch has the proposed placements: deleted \(branch)")
            logger.info("proposal merged; deleted the proposal branch", metadata: ["branch": "\(branch)"])
        } else if !plan.changes.isEmpty {
            if let open, try proposalMatches(open, tip: tip, changes: plan.changes) {
                proposal = open.hex  // the same proposal is already up for review
            } else if let commit = try placementCommit(plan, parent: tip) {
                try repository.push(commit, toBranch: branch, force: true)
                proposal = commit.hex
                events.append("proposed \(commit.hex.prefix(12)) on \(branch) for review (on top of \(tip.hex.prefix(12)))")
                logger.info("pushed placement proposal", metadata: ["revision": "\(commit.hex)", "branch": "\(branch)"])
            }
        } else {
            proposal = open?.hex  // still up for review; nothing new to propose
        }
        if plan.decided { lastDecisionInputs = plan.inputsDigest }
        // Apply what the tracked branch holds; the proposal waits for review.
        var report = try await apply(plan, source: tip.hex, revision: tip.hex)
        report.proposal = proposal
        report.events.insert(contentsOf: events, at: 0)
        let proposedApps = Set(plan.changes.keys.compactMap(Self.appName(ofOutput:)))
        for index in report.apps.indices where proposedApps.contains(report.apps[index].app) {
            let app = report.apps[index].app
            guard let decision = plan.decisions.first(where: { $0.app.name == app }) else { continue }
            report.apps[index].phase = .proposed
            report.apps[index].cluster = plan.snapshot.placements[app]?.cluster
            report.apps[index].moved = false
            report.apps[index].reason = "proposed → \(decision.cluster ?? "nowhere") on \(branch): \(decision.reasons.first ?? "")"
        }
        return report
    }

    /// Whether the open proposal already proposes exactly these changes on top of `tip`.
    func proposalMatches(_ proposal: ObjectID, tip: ObjectID, changes: [String: Data?]) throws -> Bool {
        guard try authorship.commitInfo(proposal, in: repository).parents == [tip] else { return false }
        let proposed = try repository.files(at: proposal, under: RepoLayout.outputDirectories)
        for (path, data) in changes where proposed[path]?.data != data { return false }
        return true
    }
}
