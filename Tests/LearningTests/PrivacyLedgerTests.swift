import Foundation
import Learning
import Testing

/// The daily budget: rounds are charged until the next would pass ε per day, then learning stops until 00:00 UTC.
@Suite struct PrivacyLedgerTests {
    let morning = Date(timeIntervalSince1970: 20_000 * 86_400 + 3_600)  // 01:00 UTC

    @Test func roundsAreChargedUntilTheBudgetIsSpentThenRefusedAndTheStateSaysSo() throws {
        var ledger = PrivacyLedger(budget: try PrivacyBudget(epsilonPerDay: 4), now: morning)
        var admitted = 0
        var now = morning
        while try ledger.admits(samplingRate: 0.5, noiseMultiplier: 2, at: now) {
            try ledger.charge(samplingRate: 0.5, noiseMultiplier: 2, at: now)
            admitted += 1
            now += 60
        }
        let state = ledger.state(samplingRate: 0.5, noiseMultiplier: 2, at: now)
        #expect(admitted >= 8 && admitted < 16, "\(admitted)")
        #expect(state.exhausted)
        #expect(state.roundsToday == admitted)
        #expect(state.epsilonSpentToday <= 4)
        // The spent ε is what the accountant says for that many rounds.
        let direct = try RDPAccountant.epsilon(samplingRate: 0.5, noiseMultiplier: 2, rounds: admitted)
        #expect(abs(state.epsilonSpentToday - direct.epsilon) < 1e-12)
        #expect(try RDPAccountant.epsilon(samplingRate: 0.5, noiseMultiplier: 2, rounds: admitted + 1).epsilon > 4)
        #expect(state.summary.contains("budget spent"), "\(state.summary)")
        #expect(throws: PrivacyError.self) { try ledger.charge(samplingRate: 0.5, noiseMultiplier: 2, at: now) }
        #expect(ledger.today.rounds == admitted, "a refused round charges nothing")
    }

    @Test func aNewUTCDayStartsAFreshBudgetWhileTheLifetimeFigureKeepsGrowing() throws {
        var ledger = PrivacyLedger(budget: try PrivacyBudget(epsilonPerDay: 2), now: morning)
        while try ledger.admits(samplingRate: 1, noiseMultiplier: 3, at: morning) {
            try ledger.charge(samplingRate: 1, noiseMultiplier: 3, at: morning)
        }
        let spent = ledger.state(samplingRate: 1, noiseMultiplier: 3, at: morning)
        #expect(spent.exhausted)
        let tomorrow = morning + 86_400
        #expect(spent.resetsAt <= tomorrow && spent.resetsAt > morning)
        let fresh = ledger.state(samplingRate: 1, noiseMultiplier: 3, at: tomorrow)
        #expect(!fresh.exhausted && fresh.roundsToday == 0 && fresh.epsilonSpentToday == 0)
        try ledger.charge(samplingRate: 1, noiseMultiplier: 3, at: tomorrow)
        let after = ledger.state(samplingRate: 1, noiseMultiplier: 3, at: tomorrow)
        #expect(after.roundsToday == 1)
        #expect(after.lifetimeRounds == spent.roundsToday + 1)
        #expect(after.lifetimeEpsilon > spent.epsilonSpentToday)
    }

    @Test func theLedgerSurvivesARestartThroughJSON() throws {
        var ledger = PrivacyLedger(budget: try PrivacyBudget(epsilonPerDay: 4, delta: 1e-6), now: morning)
        try ledger.charge(samplingRate: 0.2, noiseMultiplier: 1, at: morning)
        let decoded = try JSONDecoder().decode(PrivacyLedger.self, from: try JSONEncoder().encode(ledger))
        #expect(decoded == ledger)
    }

    @Test func badBudgetsAreRefused() {
        #expect(throws: PrivacyError.invalidEpsilon(0)) { try PrivacyBudget(epsilonPerDay: 0) }
        #expect(throws: PrivacyError.invalidDelta(1)) { try PrivacyBudget(epsilonPerDay: 1, delta: 1) }
    }
}
