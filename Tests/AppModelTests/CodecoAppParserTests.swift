import Foundation
import Testing

@testable import AppModel

/// Parses the CodecoApp document of `yaml` as `apps/<directory>/app.yaml`.
func parseCodeco(_ yaml: String, directory: String = "demo") throws -> (app: Application, warnings: [ModelError]) {
    let documents = try loadYAML(yaml, file: "apps/\(directory)/app.yaml")
    let document = try #require(documents.first { $0.value["kind"]?.stringValue == CodecoAppParser.kind })
    var warnings: [ModelError] = []
    let app = try CodecoAppParser.parse(document, directoryName: directory, sourceDigest: "d", warnings: &warnings)
    return (app, warnings)
}

/// A small valid CodecoApp; `spec` lines and the service block can be replaced.
func camDocument(
    specHead: String = "  appName: demo-app\n  qosClass: Silver\n",
    services: String = """
      - serviceName: web
        nwlatency: "15"
        podspec:
          containers:
          - name: web
            image: example/web:1
            resources:
              requests:
                cpu: 500m
                memory: 4Gi

    """
) -> String {
    """
    apiVersion: codeco.he-codeco.eu/v1alpha1
    kind: CodecoApp
    metadata:
      name: demo
      namespace: shop
      annotations:
        placer.dev/user-zones: hall-1, hall-2
    spec:
    \(specHead)  codecoapp-msspec:
    \(services)
    """
}

@Suite struct CodecoAppParserTests {
    // MARK: published samples

    /// What each published sample must give; a new sample without an entry fails, so its behaviour gets pinned.
    struct SampleExpectation: Sendable {
        var qos: QoSClass
        var services: [String]
        var cpuCores: Double
        var memoryBytes: Double
        var latencyBudget: Double
        var energyLimit: Double?
        var profile: String?
        var chanelNameWarnings: Int
        var schedulerWarnings: Int
    }

    static let expectations: [String: SampleExpectation] = [
        // backend: limits 2 cpu / 4Gi; front-end states no resources → defaults 0.1 core / 128Mi.
        "acm_sample_codeco_v1alpha1_codecoapp_ver3.yaml": .init(
            qos: .gold, services: ["backend", "front-end"], cpuCores: 2.1, memoryBytes: 4 * gibibyte + 128 * mebibyte,
            latencyBudget: 3, energyLimit: 20, profile: nil, chanelNameWarnings: 2, schedulerWarnings: 0),
        "gkoukis_codecoapp-bookinfo-FOR.yaml": .init(
            qos: .bestEffort, services: ["details", "ratings", "reviews", "productpage"], cpuCores: 1 + 3 * 0.1,
            memoryBytes: 2 * gibibyte + 3 * 128 * mebibyte, latencyBudget: 10, energyLimit: 50, profile: "Greenness",
            chanelNameWarnings: 0, schedulerWarnings: 0),
        "gkoukis_codecoapp-bookinfo-cam.yaml": .init(
            qos: .bestEffort,
            services: ["details", "ratings", "reviews-v1", "reviews-v2", "reviews-v3", "productpage"],
            cpuCores: 1 + 5 * 0.1, memoryBytes: 2 * gibibyte + 5 * 128 * mebibyte, latencyBudget: 10, energyLimit: 50,
            profile: "Greenness", chanelNameWarnings: 0, schedulerWarnings: 6),
    ]

    static func sampleNames() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: Fixtures.camSamples.path)) ?? [])
            .filter { $0.hasSuffix(".yaml") }.sorted()
    }

    @Test func samplesAreThere() {
        #expect(Self.sampleNames().count >= 3, "CAM samples not found at \(Fixtures.camSamples.path)")
    }

    @Test(arguments: sampleNames())
    func publishedSampleLoads(name: String) throws {
        let expected = try #require(Self.expectations[name], "pin the behaviour for new sample \(name)")
        let text = try String(contentsOf: Fixtures.camSamples.appendingPathComponent(name), encoding: .utf8)
        let (app, warnings) = try parseCodeco(text, directory: "sample")
        #expect(app.qosClass == expected.qos)
        #expect(app.appName == "acm-swm-app")
        #expect(abs(app.cpuCores - expected.cpuCores) < 1e-9)
        #expect(app.memoryBytes == expected.memoryBytes)
        #expect(app.latencyBudgetMilliseconds == expected.latencyBudget)
        #expect(app.energyLimitPercent == expected.energyLimit)
        #expect(app.performanceProfile == expected.profile)
        #expect(app.securityClass == .good)
        #expect(app.complianceClass == .high)
        // Channels inside the app are not peer channels.
        #expect(app.peerChannels.isEmpty)
        let deployments = app.manifests.filter { $0["kind"]?.stringValue == "Deployment" }
        #expect(deployments.compactMap { $0[path: "metadata.name"]?.stringValue } == expected.services)
        #expect(deployments.allSatisfy { $0[path: "metadata.namespace"]?.stringValue == "he-codeco-acm" })
        #expect(deployments.allSatisfy { $0[path: "spec.template.spec.schedulerName"] == nil })
        #expect(app.manifests.first?["kind"]?.stringValue == "Namespace")
        #expect(warnings.allSatisfy { $0.severity == .warning })
        #expect(warnings.filter { $0.message.contains("chanelName") }.count == expected.chanelNameWarnings)
        #expect(warnings.filter { $0.message.contains("schedulerName") }.count == expected.schedulerWarnings)
        // No placer.dev/user-zones annotation in CODECO's own samples.
        #expect(app.userZones.isEmpty)
        #expect(warnings.contains { $0.message.contains("user-zones") })
    }

    @Test
    func sampleWithExtraServicesHasNoDuplicateObjects() throws {
        for name in ["gkoukis_codecoapp-bookinfo-cam.yaml", "gkoukis_codecoapp-bookinfo-FOR.yaml"] {
            let data = try Data(contentsOf: Fixtures.camSamples.appendingPathComponent(name))
            let snapshot = RepoLoader.load(files: ["apps/bookinfo/app.yaml": data], presets: try Fixtures.presets())
            if let errors = snapshot.invalidApps["bookinfo"] {
                // Refusing is acceptable if it names the duplicate.
                #expect(errors.contains { $0.message.contains("duplicate") }, "\(name): \(errors)")
                continue
            }
            let app = try #require(snapshot.apps.first)
            let identities = app.manifests.map { manifest in
                ["apiVersion", "kind", "metadata.namespace", "metadata.name"]
                    .map { manifest[path: $0]?.stringValue ?? "" }.joined(separator: "/")
            }
            #expect(Set(identities).count == identities.count, "\(name): \(identities.sorted())")
        }
    }

    // MARK: CAM quirks

    @Test func misspelledChanelNameWarnsAtItsLine() throws {
        let services = """
              - serviceName: web
                podspec:
                  containers:
                  - name: web
                    image: example/web:1
                serviceChannels:
                - chanelName: to-db
                  otherService:
                    appName: database
                    serviceName: db
                    port: 5432

            """
        let yaml = camDocument(services: services)
        let (app, warnings) = try parseCodeco(yaml)
        let warning = try #require(warnings.first { $0.message.contains("chanelName") })
        #expect(warning.severity == .warning)
        #expect(warning.file == "apps/demo/app.yaml")
        #expect(warning.line == lineOf("chanelName", in: yaml))
        #expect(warning.description.contains("warning: "))
        #expect(
            app.peerChannels == [
                PeerChannel(app: "database", service: "db", maxDelayMilliseconds: nil, minBandwidthBitsPerSecond: nil)
            ])
    }

    @Test func qosSchedulerNameIsDroppedWithAWarning() throws {
        let services = """
              - serviceName: web
                podspec:
                  schedulerName: qos-scheduler
                  nodeSelector:
                    disk: ssd
                  containers:
                  - name: web
                    image: example/web:1
              - serviceName: other
                podspec:
                  schedulerName: my-scheduler
                  containers:
                  - name: other
                    image: example/other:1

            """
        let yaml = camDocument(services: services)
        let (app, warnings) = try parseCodeco(yaml)
        let warning = try #require(warnings.first { $0.message.contains("qos-scheduler") })
        #expect(warning.severity == .warning)
        #expect(warning.line == lineOf("schedulerName: qos-scheduler", in: yaml))
        let deployments = app.manifests.filter { $0["kind"]?.stringValue == "Deployment" }
        let web = try #require(deployments.first { $0[path: "metadata.name"]?.stringValue == "web" })
        #expect(web[path: "spec.template.spec.schedulerName"] == nil)
        #expect(web[path: "spec.template.spec.nodeSelector.disk"] == .string("ssd"))
        #expect(!app.manifests.contains { $0.canonicalJSON().contains("qos-scheduler") })
        // Another scheduler is the user's choice and stays.
        let other = try #require(deployments.first { $0[path: "metadata.name"]?.stringValue == "other" })
        #expect(other[path: "spec.template.spec.schedulerName"] == .string("my-scheduler"))
    }

    @Test func resourcesSumInCoresAndBytes() throws {
        let services = """
              - serviceName: api
                podspec:
                  containers:
                  - name: api
                    image: example/api:1
                    resources:
                      requests:
                        cpu: 500m
                        memory: 4Gi
              - serviceName: worker
                podspec:
                  containers:
                  - name: worker
                    image: example/worker:1
                    resources:
                      requests:
                        cpu: "1.5"
                        memory: 512Mi
                  - name: sidecar
                    image: example/sidecar:1
                    resources:
                      limits:
                        cpu: 250m
                        memory: 1G
                  - name: bare
                    image: example/bare:1

            """
        let (app, _) = try parseCodeco(camDocument(services: services))
        #expect(abs(app.cpuCores - (0.5 + 1.5 + 0.25 + 0.1)) < 1e-9)
        #expect(app.memoryBytes == 4 * gibibyte + 512 * mebibyte + 1e9 + 128 * mebibyte)
    }

    @Test func cpuOnlyFiveHundredMillicoresAndFourGibibytes() throws {
        let (app, _) = try parseCodeco(camDocument())
        #expect(app.cpuCores == 0.5)
        #expect(app.memoryBytes == 4_294_967_296)
        #expect(app.latencyBudgetMilliseconds == 15)
        #expect(app.userZones == ["hall-1", "hall-2"])
        #expect(app.qosClass == .silver)
        #expect(app.name == "demo")
        #expect(app.appName == "demo-app")
    }

    @Test(arguments: [("10e-3", 10.0), ("10s", 10_000.0), ("1", 1000.0), ("5ms", 5.0), ("2e-3", 2.0), ("1m", 60_000.0)])
    func maxDelayIsReadInMilliseconds(text: String, milliseconds: Double) throws {
        let services = """
              - serviceName: web
                podspec:
                  containers:
                  - name: web
                    image: example/web:1
                serviceChannels:
                - channelName: bus
                  otherService:
                    appName: mqtt-broker
                    serviceName: broker
                    port: 1883
                  advancedChannelSettings:
                    minBandwidth: 5M
                    maxDelay: "\(text)"

            """
        let (app, _) = try parseCodeco(camDocument(services: services))
        let channel = try #require(app.peerChannels.first)
        #expect(channel.app == "mqtt-broker")
        #expect(channel.service == "broker")
        let delay = try #require(channel.maxDelayMilliseconds)
        #expect(abs(delay - milliseconds) < 1e-9)
        #expect(channel.minBandwidthBitsPerSecond == 5_000_000)
    }

    @Test func unreadableMaxDelayIsAnErrorAtItsLine() throws {
        let services = """
              - serviceName: web
                podspec:
                  containers:
                  - name: web
                    image: example/web:1
                serviceChannels:
                - channelName: bus
                  otherService:
                    appName: mqtt-broker
                    serviceName: broker
                  advancedChannelSettings:
                    maxDelay: soon

            """
        let yaml = camDocument(services: services)
        let error = try #require(modelError { try parseCodeco(yaml) })
        #expect(error.line == lineOf("maxDelay: soon", in: yaml))
        #expect(error.message.contains("maxDelay"))
    }

    // MARK: refusals

    @Test func missingQosClassIsAnErrorAtTheSpec() throws {
        let yaml = camDocument(specHead: "  appName: demo-app\n  securityClass: Good\n")
        let error = try #require(modelError { try parseCodeco(yaml) })
        #expect(error.file == "apps/demo/app.yaml")
        #expect(error.message.contains("qosClass is required"))
        let specLine = try #require(lineOf("spec:", in: yaml))
        #expect(error.line == specLine || error.line == specLine + 1, "error at line \(error.line)")
        #expect(error.severity == .error)
    }

    @Test func unknownQosClassIsAnErrorAtItsLine() throws {
        let yaml = camDocument(specHead: "  appName: demo-app\n  qosClass: Platinum\n")
        let error = try #require(modelError { try parseCodeco(yaml) })
        #expect(error.line == lineOf("qosClass: Platinum", in: yaml))
        #expect(error.message.contains("Platinum"))
    }

    @Test func lowerCaseQosclassIsTheOlderFormat() throws {
        let yaml = camDocument(specHead: "  appName: demo-app\n  qosclass: Gold\n")
        let error = try #require(modelError { try parseCodeco(yaml) })
        #expect(error.line == lineOf("qosclass: Gold", in: yaml))
        #expect(error.message.contains("older"))
        #expect(error.message.contains("qosClass"))
    }

    @Test(arguments: [
        ("image", "        image: \"example/web:{{ .Replica }}\"\n"),
        ("name", "        name: \"web-{{ .Replica }}\"\n        image: example/web:1\n"),
        ("dollar", "        name: $pod_name\n        image: example/web:1\n"),
    ])
    func templatesAreRefused(label: String, containerFields: String) throws {
        let services = "  - serviceName: web\n    podspec:\n      containers:\n      - \(containerFields.dropFirst(8))"
        let yaml = camDocument(services: services)
        let error = try #require(modelError { try parseCodeco(yaml) }, "\(label)")
        #expect(error.message.contains("template"), "\(label): \(error)")
        let marker = yaml.contains("{{") ? "{{" : "$pod_name"
        #expect(error.line == lineOf(marker, in: yaml), "\(label): \(error)")
    }

    @Test func templatedServiceNameIsRefused() throws {
        let yaml = camDocument(
            services: """
                  - serviceName: "svc-{{ .Replica }}"
                    podspec:
                      containers:
                      - name: web
                        image: example/web:1

                """)
        let error = try #require(modelError { try parseCodeco(yaml) })
        #expect(error.message.contains("template"))
        #expect(error.line == lineOf("{{ .Replica }}", in: yaml))
    }

    @Test func shellVariablesInArgsAreNotTemplates() throws {
        let yaml = camDocument(
            services: """
                  - serviceName: web
                    podspec:
                      containers:
                      - name: web
                        image: example/web:1
                        args: ["--home=$HOME", "$(POD_IP)"]

                """)
        #expect(throws: Never.self) { try parseCodeco(yaml) }
    }

    @Test func emptyServiceListIsRefused() throws {
        let yaml = camDocument(services: "    []\n")
        let error = try #require(modelError { try parseCodeco(yaml) })
        #expect(error.message.contains("codecoapp-msspec"))
    }

    @Test func invalidServiceNameIsRefused() throws {
        let yaml = camDocument(
            services: """
                  - serviceName: Web_Frontend
                    podspec:
                      containers:
                      - name: web
                        image: example/web:1

                """)
        let error = try #require(modelError { try parseCodeco(yaml) })
        #expect(error.line == lineOf("Web_Frontend", in: yaml))
    }

    @Test func unknownSpecFieldWarns() throws {
        let yaml = camDocument(specHead: "  appName: demo-app\n  qosClass: Gold\n  colour: blue\n")
        let (_, warnings) = try parseCodeco(yaml)
        #expect(warnings.contains { $0.message.contains("colour") && $0.line == lineOf("colour", in: yaml) })
    }
}
