import AppModel
import PlacerCore

/// The floor every rule must beat: a placed app stays while its cluster is available and holds it; any other
/// app goes to a cluster drawn uniformly (seeded ``SplitMix64``) among the available ones with room for its
/// requests. Ignores selectors, taints, latency and everything else.
public struct RandomStrategy: PlacementStrategy {
    public let name = "random"
    private var generator: SplitMix64

    public init(seed: UInt64) { generator = SplitMix64(seed: seed) }

    public mutating func place(
        apps: [Application], clusters: [ClusterSpec], current: [String: String], nowSeconds: Double
    ) -> [String: String] {
        var ledger = BaselineLedger(clusters: clusters)
        var result: [String: String] = [:]
        for app in BaselineLedger.order(apps, current: current) {
            if let now = current[app.name], let c = ledger.index[now], ledger.fits(app, c) {
                ledger.take(app, c)
                result[app.name] = now
                continue
            }
            let candidates = ledger.clusters.indices.filter { ledger.fits(app, $0) }
            guard let pick = candidates.randomElement(using: &generator) else { continue }
            ledger.take(app, pick)
            result[app.name] = ledger.clusters[pick].name
        }
        return result
    }
}
