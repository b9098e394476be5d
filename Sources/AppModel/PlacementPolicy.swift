import Foundation

/// The placement policy of an app repo (`policies/*.yaml`, kind `PlacementPolicy`), optionally on top of a
/// shipped preset (`spec.preset: balanced | latency-first | greenness`, from Placer's top-level `policies/`).
public struct PlacementPolicy: Sendable, Hashable {
    /// Criterion weights (score plugin name → weight, 0…10) per QoS class.
    public var weights: [QoSClass: [String: Double]]
    /// Weights that replace the QoS-class weights for apps with this CAM `performanceProfile` (e.g. `Greenness`).
    public var profileWeights: [String: [String: Double]]
    /// Share of each cluster's allocatable cpu and memory kept free, in percent (0…90).
    public var reservePercent: Double
    /// Score points (of 100) a better cluster must gain before a placed app moves.
    public var minScoreGain: Double
    /// How many top candidates a placement record lists with their scores.
    public var topCandidates: Int
    /// Consecutive evaluations a better cluster must win (by at least ``minScoreGain``) before a placed app moves
    /// (`spec.stability.consecutiveEvaluations`, ≥ 1; default 3).
    public var consecutiveEvaluations: Int = 3
    /// Seconds after a move during which the app does not move again for a score gain
    /// (`spec.stability.cooldownSeconds`, ≥ 0; default 600).
    public var cooldownSeconds: Double = 600
    /// Most apps moved for a score gain in one evaluation (`spec.stability.maxMovesPerCycle`, ≥ 0; default 5).
    /// Evacuations of failed or infeasible clusters do not count against it.
    public var maxMovesPerCycle: Int = 5
    /// Which plugins run, in what order, with what default weights (`spec.profile`); `nil`: PDLC's default
    /// profile, every built-in plugin.
    public var profile: PluginProfile?
    /// The load forecaster PDLC fits per cluster (`spec.forecaster`, one of ``knownForecasters``; default `holt`).
    public var forecaster = "holt"
    /// Coverage of the forecast interval whose upper bound the ForecastHeadroom filter and headroom score use
    /// (`spec.forecastCoverage`, 0 ≤ coverage < 1; default 0: the point forecast, as before intervals existed).
    public var forecastCoverage = 0.0
    /// Federated learning's round settings and daily privacy budget (`spec.learning`; docs/privacy.md).
    public var learning = LearningPolicy()
    /// Branch-and-bound nodes PDLC's exact assignment step (MILP solved by CBC) may explore per evaluation
    /// (`spec.exact.nodeLimit`, 0…10,000,000; 0 turns the step off; default 1000). The step's deterministic
    /// bound: unchanged inputs give the same decision on any machine and under any load.
    public var exactNodeLimit = 1000
    /// Wall-clock safety cap of the exact step per evaluation, in milliseconds (`spec.exact.wallCapMilliseconds`,
    /// 1…60000; default 2000). Not a budget: an evaluation whose solve reaches it discards the solver's answer and
    /// keeps the heuristic's (itself deterministic), so the cap only decides when the machine is far too slow.
    public var exactWallCapMilliseconds = 2000.0
    /// Score points (of 100) that moving an already placed app off its current cluster costs in the exact step's
    /// objective (`spec.exact.migrationCost`, ≥ 0; default 20).
    public var migrationCost = 20.0
    /// How the exact step honours QoS classes (`spec.exact.qosPriority`; default ``ExactQoSPriority/weight``).
    public var exactQoSPriority = ExactQoSPriority.weight
    /// Files the policy was read from, in the order applied (preset first).
    public var sources: [String]
    /// Hex SHA-256 of the policy documents applied, in order: changes whenever the policy does.
    public var digest: String = ""

    public init(
        weights: [QoSClass: [String: Double]] = [:], profileWeights: [String: [String: Double]] = [:],
        reservePercent: Double = 10, minScoreGain: Double = 5, topCandidates: Int = 3, sources: [String] = []
    ) {
        self.weights = weights
        self.profileWeights = profileWeights
        self.reservePercent = reservePercent
        self.minScoreGain = minScoreGain
        self.topCandidates = topCandidates
        self.sources = sources
    }

    /// The weights that apply to `app`: its performance profile's if the policy has them, else its QoS class's.
    public func weights(for app: Application) -> [String: Double] {
        if let profile = app.performanceProfile, let weights = profileWeights[profile] { return weights }
        return weights[app.qosClass] ?? [:]
    }

    /// Applies one policy document on top of this policy (later documents override earlier ones key by key).
    /// - Throws: ``ModelError`` at the offending field.
    public mutating func apply(_ document: YAMLDocument) throws {
        guard let spec = document.value["spec"] else { throw document.error(at: "", "PlacementPolicy has no spec") }
        for (className, entry) in spec["weights"]?.objectValue ?? [] {
            guard let qos = QoSClass(rawValue: className) else {
                throw document.error(
                    at: "spec.weights.\(className)", "\"\(className)\" is not Gold, Silver or BestEffort")
            }
            weights[qos, default: [:]].merge(try Self.weightTable(entry, path: "spec.weights.\(className)", document)) {
                $1
            }
        }
        for (profile, entry) in spec["performanceProfiles"]?.objectValue ?? [] {
            profileWeights[profile, default: [:]].merge(
                try Self.weightTable(entry, path: "spec.performanceProfiles.\(profile)", document)
            ) { $1 }
        }
        if let value = spec["reservePercent"] {
            guard let number = value.doubleValue, (0...90).contains(number) else {
                throw document.error(at: "spec.reservePercent", "reservePercent must be a number from 0 to 90")
            }
            reservePercent = number
        }
        if let value = spec["hysteresis"]?["minScoreGain"] {
            guard let number = value.doubleValue, number >= 0 else {
                throw document.error(
                    at: "spec.hysteresis.minScoreGain", "minScoreGain must be a number of score points ≥ 0")
            }
            minScoreGain = number
        }
        if let value = spec["topCandidates"]?.doubleValue { topCandidates = max(1, Int(value)) }
        try applyStability(spec["stability"], document)
        try applyProfile(spec["profile"], document)
        if let value = spec["forecaster"] {
            guard let name = value.stringValue, Self.knownForecasters.contains(name) else {
                throw document.error(
                    at: "spec.forecaster",
                    "unknown forecaster \"\(value.stringValue ?? "")\" (known: \(Self.knownForecasters.joined(separator: ", ")))"
                )
            }
            forecaster = name
        }
        if let value = spec["forecastCoverage"] {
            guard let number = value.doubleValue, number >= 0, number < 1 else {
                throw document.error(at: "spec.forecastCoverage", "forecastCoverage must be a number ≥ 0 and < 1")
            }
            forecastCoverage = number
        }
        try learning.apply(spec["learning"], document)
        try applyExact(spec["exact"], document)
        sources.append(document.file)
        digest = Digest.sha256(Data((digest + document.value.canonicalJSON()).utf8))
    }

    private mutating func applyStability(_ stability: Value?, _ document: YAMLDocument) throws {
        guard let stability else { return }
        if let value = stability["consecutiveEvaluations"] {
            guard let number = value.doubleValue, number >= 1, number == number.rounded() else {
                throw document.error(
                    at: "spec.stability.consecutiveEvaluations", "consecutiveEvaluations must be a whole number ≥ 1")
            }
            consecutiveEvaluations = Int(number)
        }
        if let value = stability["cooldownSeconds"] {
            guard let number = value.doubleValue, number >= 0 else {
                throw document.error(
                    at: "spec.stability.cooldownSeconds", "cooldownSeconds must be a number of seconds ≥ 0")
            }
            cooldownSeconds = number
        }
        if let value = stability["maxMovesPerCycle"] {
            guard let number = value.doubleValue, number >= 0, number == number.rounded() else {
                throw document.error(
                    at: "spec.stability.maxMovesPerCycle", "maxMovesPerCycle must be a whole number ≥ 0")
            }
            maxMovesPerCycle = Int(number)
        }
    }

    private mutating func applyExact(_ exact: Value?, _ document: YAMLDocument) throws {
        guard let exact else { return }
        if exact["budgetMilliseconds"] != nil {
            throw document.error(
                at: "spec.exact.budgetMilliseconds",
                "budgetMilliseconds is not a setting: the exact step is bounded by nodeLimit (deterministic) and "
                    + "wallCapMilliseconds (safety cap)")
        }
        if let value = exact["nodeLimit"] {
            guard let number = value.doubleValue, number >= 0, number <= 10_000_000, number == number.rounded() else {
                throw document.error(at: "spec.exact.nodeLimit", "nodeLimit must be an integer from 0 to 10000000")
            }
            exactNodeLimit = Int(number)
        }
        if let value = exact["wallCapMilliseconds"] {
            guard let number = value.doubleValue, number >= 1, number <= 60_000 else {
                throw document.error(
                    at: "spec.exact.wallCapMilliseconds", "wallCapMilliseconds must be a number from 1 to 60000")
            }
            exactWallCapMilliseconds = number
        }
        if let value = exact["qosPriority"] {
            guard let name = value.stringValue, let priority = ExactQoSPriority(rawValue: name) else {
                throw document.error(
                    at: "spec.exact.qosPriority",
                    "qosPriority must be one of \(ExactQoSPriority.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            exactQoSPriority = priority
        }
        if let value = exact["migrationCost"] {
            guard let number = value.doubleValue, number >= 0 else {
                throw document.error(at: "spec.exact.migrationCost", "migrationCost must be a number of points ≥ 0")
            }
            migrationCost = number
        }
    }

    private static func weightTable(_ value: Value, path: String, _ document: YAMLDocument) throws -> [String: Double] {
        guard let pairs = value.objectValue else {
            throw document.error(at: path, "weights must be a mapping of criterion: weight")
        }
        var table: [String: Double] = [:]
        for (criterion, weight) in pairs {
            guard knownScorePlugins.contains(criterion) else {
                throw document.error(
                    at: "\(path).\(criterion)",
                    "unknown score plugin \"\(criterion)\" (known: \(knownScorePlugins.joined(separator: ", ")))")
            }
            guard let number = weight.doubleValue, (0...10).contains(number) else {
                throw document.error(at: "\(path).\(criterion)", "weight of \(criterion) must be a number from 0 to 10")
            }
            table[criterion] = number
        }
        return table
    }
}

/// How PDLC's exact step honours QoS classes (`spec.exact.qosPriority`).
public enum ExactQoSPriority: String, Sendable, CaseIterable {
    /// A placed Gold app is worth 20 points more, Silver 10, in the program's objective (placing any app stays
    /// worth more than any score): a higher class wins close calls, but two apps of a lower class may displace
    /// one of a higher class when together they are worth more.
    case weight
    /// As `weight`, and the program must place at least as many apps of each class as the greedy passes did:
    /// never more apps of a lower class at the price of one of a higher class.
    case order
    /// No class term: the program maximises placed apps and score alone (the optimum benchmark's objective).
    case none
}
