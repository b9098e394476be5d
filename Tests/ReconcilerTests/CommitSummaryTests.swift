import Testing

@testable import PDLC
@testable import Reconciler

/// The subject line of a placement commit with more than three changes counts them by kind, so a reviewer sees
/// whether anything was placed or moved or only records were refreshed.
@Suite struct CommitSummaryTests {
    static func decision(_ app: String, from previous: String?, to cluster: String?) -> AppDecision {
        var decision = LearnedForecastTrailerTests.move(app, from: previous ?? "", to: cluster ?? "")
        decision.previousCluster = previous
        decision.cluster = cluster
        return decision
    }

    @Test func recordsRefreshedInPlaceReadAsUpdatesNotPlacements() {
        let changed = (1...7).map { Self.decision("app-\($0)", from: "factory-dc", to: "factory-dc") }
        #expect(CommitMessage.summary(changed: changed, pruned: [], pinned: []) == "placer: update 7 apps")
    }

    @Test func everyKindIsCountedInAFixedOrder() {
        let changed = [
            Self.decision("new-a", from: nil, to: "hall-1-edge"),
            Self.decision("new-b", from: nil, to: "hall-2-edge"),
            Self.decision("mover", from: "regional-cloud", to: "factory-dc"),
            Self.decision("stays", from: "factory-dc", to: "factory-dc"),
            Self.decision("pinned", from: "factory-dc", to: "factory-dc"),
            Self.decision("evicted", from: "hall-3-edge", to: nil),
        ]
        #expect(
            CommitMessage.summary(changed: changed, pruned: ["gone"], pinned: ["pinned"])
                == "placer: place 2 apps, move 1, update 1, re-render 1, unplace 1, prune 1")
        let fresh = (1...9).map { Self.decision("app-\($0)", from: nil, to: "factory-dc") }
        #expect(CommitMessage.summary(changed: fresh, pruned: [], pinned: []) == "placer: place 9 apps")
        #expect(
            CommitMessage.summary(changed: [], pruned: ["a", "b", "c", "d"], pinned: []) == "placer: prune 4 apps")
    }
}
