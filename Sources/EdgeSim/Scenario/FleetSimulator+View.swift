import AppModel

/// The truth (what the simulator knows) and the view of it that strategies get.
extension FleetSimulator {
    /// OCM's taint on a ManagedCluster whose Available condition is Unknown (Lease not renewed).
    static let unreachableTaint = ClusterTaint(
        key: "cluster.open-cluster-management.io/unreachable", effect: "NoSelect")

    /// The fleet as a strategy sees it at scenario `minute`: the static inventory, the hub's availability (false
    /// and tainted `unreachable` once a down cluster's Lease grace has passed), and ``ClusterTelemetry`` as a
    /// central Prometheus would report it from the previous minute's samples (a down cluster fails its scrape:
    /// `nodeReadyFraction` 0 and no cpu figure).
    /// - Parameters:
    ///   - minute: scenario minute of the decision.
    ///   - history: cpu and memory samples up to the previous minute, per cluster.
    /// - Returns: one ``ClusterSpec`` per inventory cluster, sorted by name.
    func clusterView(at minute: Int, history: [String: ClusterSamples]) -> [ClusterSpec] {
        let sampled = max(0, minute - 1)
        let minuteOfDay = (scenario.startMinuteOfDay + minute) % 1440
        return scenario.clusters.map { base in
            var spec = base
            if let outage = scenario.outages.first(where: { $0.cluster == base.name && $0.covers(minute) }),
                minute - outage.start >= scenario.timing.hubDetectionMinutes
            {
                spec.available = false
                spec.taints.append(Self.unreachableTaint)
            }
            var telemetry = ClusterTelemetry()
            telemetry.stepSeconds = 60
            if isDown(base.name, at: sampled) {
                telemetry.nodeReadyFraction = 0
                telemetry.sources["nodes"] = "prometheus"
                telemetry.fallbacks.append("cpu: prometheus scrape of \(base.name) failed")
            } else if let samples = history[base.name] {
                // No samples yet (the first warm-up decision) leaves the figures unknown, as for a new cluster.
                telemetry.cpuUsedCores = samples.cpuCores.last
                telemetry.cpuUsedHistory = samples.cpuCores
                telemetry.memoryUsedBytes = samples.memoryBytes.last
                telemetry.memoryUsedHistory = samples.memoryBytes
                telemetry.historyEndSeconds = Self.epochSeconds(
                    minute: sampled, startMinuteOfDay: scenario.startMinuteOfDay)
                telemetry.nodeReadyFraction = 1
                for metric in ["cpu", "memory", "nodes"] {
                    telemetry.sources[metric] = "prometheus"
                    telemetry.ageSeconds[metric] = 60
                }
            }
            for zone in base.latencyMilliseconds.keys {
                telemetry.latencyMilliseconds[zone] = latency(from: base, to: zone, at: sampled)
            }
            telemetry.sources["latency"] = "prometheus"
            telemetry.energyCostPerCoreHour = price(of: base, minuteOfDay: minuteOfDay)
            telemetry.sources["energy"] = "prometheus"
            telemetry.failuresLast24Hours =
                scenario.outages.filter {
                    $0.cluster == base.name && $0.start <= sampled && $0.start > sampled - 1440
                }.count
            spec.telemetry = telemetry
            return spec
        }
    }

    /// Scenario `minute` as Unix seconds: day 0 of a scenario is Monday 1970-01-05, so learned forecasters see
    /// the scenario's time of day and a weekday.
    static func epochSeconds(minute: Int, startMinuteOfDay: Int) -> Double {
        Double(4 * 86_400 + (startMinuteOfDay + minute) * 60)
    }

    /// Whether `cluster` is down at scenario `minute`.
    func isDown(_ cluster: String, at minute: Int) -> Bool {
        scenario.outages.contains { $0.cluster == cluster && $0.covers(minute) }
    }

    /// True round-trip latency in milliseconds from `cluster` to `zone` at scenario `minute`: the inventory's
    /// figure, or a degraded link's (links are symmetric: a degradation between cluster C and zone Z also holds
    /// between the clusters in Z and C's zone). `nil` when the inventory does not know the pair.
    func latency(from cluster: ClusterSpec, to zone: String, at minute: Int) -> Double? {
        for link in scenario.degradedLinks where minute >= link.start && minute < link.end {
            if link.cluster == cluster.name && link.zone == zone { return link.latencyMilliseconds }
            if link.zone == cluster.zone, scenario.clusters.first(where: { $0.name == link.cluster })?.zone == zone {
                return link.latencyMilliseconds
            }
        }
        return cluster.latency(to: zone)
    }

    /// Energy price of `cluster` at `minuteOfDay`, in EUR per core-hour: the inventory price × the first
    /// tariff period covering that minute for the cluster's site.
    func price(of cluster: ClusterSpec, minuteOfDay: Int) -> Double {
        let site = cluster.labels[Labels.site]
        let period = scenario.tariff.first {
            ($0.site == nil || $0.site == site) && $0.covers(minuteOfDay: minuteOfDay)
        }
        return cluster.energyCostPerCoreHour * (period?.multiplier ?? 1)
    }
}
