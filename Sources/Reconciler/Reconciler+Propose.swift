import AppModel
import Foundation
import GitStore
import PlacerCore

extension Reconciler {
    /// The commit step in `--mode propose`: the placement commit goes to ``ReconcilerConfiguration/proposalBranch``
    /// (one branch, replaced on each new proposal, never a pile of them) and nothing is applied until a human merges
    /// it into the tracked branch; what the tracked branch holds keeps being applied. Once the tracked branch holds
    /// the proposed placements (merged, squashed or rebased: the comparison is by content), the branch is deleted.
    ///
    /// Sets the open proposal, its events and the apps whose proposal waits for the merge (their status says
    /// `AwaitingMerge` on this and later reconciles while the proposal stays open).
    func propose(_ context: inout ReconcileContext) async throws {
        let plan = try context.require(context.plan, "a plan")
        let tip = try context.require(context.tip, "a tip")
        let branch = configuration.proposalBranch
        var events: [String] = []
        var proposal: String?
        let open = try await repository.fetch(branch: branch)
        if plan.decided && plan.changes.isEmpty, open != nil {
            try await Failpoint.proposalMerge.hit()
            try await repository.deleteRemoteBranch(branch)
            events.append("the tracked branch has the proposed placements: deleted \(branch)")
            logger.info("proposal merged; deleted the proposal branch", metadata: ["branch": "\(branch)"])
        } else if !plan.changes.isEmpty {
            if let open, try await proposalMatches(open, tip: tip, changes: plan.changes) {
                proposal = open.hex  // the same proposal is already up for review
            } else if let commit = try await placementCommit(plan, parent: tip) {
                try await repository.push(commit, toBranch: branch, force: true)
                proposal = commit.hex
                events.append(
                    "proposed \(commit.hex.prefix(12)) on \(branch) for review (on top of \(tip.hex.prefix(12)))")
                logger.info(
                    "pushed placement proposal", metadata: ["revision": "\(commit.hex)", "branch": "\(branch)"])
            }
        } else {
            proposal = open?.hex  // still up for review; nothing new to propose
        }
        if plan.decided { lastDecisionInputs = plan.inputsDigest }
        let proposedApps = Set(plan.changes.keys.compactMap(Self.appName(ofOutput:)))
        for decision in plan.decisions where proposedApps.contains(decision.app.name) {
            let app = decision.app.name
            context.awaitingMerge[app] = AwaitingMerge(
                cluster: plan.snapshot.placements[app]?.cluster,
                reason: "proposed → \(decision.cluster ?? "nowhere") on \(branch): \(decision.reasons.first ?? "")")
        }
        context.proposal = proposal
        context.proposalEvents = events
    }

    /// Whether the open proposal already proposes exactly these changes on top of `tip`.
    func proposalMatches(_ proposal: ObjectID, tip: ObjectID, changes: [String: Data?]) async throws -> Bool {
        guard try await authorship.commitInfo(proposal, in: repository).parents == [tip] else { return false }
        let proposed = try await repository.files(at: proposal, under: RepoLayout.outputDirectories)
        for (path, data) in changes where proposed[path]?.data != data { return false }
        return true
    }
}
