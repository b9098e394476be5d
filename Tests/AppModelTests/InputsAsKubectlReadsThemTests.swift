import Foundation
import Testing

@testable import AppModel

/// Issue 16, items 5 and 6: manifests are read as kubectl reads them. Text that looks like a template inside a
/// string is data; an unquoted YAML 1.1 boolean or number in a string-typed field is refused at its line.
@Suite struct InputsAsKubectlReadsThemTests {
    static let corpus = Fixtures.packageRoot.deletingLastPathComponent().appendingPathComponent("shared/corpus")

    static func load(_ files: [String: String]) -> RepoSnapshot {
        RepoLoader.load(files: files.mapValues { Data($0.utf8) }, kustomize: nil)
    }

    /// An excerpt of Argo CD's notifications catalog (`notifications_catalog/install.yaml`): Go templates inside
    /// `data` strings, which Argo CD's notifications controller renders on the cluster.
    static let notificationsCatalog = """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: argocd-notifications-cm
        data:
          template.app-created: |
            email:
              subject: Application {{.app.metadata.name}} has been created.
            message: Application {{.app.metadata.name}} has been created.
            teams:
              title: Application {{.app.metadata.name}} has been created.
          template.app-deployed: |
            message: |
              {{if eq .serviceType "slack"}}:white_check_mark:{{end}} Application {{.app.metadata.name}} is now running new version of deployments manifests.
          trigger.on-created: |
            - description: Application is created.
              oncePer: app.metadata.name
              send:
              - app-created
              when: "true"

        """

    /// The corpus's Flux HelmRelease with a value that Helm charts commonly pass through `tpl`.
    static func helmRelease() throws -> String {
        let url = corpus.appendingPathComponent("flux2-kustomize-helm-example/apps/base/podinfo/release.yaml")
        let text = try String(contentsOf: url, encoding: .utf8)
        #expect(text.contains("    redis:\n"))
        return text.replacingOccurrences(
            of: "    redis:\n", with: "    existingSecret: \"{{ .Release.Name }}-secret\"\n    redis:\n")
    }

    // MARK: item 5

    @Test func templatesInsideStringValuesAreData() throws {
        let snapshot = Self.load([
            "apps/notifications/argocd-notifications-cm.yaml": Self.notificationsCatalog,
            "apps/podinfo/release.yaml": try Self.helmRelease(),
        ])
        #expect(snapshot.invalidApps.isEmpty, "\(snapshot.invalidApps)")
        #expect(snapshot.apps.map(\.name) == ["notifications", "podinfo"])
        let folder = FolderValidator.validate(files: [
            "cm.yaml": Data(Self.notificationsCatalog.utf8), "release.yaml": Data(try Self.helmRelease().utf8),
        ])
        #expect(folder.errorCount == 0, "\(folder.rendered())")
        // Annotations, args and env values are data too.
        let annotated = AppFolderTests.deployment
            .replacingOccurrences(
                of: "  name: web\nspec", with: "  name: web\n  annotations:\n    note: \"{{ owner }}\"\nspec"
            )
            .replacingOccurrences(
                of: "image: nginx:1.27", with: "image: nginx:1.27\n        args: [\"--greeting={{ .Name }}\"]")
        #expect(Self.load(["apps/web/d.yaml": annotated]).invalidApps.isEmpty)
    }

    @Test func templatesWhereTheyMakeTheManifestInvalidAreStillRefused() throws {
        // A non-string field: unquoted, `{{.Replica}}` is a mapping used as a key, which kubectl refuses to read.
        let replicas = AppFolderTests.deployment.replacingOccurrences(of: "replicas: 2", with: "replicas: {{.Replica}}")
        let error = try #require(Self.load(["apps/web/d.yaml": replicas]).invalidApps["web"]?.first)
        #expect(
            error.description
                == "apps/web/d.yaml:\(lineOf("replicas:", in: replicas) ?? 0):13: unrendered template placeholder: render it before committing"
        )
        // Quoted, it is a string where a number belongs.
        let quoted = AppFolderTests.deployment.replacingOccurrences(
            of: "replicas: 2", with: "replicas: \"{{.Replica}}\"")
        #expect(Self.load(["apps/web/d.yaml": quoted]).invalidApps["web"]?.first?.message.contains("template") == true)
        // Names, namespaces, images and label values have formats the API server checks.
        let label = AppFolderTests.deployment.replacingOccurrences(
            of: "labels: {app: web}", with: "labels: {app: \"{{ .App }}\"}")
        let labelError = try #require(Self.load(["apps/web/d.yaml": label]).invalidApps["web"]?.first)
        #expect(labelError.line == lineOf("{{ .App }}", in: label))
        // A Helm chart's templates are refused with the chart.
        let chart = Self.load([
            "apps/chart/Chart.yaml": "apiVersion: v2\nname: chart\nversion: 0.1.0\n",
            "apps/chart/templates/deployment.yaml": "metadata:\n  name: {{ .Release.Name }}\n",
        ])
        #expect(chart.invalidApps["chart"]?.first?.message.hasPrefix("Helm charts are not supported") == true)
        // A file that does not parse is refused where the parser stops.
        let broken = Self.load(["apps/tpl/x.yaml": "{{- if .Values.x }}\nkind: {{ .Kind }}\n"])
        #expect(broken.invalidApps["tpl"]?.first?.message.hasPrefix("invalid YAML") == true)
    }

    // MARK: item 6

    static let configMap = """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: shop-settings
        data:
          currency: NOK
          country: NO

        """

    @Test func norwayInAConfigMapIsRefusedAtItsLine() throws {
        let snapshot = Self.load([
            "apps/shop/settings.yaml": Self.configMap,
            "apps/web/d.yaml": AppFolderTests.deployment,
        ])
        let error = try #require(snapshot.invalidApps["shop"]?.first)
        #expect(
            error.description == "apps/shop/settings.yaml:7:12: data.country: value resolves to a boolean; quote it")
        // The other app carries on.
        #expect(snapshot.apps.map(\.name) == ["web"])
        // Quoted, it is the string it means.
        let quoted = Self.load([
            "apps/shop/settings.yaml": Self.configMap.replacingOccurrences(of: "country: NO", with: "country: \"NO\"")
        ])
        #expect(quoted.invalidApps.isEmpty)
        #expect(quoted.apps.first?.manifests.first?[path: "data.country"] == .string("NO"))
        // The folder validator refuses it too.
        let folder = FolderValidator.validate(files: ["settings.yaml": Data(Self.configMap.utf8)])
        #expect(
            folder.findings.map(\.description).contains(
                "settings.yaml:7:12: data.country: value resolves to a boolean; quote it"))
    }

    @Test(arguments: [
        ("label", "metadata:\n  name: web\n  labels:\n    canary: yes\n", "metadata.labels.canary", "boolean"),
        (
            "annotation", "metadata:\n  name: web\n  annotations:\n    prometheus.io/port: 8080\n",
            "metadata.annotations.prometheus.io/port", "number"
        ),
        ("secret", "metadata:\n  name: web\nstringData:\n  enabled: on\n", "stringData.enabled", "boolean"),
    ])
    func stringTypedFieldsRefuseOtherTypes(label: String, body: String, field: String, type: String) throws {
        let kind = label == "secret" ? "Secret" : "ConfigMap"
        let yaml = "apiVersion: v1\nkind: \(kind)\n" + body
        let error = try #require(Self.load(["apps/x/x.yaml": yaml]).invalidApps["x"]?.first, "\(label)")
        #expect(error.message == "\(field): value resolves to a \(type); quote it", "\(label)")
        #expect(error.line == 6, "\(label)")
    }

    @Test func envValuesOfPodTemplatesAreStrings() throws {
        let yaml = AppFolderTests.deployment.replacingOccurrences(
            of: "image: nginx:1.27",
            with: "image: nginx:1.27\n        env:\n        - name: DEBUG\n          value: off")
        let error = try #require(Self.load(["apps/web/d.yaml": yaml]).invalidApps["web"]?.first)
        #expect(error.message == "spec.template.spec.containers[0].env[0].value: value resolves to a boolean; quote it")
        #expect(error.line == lineOf("value: off", in: yaml))
        // A boolean where the schema wants one stays accepted.
        let typed = AppFolderTests.deployment.replacingOccurrences(
            of: "spec:\n  replicas", with: "spec:\n  paused: no\n  replicas")
        #expect(Self.load(["apps/web/d.yaml": typed]).invalidApps.isEmpty)
    }
}
