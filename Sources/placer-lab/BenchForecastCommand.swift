import ArgumentParser
import Foundation
import PDLC
import PlacerCLI

/// `placer-lab bench forecast`: every forecaster of ``ForecasterRegistry/standard`` on real public traces,
/// rolling-origin, at 5, 15 and 30 minutes.
struct ForecastBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "forecast",
        abstract: "Forecast accuracy (MAE, MASE, interval coverage) of each forecaster on public data-centre traces.",
        discussion: """
            Reads every *.csv in --traces (made by scripts/fetch-forecast-traces.py: utilisation series at \
            5-minute steps), runs each forecaster online over each series (rolling origin after a one-day \
            warm-up) and scores its forecasts 5, 15 and 30 minutes ahead: MAE in percentage points of capacity, \
            MASE against the one-step naive change, and the share of outcomes inside the 90 % interval. \
            Results: docs/benchmarks.md.
            """)

    @Option(help: "Folder of trace CSVs (default: bench/traces/cache of Placer's source tree).")
    var traces: String?

    @Option(help: "Warm-up before the first scored forecast, in hours.")
    var warmupHours = 24.0

    @Flag(help: "Print one JSON object: trace → model → horizon minutes → {mae, mase, coverage}.")
    var json = false

    /// Horizons scored, in minutes.
    static let horizonMinutes = [5, 15, 30]
    /// The model the learned one is compared with, and the goal ratio at 15 minutes.
    static let baseline = "ewma"
    static let goalRatio = 0.85

    func run() throws {
        var results: [String: [String: [String: ForecastEvaluation.Score]]] = [:]
        var order: [String] = []
        for (_, trace) in try TraceCache.load(folder: traces) {
            for (series, values) in zip(trace.seriesNames, trace.values) {
                let key = "\(trace.name)-\(series)"
                order.append(key)
                results[key] = Self.evaluate(values, stepSeconds: trace.stepSeconds, warmupHours: warmupHours)
            }
        }
        if json {
            try BenchRun.printJSON(results)
            return
        }
        for line in Self.table(results, order: order) { Console.print(line) }
    }

    /// Model name → horizon minutes (`"15"`) → score, MAE in percentage points (the series are 0…1).
    static func evaluate(
        _ values: [Double], stepSeconds: Double, warmupHours: Double
    ) -> [String: [String: ForecastEvaluation.Score]] {
        let steps = horizonMinutes.map { max(1, Int((Double($0) * 60 / stepSeconds).rounded())) }
        let evaluation = ForecastEvaluation(
            horizonSteps: steps, warmupSamples: Int((warmupHours * 3600 / stepSeconds).rounded()), coverage: 0.9)
        var byModel: [String: [String: ForecastEvaluation.Score]] = [:]
        for (name, make) in ForecasterRegistry.standard.forecasters {
            let scores = evaluation.evaluate(make(), values: values, stepSeconds: stepSeconds)
            var byHorizon: [String: ForecastEvaluation.Score] = [:]
            for (minutes, step) in zip(horizonMinutes, steps) {
                guard var score = scores[step] else { continue }
                score.mae *= 100
                byHorizon[String(minutes)] = score
            }
            byModel[name] = byHorizon
        }
        return byModel
    }

    /// The readable table: per series, a row per model with MAE, MASE and coverage at each horizon, and the goal.
    static func table(_ results: [String: [String: [String: ForecastEvaluation.Score]]], order: [String]) -> [String] {
        let models = ["last", "seasonal", "ewma", "holt"]
        var lines: [String] = ["MAE in percentage points of capacity; coverage of the 90 % interval"]
        for key in order {
            guard let byModel = results[key] else { continue }
            lines.append("")
            lines.append(key)
            var header = "  " + "model".padding(toLength: 10, withPad: " ", startingAt: 0)
            for minutes in horizonMinutes {
                header += " | " + lpad("\(minutes) min MAE", 13) + " " + lpad("MASE", 6) + " " + lpad("cover", 8)
            }
            lines.append(header)
            let learned = byModel.keys.filter { !models.contains($0) }.sorted()
            for model in models + learned {
                guard let scores = byModel[model] else { continue }
                var line = "  " + model.padding(toLength: 10, withPad: " ", startingAt: 0)
                for minutes in horizonMinutes {
                    guard let s = scores[String(minutes)] else {
                        line += " | " + lpad("-", 29)
                        continue
                    }
                    line += " | " + String(format: "%13.3f %6.3f %6.1f %%", s.mae, s.mase, 100 * s.coverage)
                }
                lines.append(line)
            }
            for model in learned {
                guard let mine = byModel[model]?["15"]?.mae, let base = byModel[baseline]?["15"]?.mae, base > 0
                else { continue }
                let ratio = mine / base
                lines.append(
                    "  goal \(model) MAE ≤ \(goalRatio) × \(baseline) at 15 min: "
                        + String(format: "%.3f", ratio) + (ratio <= goalRatio ? " (met)" : " (not met)"))
            }
        }
        return lines
    }

    private static func lpad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : String(repeating: " ", count: width - text.count) + text
    }
}
