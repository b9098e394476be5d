import Foundation
import Testing

@testable import AppModel

@Suite struct InventoryAndPolicyTests {
    @Test func exampleClusterParses() throws {
        let url = Fixtures.exampleRepo.appendingPathComponent("clusters/factory-dc.yaml")
        let document = try #require(
            try YAMLLoader.load(try Data(contentsOf: url), file: "clusters/factory-dc.yaml").first)
        let cluster = try InventoryParser.parse(document)
        #expect(cluster.name == "factory-dc")
        #expect(cluster.zone == "factory-dc")
        #expect(cluster.cpuCores == 32)
        #expect(cluster.memoryBytes == 128 * gibibyte)
        #expect(cluster.latency(to: "hall-3") == 4)
        #expect(cluster.latency(to: "nowhere") == nil)
        #expect(cluster.energyCostPerCoreHour == 0.03)
        #expect(cluster.available)
        #expect(cluster.securityClass == .high)
        #expect(cluster.complianceClass == .high)
        #expect(cluster.labels[Labels.tier] == "datacenter")
        #expect(cluster.source == "clusters/factory-dc.yaml")
    }

    static let minimalCluster = """
        apiVersion: placer.dev/v1alpha1
        kind: EdgeCluster
        metadata:
          name: c1
        spec:
          zone: z1
          allocatable: {cpu: 7500m, memory: 16Gi}

        """

    @Test func availabilityAndOwnZoneLatency() throws {
        let cluster = try InventoryParser.parse(try #require(try loadYAML(Self.minimalCluster).first))
        #expect(cluster.available)
        #expect(cluster.cpuCores == 7.5)
        #expect(cluster.latency(to: "z1") == 0)
        #expect(cluster.labels[Labels.zone] == "z1")
        let down = try InventoryParser.parse(
            try #require(try loadYAML(Self.minimalCluster + "  available: false\n").first))
        #expect(!down.available)
    }

    @Test func clusterWithoutCpuIsAnErrorAtAllocatable() throws {
        let yaml = Self.minimalCluster.replacingOccurrences(of: "cpu: 7500m, ", with: "")
        let document = try #require(try loadYAML(yaml, file: "clusters/c1.yaml").first)
        let error = try #require(modelError { try InventoryParser.parse(document) })
        #expect(error.file == "clusters/c1.yaml")
        #expect(error.line == 7)
        #expect(error.message.contains("cpu"))
    }

    @Test func policyDocumentsOverrideKeyByKey() throws {
        var policy = PlacementPolicy()
        try policy.apply(
            try #require(
                try loadYAML(
                    "spec:\n  weights:\n    Gold: {latencyMargin: 5, headroom: 2}\n  reservePercent: 20\n",
                    file: "a.yaml"
                ).first))
        try policy.apply(
            try #require(
                try loadYAML(
                    "spec:\n  weights:\n    Gold: {latencyMargin: 9}\n  hysteresis: {minScoreGain: 0}\n", file: "b.yaml"
                ).first))
        #expect(policy.weights[.gold] == ["latencyMargin": 9, "headroom": 2])
        #expect(policy.reservePercent == 20)
        #expect(policy.minScoreGain == 0)
        #expect(policy.sources == ["a.yaml", "b.yaml"])
    }

    @Test(arguments: [
        ("spec:\n  weights:\n    Gold: {latencyMargin: 11}\n", 3),
        ("spec:\n  weights:\n    Platinum: {latencyMargin: 1}\n", 3),
        ("spec:\n  reservePercent: 95\n", 2),
        ("spec:\n  hysteresis:\n    minScoreGain: -1\n", 3),
        ("spec:\n  weights:\n    Gold:\n      latencyMargin: 2\n      latencyMarjin: 5\n", 5),
        ("spec:\n  performanceProfiles:\n    Greenness: {enrgy: 8}\n", 3),
        ("spec:\n  forecaster: prophet\n", 2),
        ("spec:\n  forecastCoverage: 1.5\n", 2),
        ("spec:\n  learning:\n    epsilonPerDay: 0\n", 3),
        ("spec:\n  learning:\n    delta: 1\n", 3),
        ("spec:\n  learning:\n    clipNorm: 1\n    samplingRate: 1.5\n", 4),
        ("spec:\n  learning:\n    noiseMultiplier: -0.5\n", 3),
        ("spec:\n  learning:\n    enabled: maybe\n", 3),
        (
            "spec:\n  profile:\n    plugins:\n      filter:\n        disabled:\n          - name: Capacity\n          - name: Latency\n",
            7
        ),
        (
            "spec:\n  profile:\n    plugins:\n      score:\n        enabled: [{name: headroom, weight: 2}, {name: nearness}]\n",
            5
        ),
        ("spec:\n  profile:\n    plugins:\n      preScore: {}\n", 4),
    ])
    func badPolicyValuesAreErrorsAtTheirLine(yaml: String, line: Int) throws {
        var policy = PlacementPolicy()
        let document = try #require(try loadYAML(yaml, file: "policies/p.yaml").first)
        let error = try #require(modelError { try policy.apply(document) })
        #expect(error.file == "policies/p.yaml")
        #expect(error.line == line)
    }

    @Test func unknownNamesAreRefusedWithFileLineColumnAndTheKnownNames() throws {
        var policy = PlacementPolicy()
        let document = try #require(
            try loadYAML("spec:\n  weights:\n    Gold: {latencyMargin: 5, latencyMarjin: 5}\n", file: "policies/p.yaml")
                .first)
        let error = try #require(modelError { try policy.apply(document) })
        #expect(error.description.hasPrefix("policies/p.yaml:3:"))
        #expect(error.message.hasPrefix("unknown score plugin \"latencyMarjin\" (known: latencyMargin, headroom,"))
        let profile = try #require(
            try loadYAML(
                "spec:\n  profile:\n    plugins:\n      filter:\n        enabled: [{name: Capacity}, {name: Nope}]\n",
                file: "policies/q.yaml"
            ).first)
        let profileError = try #require(modelError { try policy.apply(profile) })
        #expect(profileError.description.hasPrefix("policies/q.yaml:5:"))
        #expect(profileError.message.hasPrefix("unknown filter plugin \"Nope\" (known: Availability,"))
    }

    @Test func learningSettingsAreReadOverTheDefaults() throws {
        var policy = PlacementPolicy()
        #expect(policy.learning == LearningPolicy())
        #expect(policy.learning.epsilonPerDay == 4 && policy.learning.delta == 1e-5)
        let yaml = """
            spec:
              learning:
                epsilonPerDay: 2.5
                delta: 1.0e-6
                noiseMultiplier: 1.3
                clipNorm: 0.5
                samplingRate: 0.25
            """
        try policy.apply(try #require(try loadYAML(yaml, file: "p.yaml").first))
        #expect(policy.learning.epsilonPerDay == 2.5)
        #expect(policy.learning.delta == 1e-6)
        #expect(policy.learning.noiseMultiplier == 1.3)
        #expect(policy.learning.clipNorm == 0.5)
        #expect(policy.learning.samplingRate == 0.25)
        #expect(policy.learning.enabled)
        try policy.apply(try #require(try loadYAML("spec:\n  learning: {enabled: false}\n", file: "q.yaml").first))
        #expect(!policy.learning.enabled && policy.learning.clipNorm == 0.5)
    }

    @Test func profileAndForecasterAreRead() throws {
        var policy = PlacementPolicy()
        #expect(policy.profile == nil && policy.forecaster == "holt" && policy.forecastCoverage == 0)
        let yaml = """
            spec:
              forecaster: holt
              forecastCoverage: 0.8
              profile:
                plugins:
                  filter:
                    disabled: [{name: EnergyLimit}]
                  score:
                    disabled: [{name: "*"}]
                    enabled: [{name: headroom, weight: 2}, latencyMargin]
            """
        try policy.apply(try #require(try loadYAML(yaml, file: "p.yaml").first))
        #expect(policy.forecastCoverage == 0.8)
        #expect(policy.profile?.filter == PluginProfile.PluginSet(disabled: ["EnergyLimit"]))
        #expect(
            policy.profile?.score
                == PluginProfile.PluginSet(
                    enabled: [.init(name: "headroom", weight: 2), .init(name: "latencyMargin")], disabled: ["*"]))
    }
}
