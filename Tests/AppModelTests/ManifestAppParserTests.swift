import Foundation
import Testing

@testable import AppModel

/// Parses plain-manifest files (path → text, in path order) as app `web`.
func parseManifests(_ files: [(String, String)]) throws -> (app: Application, warnings: [ModelError]) {
    var documents: [YAMLDocument] = []
    for (path, text) in files { documents += try loadYAML(text, file: path) }
    var warnings: [ModelError] = []
    let app = try ManifestAppParser.parse(documents, directoryName: "web", sourceDigest: "d", warnings: &warnings)
    return (app, warnings)
}

let deploymentYAML = """
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: web
      namespace: shop
      annotations:
        placer.dev/qos-class: Gold
        placer.dev/latency-budget-ms: "12"
        placer.dev/user-zones: hall-1,hall-3
        placer.dev/cluster-selector: placer.dev/tier=edge, placer.dev/site=plant-a
    spec:
      replicas: 3
      template:
        spec:
          containers:
          - name: web
            image: example/web:1
            resources:
              requests:
                cpu: 200m
                memory: 256Mi
          - name: log
            image: example/log:1

    """

@Suite struct ManifestAppParserTests {
    @Test func plainManifestsGiveRequestsAndHints() throws {
        let (app, _) = try parseManifests([("apps/web/deploy.yaml", deploymentYAML)])
        #expect(app.qosClass == .gold)
        #expect(app.latencyBudgetMilliseconds == 12)
        #expect(app.userZones == ["hall-1", "hall-3"])
        #expect(app.clusterSelector == ["placer.dev/tier": "edge", "placer.dev/site": "plant-a"])
        // 3 replicas × (200m + default 0.1) cores; 3 × (256Mi + default 128Mi).
        #expect(abs(app.cpuCores - 0.9) < 1e-9)
        #expect(app.memoryBytes == 3 * 384 * mebibyte)
        #expect(app.manifests.count == 1)
    }

    @Test func generateNameIsRefusedAtItsLine() throws {
        let yaml = "apiVersion: batch/v1\nkind: Job\nmetadata:\n  generateName: run-\n  namespace: shop\nspec: {}\n"
        let error = try #require(modelError { try parseManifests([("apps/web/job.yaml", yaml)]) })
        #expect(error.file == "apps/web/job.yaml")
        #expect(error.line == 4)
        #expect(error.message.contains("generateName"))
    }

    @Test func duplicateObjectsAcrossFilesNameBothLocations() throws {
        let service = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: shop\nspec: {}\n"
        let error = try #require(
            modelError {
                try parseManifests([
                    ("apps/web/a.yaml", "# first\n" + service),
                    ("apps/web/b.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n---\n" + service),
                ])
            })
        #expect(error.file == "apps/web/b.yaml")
        #expect(error.line == 9)  // metadata.name of the second Service
        #expect(error.message.contains("duplicate object Service web"))
        #expect(error.message.contains("apps/web/a.yaml:2"))
    }

    @Test func duplicateObjectsInOneFileNameBothLocations() throws {
        let config = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n"
        let error = try #require(modelError { try parseManifests([("apps/web/all.yaml", config + "---\n" + config)]) })
        #expect(error.file == "apps/web/all.yaml")
        #expect(error.line == 9)
        #expect(error.message.contains("also at apps/web/all.yaml:1"))
    }

    @Test func sameNameInOtherNamespaceOrKindIsNoDuplicate() throws {
        let a = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  namespace: one\n"
        let b = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  namespace: two\n"
        let c = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: x\n  namespace: one\n"
        let (app, _) = try parseManifests([("apps/web/m.yaml", [a, b, c].joined(separator: "---\n"))])
        #expect(app.manifests.count == 3)
        #expect(app.qosClass == .bestEffort)
        #expect(app.latencyBudgetMilliseconds == nil)
    }

    @Test func missingKindIsRefused() throws {
        let yaml = "apiVersion: v1\nmetadata:\n  name: x\n"
        let error = try #require(modelError { try parseManifests([("apps/web/x.yaml", yaml)]) })
        #expect(error.file == "apps/web/x.yaml")
        #expect(error.message.contains("no kind"))
    }

    @Test func missingApiVersionAndNameAreRefused() throws {
        let noVersion = try #require(
            modelError { try parseManifests([("apps/web/x.yaml", "kind: Pod\nmetadata:\n  name: x\n")]) })
        #expect(noVersion.message.contains("apiVersion"))
        let noName = try #require(
            modelError { try parseManifests([("apps/web/x.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {}\n")]) })
        #expect(noName.message.contains("metadata.name"))
    }

    @Test func badQosAnnotationIsRefused() throws {
        let yaml = deploymentYAML.replacingOccurrences(of: "qos-class: Gold", with: "qos-class: Platinum")
        let error = try #require(modelError { try parseManifests([("apps/web/d.yaml", yaml)]) })
        #expect(error.message.contains("Platinum"))
    }

    @Test func templatedManifestIsRefused() throws {
        let yaml = deploymentYAML.replacingOccurrences(of: "example/web:1", with: "example/web:{{ .Values.tag }}")
        let error = try #require(modelError { try parseManifests([("apps/web/d.yaml", yaml)]) })
        #expect(error.message.contains("template"))
        #expect(error.line == lineOf("{{", in: yaml))
    }

    @Test func emptyAppFolderIsRefused() throws {
        let error = try #require(modelError { try parseManifests([("apps/web/empty.yaml", "# nothing\n")]) })
        #expect(error.message.contains("no manifests"))
    }
}
