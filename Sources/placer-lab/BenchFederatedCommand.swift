import ArgumentParser
import Foundation
import Learning
import PDLC
import PlacerCLI
import PlacerCore

/// `placer-lab bench federated`: the ridge forecaster trained federated (FedAvg over per-cluster series) against
/// the same model trained centrally on the pooled series, and the cost of differential privacy at ε ∈ {1, 4, 8} a
/// day (docs/benchmarks.md).
struct FederatedBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "federated",
        abstract:
            "Federated vs centralised training of the ridge forecaster, and DP-FedAvg's cost at ε = 1, 4, 8 a day.",
        discussion: """
            Clusters: every 7-day chunk of every series (cpu, memory) of every trace CSV in --traces \
            (scripts/fetch-forecast-traces.py: utilisation at 5-minute steps), all started at the same time. Each \
            cluster learns its own series online; after a one-day warm-up a round runs every --round-minutes: \
            centralised, one ridge solved on the pooled rows of every cluster; federated, FedAvg (each cluster \
            trains from the global model, the mean update is added); private, DP-FedAvg (updates clipped to \
            --clip-norm, Gaussian noise of the multiplier whose rounds of one day spend ε at δ = 1e-5, q = 1, \
            fixed denominator N). Every cluster forecasts with the model in force; scored rolling-origin, MAE at \
            15 minutes in percentage points of capacity over days 2–7.
            """)

    @Option(help: "Folder of trace CSVs (default: bench/traces/cache of Placer's source tree).")
    var traces: String?

    @Option(help: "Minutes between rounds.")
    var roundMinutes = 240.0

    @Option(help: "C: the L2 norm each update is clipped to in the private runs.")
    var clipNorm = 0.1

    @Option(help: "Seed of the private runs' noise.")
    var seed: UInt64 = 1

    @Flag(help: "Print one JSON object instead of the table.")
    var json = false

    static let chunkDays = 7.0
    static let horizonMinutes = 15.0
    static let epsilons = [1.0, 4.0, 8.0]
    static let delta = 1e-5

    /// One cluster's series: a 7-day chunk of one trace's metric.
    struct Cluster {
        var name: String
        var values: [Double]
    }

    func run() throws {
        var clusters: [Cluster] = []
        var step = 0.0
        for (file, trace) in try TraceCache.load(folder: traces) {
            guard step == 0 || step == trace.stepSeconds else {
                throw CommandFailure("\(file): \(trace.stepSeconds) s steps, the others have \(step) s")
            }
            step = trace.stepSeconds
            let length = Int(Self.chunkDays * 86400 / step)
            for (series, values) in zip(trace.seriesNames, trace.values) {
                for week in 0..<(values.count / length) {
                    clusters.append(
                        Cluster(
                            name: "\(trace.name)-\(series)-w\(week + 1)",
                            values: Array(values[(week * length)..<((week + 1) * length)])))
                }
            }
        }
        guard clusters.count >= 3 else { throw CommandFailure("\(clusters.count) clusters; at least 3 needed") }
        let roundsPerDay = Int((24 * 60 / roundMinutes).rounded())
        var modes: [(String, Mode)] = [("local", .local), ("central", .central), ("federated", .federated)]
        var multipliers: [Double: Double] = [:]
        for epsilon in Self.epsilons {
            let z = try RDPAccountant.noiseMultiplier(
                targetEpsilon: epsilon, samplingRate: 1, rounds: roundsPerDay, delta: Self.delta)
            multipliers[epsilon] = z
            modes.append(("dp-eps\(Self.format(epsilon))", .private(noiseMultiplier: z)))
        }
        var results: [String: Result] = [:]
        for (name, mode) in modes {
            let started = Date()
            results[name] = try simulate(clusters, stepSeconds: step, mode: mode)
            FileHandle.standardError.write(
                Data("\(name): \(String(format: "%.1f", Date().timeIntervalSince(started))) s\n".utf8))
        }
        let report = Report(
            clusters: clusters.map(\.name), roundsPerDay: roundsPerDay, clipNorm: clipNorm, delta: Self.delta,
            noiseMultipliers: Dictionary(uniqueKeysWithValues: multipliers.map { (Self.format($0.key), $0.value) }),
            modes: results)
        if json {
            try BenchRun.printJSON(report)
        } else {
            for line in report.table(order: modes.map(\.0)) { Console.print(line) }
        }
    }

    enum Mode {
        case local, central, federated
        case `private`(noiseMultiplier: Double)
    }

    /// One mode's outcome: MAE at 15 minutes (percentage points), per trace and over all clusters, and the
    /// median norm of the federated updates.
    struct Result: Codable {
        var mae: Double
        var maeByTrace: [String: Double]
        var medianUpdateNorm: Double?
        var rounds: Int
    }

    /// Runs the 7 days for every cluster in `mode`.
    func simulate(_ clusters: [Cluster], stepSeconds: Double, mode: Mode) throws -> Result {
        var models = clusters.map { _ in RidgeForecaster() }
        let length = clusters.map(\.values.count).min() ?? 0
        let warmup = Int(86400 / stepSeconds)
        let roundEvery = max(1, Int((roundMinutes * 60 / stepSeconds).rounded()))
        let horizon = Int((Self.horizonMinutes * 60 / stepSeconds).rounded())
        var global = models[0].parameters
        var generator = SplitMix64(seed: seed)
        var errors = Array(repeating: 0.0, count: clusters.count)
        var scored = 0
        var norms: [Double] = []
        var rounds = 0
        let population = clusters.count
        for t in 0..<length {
            let time = Double(t) * stepSeconds
            for c in clusters.indices { models[c].update(timestamp: time, value: clusters[c].values[t]) }
            if t >= warmup, (t - warmup) % roundEvery == 0 {
                rounds += 1
                switch mode {
                case .local:
                    break
                case .central:
                    global = models[0].pooledParameters(models)
                    for c in models.indices { models[c].parameters = global }
                case .federated, .private:
                    let updates = models.indices.map { c in
                        ClientUpdate(
                            client: clusters[c].name,
                            delta: zip(models[c].locallyTrained(from: global), global).map { $0 - $1 })
                    }
                    if rounds == 1 { norms = updates.map(\.norm).sorted() }
                    let average: [Double]
                    if case .private(let z) = mode {
                        let averager = FederatedAverager(
                            round: try FederatedRound(
                                clipNorm: clipNorm, noiseMultiplier: z, samplingRate: 1, population: population,
                                dimension: global.count))
                        average = try averager.noisedAverage(
                            sum: try averager.clippedSum(updates), using: &generator)
                    } else {
                        average = updates.reduce(into: Array(repeating: 0.0, count: global.count)) { sum, update in
                            for (k, v) in update.delta.enumerated() { sum[k] += v / Double(population) }
                        }
                    }
                    global = zip(global, average).map { $0 + $1 }
                    for c in models.indices { models[c].parameters = global }
                }
            }
            // Scored from day 2 on, once a first round ran: the forecast made now for `horizon` steps ahead.
            guard t >= warmup, t + horizon < length else { continue }
            for c in clusters.indices {
                guard let forecast = models[c].predict(horizonSeconds: Double(horizon) * stepSeconds, coverage: 0)
                else { continue }
                errors[c] += abs(forecast.value - clusters[c].values[t + horizon])
            }
            scored += 1
        }
        let perCluster = errors.map { 100 * $0 / Double(max(1, scored)) }
        var byTrace: [String: [Double]] = [:]
        for (cluster, mae) in zip(clusters, perCluster) {
            byTrace[String(cluster.name.split(separator: "-").first ?? ""), default: []].append(mae)
        }
        return Result(
            mae: perCluster.reduce(0, +) / Double(perCluster.count),
            maeByTrace: byTrace.mapValues { $0.reduce(0, +) / Double($0.count) },
            medianUpdateNorm: norms.isEmpty ? nil : norms[norms.count / 2], rounds: rounds)
    }

    struct Report: Codable {
        var clusters: [String]
        var roundsPerDay: Int
        var clipNorm: Double
        var delta: Double
        /// ε (as text) → the noise multiplier z whose rounds of one day spend it.
        var noiseMultipliers: [String: Double]
        var modes: [String: Result]

        func table(order: [String]) -> [String] {
            let traces = Set(modes.values.flatMap(\.maeByTrace.keys)).sorted()
            var lines = [
                "\(clusters.count) clusters (7-day chunks of each trace's cpu and memory), \(roundsPerDay) rounds a day, "
                    + "MAE at 15 min in percentage points of capacity, days 2-7",
                "",
                "mode           "
                    + (["all"] + traces).map { $0.padding(toLength: 12, withPad: " ", startingAt: 0) }
                    .joined(separator: " ") + " noise z",
            ]
            for name in order {
                guard let result = modes[name] else { continue }
                let z = name.hasPrefix("dp-eps") ? noiseMultipliers[String(name.dropFirst(6))] : nil
                var line = name.padding(toLength: 15, withPad: " ", startingAt: 0)
                line += ([result.mae] + traces.map { result.maeByTrace[$0] ?? .nan }).map {
                    String(format: "%-12.3f", $0)
                }.joined(separator: " ")
                line += z.map { String(format: " %.3g", $0) } ?? " -"
                lines.append(line)
            }
            lines.append("")
            if let central = modes["central"]?.mae, let federated = modes["federated"]?.mae, central > 0 {
                let ratio = federated / central
                lines.append(
                    "goal federated MAE ≤ 1.05 × central: " + String(format: "%.3f", ratio)
                        + (ratio <= 1.05 ? " (met)" : " (not met)"))
            }
            if let federated = modes["federated"]?.mae, federated > 0 {
                for epsilon in FederatedBench.epsilons {
                    guard let dp = modes["dp-eps\(FederatedBench.format(epsilon))"]?.mae else { continue }
                    let ratio = dp / federated
                    let goal = epsilon <= 4 ? (ratio <= 1.10 ? " (met)" : " (not met)") : ""
                    lines.append(
                        "ε = \(FederatedBench.format(epsilon)) a day: MAE " + String(format: "%.3f", ratio)
                            + " × non-private" + (epsilon <= 4 ? ", goal ≤ 1.10" : "") + goal)
                }
            }
            if let norm = modes["federated"]?.medianUpdateNorm {
                lines.append(
                    "median update norm in the first round: " + String(format: "%.3g", norm)
                        + ", clip norm C = " + String(format: "%.3g", clipNorm))
            }
            return lines
        }
    }

    static func format(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(format: "%g", value)
    }
}
