import PlacerCLI
import Testing

@Suite struct IntervalArgumentTests {
    @Test func parsesUnitsAndPlainSeconds() {
        #expect(IntervalArgument(argument: "500ms")?.seconds == 0.5)
        #expect(IntervalArgument(argument: "30s")?.seconds == 30)
        #expect(IntervalArgument(argument: "2m")?.seconds == 120)
        #expect(IntervalArgument(argument: "1h")?.seconds == 3600)
        #expect(IntervalArgument(argument: "7")?.seconds == 7)
        #expect(IntervalArgument(argument: "0s") == nil)
        #expect(IntervalArgument(argument: "-1") == nil)
        #expect(IntervalArgument(argument: "soon") == nil)
        #expect(IntervalArgument(seconds: 5).defaultValueDescription == "5s")
    }
}
