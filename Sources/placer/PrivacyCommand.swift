import ArgumentParser
import Foundation
import Learning
import PlacerCLI

/// `placer privacy`: the (ε, δ) of T rounds of DP-FedAvg at rate q and multiplier z, and the multiplier a target ε
/// needs (docs/privacy.md), as Opacus's `get_noise_multiplier` and TensorFlow Privacy's `compute_dp_sgd_privacy` do.
struct PrivacyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "privacy",
        abstract: "Print the ε of federated rounds (RDP accountant), or the noise multiplier a target ε needs.",
        discussion: """
            Rounds of the Poisson-subsampled Gaussian mechanism (DP-FedAvg: each client sampled with probability Q, \
            noise Z × clip norm), composed with Rényi DP (Mironov, Talwar and Zhang 2019) and converted to (ε, δ) \
            with the conversion of Canonne, Kamath and Steinke 2020, as Google's dp-accounting RdpAccountant does. \
            With --target-epsilon, also the smallest noise multiplier that keeps the same rounds within it.
            """)

    enum Output: String, ExpressibleByArgument, CaseIterable { case text, json }

    @Option(help: "Q: each client's probability of being sampled in a round (0…1).")
    var samplingRate: Double

    @Option(help: "Z: noise standard deviation over the clip norm (≥ 0). Optional with --target-epsilon.")
    var noiseMultiplier: Double?

    @Option(help: "T: the number of rounds (≥ 0).")
    var rounds: Int

    @Option(help: "δ, the probability the ε bound may fail (0 < δ < 1).")
    var delta = 1e-5

    @Option(help: "Also print the smallest noise multiplier whose T rounds stay within this ε.")
    var targetEpsilon: Double?

    @Option(name: [.short, .customLong("output")], help: "Output format: text or json.")
    var output: Output = .text

    func validate() throws {
        guard (0...1).contains(samplingRate) else { throw ValidationError("--sampling-rate must be in 0…1") }
        guard rounds >= 0 else { throw ValidationError("--rounds must be ≥ 0") }
        guard delta > 0, delta < 1 else { throw ValidationError("--delta must be in (0, 1)") }
        if let noiseMultiplier, !(noiseMultiplier >= 0 && noiseMultiplier.isFinite) {
            throw ValidationError("--noise-multiplier must be a number ≥ 0")
        }
        if let targetEpsilon, !(targetEpsilon > 0 && targetEpsilon.isFinite) {
            throw ValidationError("--target-epsilon must be a number > 0")
        }
        guard noiseMultiplier != nil || targetEpsilon != nil else {
            throw ValidationError("give --noise-multiplier, --target-epsilon, or both")
        }
    }

    func run() throws {
        var report: [String: Double] = [
            "samplingRate": samplingRate, "rounds": Double(rounds), "delta": delta,
        ]
        var lines: [String] = []
        do {
            if let noiseMultiplier {
                let guarantee = try RDPAccountant.epsilon(
                    samplingRate: samplingRate, noiseMultiplier: noiseMultiplier, rounds: rounds, delta: delta)
                report["noiseMultiplier"] = noiseMultiplier
                report["epsilon"] = guarantee.epsilon
                report["order"] = guarantee.order
                lines.append(
                    "ε = \(Self.format(guarantee.epsilon)) at δ = \(delta) after \(rounds) rounds "
                        + "(q = \(samplingRate), z = \(noiseMultiplier); best Rényi order α = \(Self.format(guarantee.order)))"
                )
            }
            if let targetEpsilon {
                let needed = try RDPAccountant.noiseMultiplier(
                    targetEpsilon: targetEpsilon, samplingRate: samplingRate, rounds: rounds, delta: delta)
                report["targetEpsilon"] = targetEpsilon
                report["requiredNoiseMultiplier"] = needed
                lines.append(
                    "noise multiplier z = \(Self.format(needed)) keeps \(rounds) rounds at q = \(samplingRate) "
                        + "within ε = \(targetEpsilon) at δ = \(delta)")
            }
        } catch let error as PrivacyError {
            throw CommandFailure(error.description)
        }
        switch output {
        case .text:
            for line in lines { print(line) }
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            // ε is +∞ with no noise: JSON has no infinity, so it prints as the string "inf".
            encoder.nonConformingFloatEncodingStrategy = .convertToString(
                positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        }
    }

    static func format(_ value: Double) -> String { value.isFinite ? String(format: "%.4g", value) : "∞" }
}
