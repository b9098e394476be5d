import AppModel
import Foundation
import PDLC
import PlacerCore
import PlacerTestSupport
import Testing

@testable import Reconciler

/// The console keeps every decision in its console form (``Reconciler/consoleForm(of:topCandidates:)``): the standing
/// form (``Reconciler/standingForm(of:)``), made from the full decision a full pass committed, which must be exactly
/// the decision the engine makes when asked for the standing explanation only, with the candidates cut to the
/// policy's top ones and the current cluster; the app page explains it in full again. And where the decide step keeps a standing explanation for a record it writes
/// (``Reconciler/standingWritesRecord(of:)``), that record is the full decision's.
@Suite struct ConsoleStandingFormTests {
    @Test func standingFormOfAFullDecisionIsTheEnginesStandingDecision() throws {
        var recordsFromStanding = 0
        for seed in UInt64(1)...UInt64(30) {
            try check(seed: seed, recordsFromStanding: &recordsFromStanding)
        }
        // The record check above ran: some decisions had no refused cluster but their current one.
        #expect(recordsFromStanding > 0)
    }

    func check(seed: UInt64, recordsFromStanding: inout Int) throws {
        var random = SplitMix64(seed: seed &* 104_729)
        let (apps, clusters) = SyntheticFleet.generate(
            apps: Int.random(in: 1...30, using: &random), clusters: Int.random(in: 1...20, using: &random),
            seed: seed, capacityRatio: Bool.random(using: &random) ? 1.2 : nil)
        let files = try RepoFiles.read(directory: packageRoot.appendingPathComponent("example-repo").path)
        let presets = ReconcilerConfiguration.loadPresets(from: packageRoot.appendingPathComponent("policies").path)
        var policy = RepoLoader.load(files: files, presets: presets).policy
        policy.exactNodeLimit = 0  // the heuristic alone: two evaluations must not differ by a solver's clock
        // Committed placements, some on a cluster that has gone or is refused, so the current cluster's refusal and
        // texts are exercised.
        let names = clusters.map(\.name) + ["gone-cluster"]
        var current: [String: PlacementRecord] = [:]
        for app in apps where Int.random(in: 0..<3, using: &random) != 0 {
            let cluster = names[Int.random(in: 0..<names.count, using: &random)]
            current[app.name] = PlacementRecord(
                app: app.name, cluster: cluster, qosClass: app.qosClass, decisionID: "old", reasons: [],
                candidates: [], rejected: [])
        }
        let engine = PlacementEngine.standard()
        let full = engine.decide(
            apps: apps, clusters: clusters, policy: policy, current: current, stability: StabilityState(),
            nowSeconds: 1000)
        let standing = engine.decide(
            apps: apps, clusters: clusters, policy: policy, current: current, stability: StabilityState(),
            nowSeconds: 1000, explainingFully: { _ in false })
        #expect(full.decisions.count == standing.decisions.count)
        for (made, expected) in zip(full.decisions, standing.decisions) {
            #expect(made.fullyExplained, "seed \(seed): \(made.app.name)")
            let kept = Reconciler.standingForm(of: made)
            #expect(!kept.fullyExplained)
            #expect(
                ExplainedDecision(kept) == ExplainedDecision(expected),
                "seed \(seed): \(made.app.name)'s standing form differs from the engine's standing decision")
            // Where the decide step keeps the standing explanation for a record it writes, the record is the
            // full decision's, byte for byte.
            if Reconciler.standingWritesRecord(of: expected) {
                #expect(
                    expected.record(top: policy.topCandidates, pinned: false)
                        == made.record(top: policy.topCandidates, pinned: false),
                    "seed \(seed): \(made.app.name)'s standing decision writes another record")
                recordsFromStanding += 1
            }
            // The console's form: the standing one with the policy's top candidates and the current cluster only.
            let shown = Reconciler.consoleForm(of: made, topCandidates: policy.topCandidates)
            let top = Array(expected.candidates.prefix(policy.topCandidates))
            let current = expected.candidates.dropFirst(policy.topCandidates).filter {
                $0.cluster == expected.previousCluster
            }
            #expect(shown.candidates == top + current, "seed \(seed): \(made.app.name)")
            var rest = ExplainedDecision(shown)
            rest.candidates = expected.candidates
            #expect(rest == ExplainedDecision(expected), "seed \(seed): \(made.app.name)")
            #expect(shown.cluster == made.cluster && shown.candidates.first == made.candidates.first)
            // A decision already standing is kept as it is.
            #expect(ExplainedDecision(Reconciler.standingForm(of: expected)) == ExplainedDecision(expected))
        }
    }
}
