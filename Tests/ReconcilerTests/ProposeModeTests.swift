import AppModel
import EdgeSim
import Foundation
import GitStore
import PlacerTestSupport
import Reconciler
import Testing

/// `--mode propose`: placements go to a review branch, nothing is applied before the merge, and the branch is
/// cleaned up once the tracked branch has the placements.
@Suite struct ProposeModeTests {
    @Test func proposalsWaitForTheMergeAndTheBranchIsReplacedNotPiledUp() async throws {
        try await withFactory { factory in
            let seed = try factory.tip()
            let placer = try factory.reconciler { $0.mode = .propose }
            let first = try await placer.reconcileOnce()
            let proposal = try #require(first.proposal)
            // The tracked branch is untouched and nothing is applied.
            #expect(try factory.tip() == seed && first.commit == nil)
            #expect(await factory.works().isEmpty)
            #expect(first.apps.allSatisfy { $0.phase == .proposed }, "\(first.apps)")
            let branch = try await git(factory, ["rev-parse", "placer/proposals"]).trimmingCharacters(
                in: .whitespacesAndNewlines)
            #expect(branch == proposal)
            #expect(
                try await git(factory, ["rev-parse", "\(proposal)^"]).trimmingCharacters(in: .whitespacesAndNewlines)
                    == seed.hex)

            // Same world: the open proposal stays as it is (no new commit, no force-push).
            let again = try await placer.reconcileOnce()
            #expect(again.proposal == proposal)
            #expect(
                try await git(factory, ["rev-parse", "placer/proposals"]).trimmingCharacters(
                    in: .whitespacesAndNewlines) == proposal)

            // A human changes an app: the proposal is replaced by one on top of the new tip; still one branch.
            try factory.humanEdit("apps/digital-twin/app.yaml", message: "twin near the halls") {
                $0.replacingOccurrences(of: "nwlatency: \"100\"", with: "nwlatency: \"10\"")
            }
            let humanTip = try factory.tip()
            let replaced = try #require(try await placer.reconcileOnce().proposal)
            #expect(replaced != proposal)
            #expect(
                try await git(factory, ["rev-parse", "\(replaced)^"]).trimmingCharacters(in: .whitespacesAndNewlines)
                    == humanTip.hex)
            let branches = try await git(factory, ["for-each-ref", "--format=%(refname)", "refs/heads/"])
            #expect(branches.split(separator: "\n").sorted() == ["refs/heads/main", "refs/heads/placer/proposals"])
            #expect(await factory.works().isEmpty)

            // The reviewer merges the proposal (a merge commit, as a pull request would).
            try await factory.reviewerMerges()

            let merged = try await placer.reconcileOnce()
            #expect(merged.commit == nil && merged.proposal == nil)
            #expect(merged.events.contains { $0.contains("deleted placer/proposals") }, "\(merged.events)")
            let left = try await git(factory, ["for-each-ref", "--format=%(refname)", "refs/heads/"])
            #expect(left.split(separator: "\n") == ["refs/heads/main"])
            // Now the merged placements are applied, and they are Placer's (attributed through the merge).
            #expect(await factory.works().count == EndToEndTests.apps.count)
            #expect(await factory.works()["factory-dc/digital-twin"] != nil)
            #expect(try await placer.explain(app: "digital-twin").authorship?.byPlacer == true)
        }
    }
}
