import Foundation
import Testing

@testable import AppModel

/// App folders that are not a single CodecoApp: kustomize, Helm, size and name limits.
@Suite struct AppFolderTests {
    static let deployment = """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
        spec:
          replicas: 2
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec:
              containers:
              - name: web
                image: nginx:1.27
                resources: {requests: {cpu: 250m, memory: 64Mi}}

        """

    static func load(_ files: [String: String]) -> RepoSnapshot {
        RepoLoader.load(files: files.mapValues { Data($0.utf8) })
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: KustomizeRenderer().kubectlPath)))
    func kustomizationIsRenderedWithKubectlIncludingBasesOutsideApps() throws {
        let snapshot = Self.load([
            "base/web/kustomization.yaml": "resources:\n- deployment.yaml\n",
            "base/web/deployment.yaml": Self.deployment,
            "apps/shop/kustomization.yaml": "namePrefix: shop-\nnamespace: shop\nresources:\n- ../../base/web\n",
        ])
        #expect(snapshot.invalidApps.isEmpty, "\(snapshot.invalidApps)")
        let app = try #require(snapshot.apps.first)
        #expect(app.manifests.map { $0[path: "metadata.name"]?.stringValue } == ["shop-web"])
        #expect(app.manifests.first?[path: "metadata.namespace"]?.stringValue == "shop")
        #expect(abs(app.cpuCores - 0.5) < 1e-9)
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: KustomizeRenderer().kubectlPath)))
    func aBrokenKustomizationIsRefusedWithKubectlsError() throws {
        let snapshot = Self.load(["apps/shop/kustomization.yaml": "resources:\n- missing.yaml\n"])
        let error = try #require(snapshot.invalidApps["shop"]?.first)
        #expect(error.file == "apps/shop/kustomization.yaml")
        #expect(error.message.hasPrefix("kubectl kustomize failed:"))
        #expect(error.message.contains("missing.yaml"))
        #expect(!error.message.contains("placer-kustomize-"), "scratch paths stay out of messages")
    }

    @Test func aPlainSecretIsPlacedWithAWarningAndEncryptedOnesPassQuietly() throws {
        let plain = "apiVersion: v1\nkind: Secret\nmetadata: {name: db}\nstringData:\n  password: hunter2\n"
        let sops =
            "apiVersion: v1\nkind: Secret\nmetadata: {name: db}\ndata:\n  password: ENC[AES256_GCM,data:abc]\n"
            + "sops:\n  version: 3.9.0\n"
        let sealed =
            "apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata: {name: db}\n"
            + "spec: {encryptedData: {password: AgBy3i}}\n"
        let snapshot = Self.load([
            "apps/a/deployment.yaml": Self.deployment, "apps/a/secret.yaml": plain,
            "apps/b/deployment.yaml": Self.deployment, "apps/b/secret.yaml": sops,
            "apps/c/deployment.yaml": Self.deployment, "apps/c/secret.yaml": sealed,
        ])
        #expect(snapshot.invalidApps.isEmpty, "\(snapshot.invalidApps)")
        #expect(snapshot.apps.count == 3)
        let warnings = snapshot.warnings.map(\.description).filter { $0.contains("plain values") }
        #expect(
            warnings == [
                "apps/a/secret.yaml:5:3: warning: Secret db holds plain values in Git (stringData): they travel base64-encoded "
                    + "in every clone and in the ManifestWork; use a SealedSecret, SOPS or an ExternalSecret"
            ])
        // The warning names the field, never the value.
        #expect(!snapshot.warnings.map(\.description).joined().contains("hunter2"))
    }

    @Test func aHelmChartIsRefusedSayingSo() throws {
        let snapshot = Self.load([
            "apps/chart/Chart.yaml": "apiVersion: v2\nname: chart\nversion: 0.1.0\n",
            "apps/chart/templates/deployment.yaml": "metadata:\n  name: {{ .Release.Name }}\n",
        ])
        let error = try #require(snapshot.invalidApps["chart"]?.first)
        #expect(
            error.description
                == "apps/chart/Chart.yaml:1:1: Helm charts are not supported: render the chart (helm template) and commit the output"
        )
    }

    @Test func aManifestWorkOverOCMsLimitIsRefused() throws {
        let big = String(repeating: "x", count: 520_000)
        let snapshot = Self.load([
            "apps/big/configmap.yaml":
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\ndata:\n  blob: \(big)\n",
            "apps/small/configmap.yaml":
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: small\ndata:\n  blob: x\n",
        ])
        let error = try #require(snapshot.invalidApps["big"]?.first)
        #expect(error.message.contains("over OCM's ManifestWork limit of 512000"))
        #expect(snapshot.apps.map(\.name) == ["small"])
    }

    @Test func objectNamesFollowApimachineryRules() throws {
        let snapshot = Self.load([
            "apps/a/deployment.yaml": Self.deployment.replacingOccurrences(
                of: "name: web\nspec", with: "name: Web_Server\nspec"),
            "apps/b/service.yaml": "apiVersion: v1\nkind: Service\nmetadata:\n  name: web.shop\nspec: {}\n",
            "apps/c/rbac.yaml":
                "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: system:placer:reader\nrules: []\n",
            "apps/d/configmap.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web.shop.config\n",
        ])
        let deploymentError = try #require(snapshot.invalidApps["a"]?.first)
        #expect(deploymentError.line == 4)
        #expect(deploymentError.message.contains("\"Web_Server\" is not a valid Deployment name"))
        #expect(snapshot.invalidApps["b"]?.first?.message.contains("not a valid Service name") == true)
        #expect(Set(snapshot.apps.map(\.name)) == ["c", "d"])
    }

    @Test func negativeOrUnreadableRequestsAreRefusedAtTheirValue() throws {
        let negative = Self.deployment.replacingOccurrences(of: "cpu: 250m", with: "cpu: -3")
        let unreadable = Self.deployment.replacingOccurrences(
            of: "{requests: {cpu: 250m, memory: 64Mi}}",
            with: "\n                  requests:\n                    cpu: lots")
        let snapshot = Self.load(["apps/neg/deployment.yaml": negative, "apps/bad/deployment.yaml": unreadable])
        let negativeError = try #require(snapshot.invalidApps["neg"]?.first)
        #expect(negativeError.message == "cpu -3 is negative")
        #expect(negativeError.line == 14)
        let unreadableError = try #require(snapshot.invalidApps["bad"]?.first)
        #expect(unreadableError.message == "cpu \"lots\" is not a quantity")
        #expect(unreadableError.line == 16, "the value's own line, not its section's")
    }
}
