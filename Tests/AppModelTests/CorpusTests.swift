import Foundation
import Testing

@testable import AppModel

/// The shared corpus of 31 real-world Kubernetes files (`../shared/corpus`, see its README): Placer's folder
/// validation over it is pinned byte for byte by `Golden/validate-corpus.txt`.
///
/// Set `PLACER_UPDATE_GOLDEN=1` to rewrite the golden file instead of comparing; review the diff by eye.
@Suite struct CorpusTests {
    static let corpus = Fixtures.packageRoot.deletingLastPathComponent().appendingPathComponent("shared/corpus")
    static let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Golden/validate-corpus.txt")

    static func files() throws -> [String: Data] {
        try RepoFiles.read(directory: corpus.path)
    }

    static func report() throws -> FolderReport {
        FolderValidator.validate(files: try files())
    }

    /// The corpus files the README lists (every `.yaml`, `.yml`, `.json`).
    static func manifestPaths() throws -> [String] {
        try files().keys.filter(FolderValidator.isCandidate).sorted()
    }

    @Test func outputMatchesGolden() throws {
        let rendered = try Self.report().rendered()
        if ProcessInfo.processInfo.environment["PLACER_UPDATE_GOLDEN"] == "1" {
            try FileManager.default.createDirectory(
                at: Self.golden.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(rendered.utf8).write(to: Self.golden)
            return
        }
        let expected = try String(contentsOf: Self.golden, encoding: .utf8)
        if rendered != expected {
            let got = rendered.split(separator: "\n", omittingEmptySubsequences: false)
            let want = expected.split(separator: "\n", omittingEmptySubsequences: false)
            let first = (0..<min(got.count, want.count)).first { got[$0] != want[$0] } ?? min(got.count, want.count)
            let gotLine = first < got.count ? String(got[first]) : "<end>"
            let wantLine = first < want.count ? String(want[first]) : "<end>"
            Issue.record(
                """
                corpus validation differs from Golden/validate-corpus.txt at line \(first + 1):
                  golden: \(wantLine)
                  now:    \(gotLine)
                (run with PLACER_UPDATE_GOLDEN=1 to accept, then review the diff)
                """)
        }
    }

    @Test func everyCorpusFileIsReportedAndNothingIsDropped() throws {
        let paths = try Self.manifestPaths()
        #expect(paths.count == 31, "the corpus README lists 31 files")
        let report = try Self.report()
        #expect(report.fileCount == 31)
        #expect(report.loadedCount + report.skippedCount + report.invalidCount == 31)
        for path in paths {
            let mentions = report.findings.filter { $0.path == path }
            // Each file gets a note (its documents, or why it was skipped), a warning or an error with a position.
            let accounted =
                mentions.contains { $0.severity == .note || ($0.severity == .error && $0.position != nil) }
                || mentions.contains { $0.message.hasPrefix("kustomization:") }
            #expect(accounted, "\(path) is not accounted for: \(mentions.map(\.description))")
        }
        #expect(report.rendered().hasSuffix("\(report.summary)\n"))
    }

    @Test func argoRedisDefaultModeIsOctal493AndLinted() throws {
        let path = "argo-cd/manifests/ha/base/redis-ha/chart/upstream.yaml"
        let data = try #require(try Self.files()[path])
        let documents = try YAMLLoader.load(data, file: path)
        let modes = documents.flatMap { collect("defaultMode", in: $0.value) }
        #expect(!modes.isEmpty)
        #expect(modes.allSatisfy { $0 == .number("493") }, "defaultMode values: \(modes)")
        let text = try #require(String(data: data, encoding: .utf8))
        let line = try #require(lineOf("defaultMode: 0755", in: text))
        let lint = documents.flatMap(\.lints).first { $0.line == line }
        #expect(lint?.message == "unquoted 0755 reads as number 493 under YAML 1.1; quote it if you mean the string")
        #expect(lint?.severity == .warning)
        let sourceLine = text.split(separator: "\n", omittingEmptySubsequences: false)[line - 1]
        let octal = try #require(sourceLine.range(of: "0755"))
        #expect(lint?.column == sourceLine.distance(from: sourceLine.startIndex, to: octal.lowerBound) + 1)
        let findings = try Self.report().findings.filter { $0.path == path && $0.position?.line == line }
        #expect(findings.map(\.severity) == [.warning])
    }

    @Test func ocmNetworkPolicyAnchorExpandsIntoBothAliases() throws {
        let path = "ocm/manifests/cluster-manager/hub/networkpolicies/03-hub-ns-intra-namespace.yaml"
        let data = try #require(try Self.files()[path])
        let document = try #require(try YAMLLoader.load(data, file: path).first)
        let selector = try #require(document.value[path: "spec.podSelector"])
        #expect(selector["matchExpressions"]?.arrayValue?.first?["values"]?.arrayValue?.count == 8)
        let ingress = document.value[path: "spec.ingress"]?.arrayValue?.first?["from"]?.arrayValue?.first?[
            "podSelector"]
        let egress = document.value[path: "spec.egress"]?.arrayValue?.first?["to"]?.arrayValue?.first?["podSelector"]
        #expect(ingress == selector)
        #expect(egress == selector)
        // The unquoted `{{ .ClusterManagerNamespace }}` is a nested flow mapping, so the namespace is refused precisely.
        let findings = try Self.report().findings.filter { $0.path == path }
        #expect(
            findings.contains {
                $0.position?.line == 9 && $0.message.hasPrefix("metadata.namespace must be a string, found a mapping")
            })
    }

    @Test func tabIndentedJSONLoadsAndIsRefusedOnlyAsNotAnObject() throws {
        let path = "kubeedge-examples/security-demo/release/app-binaries/cloud/test-device.yaml"
        let data = try #require(try Self.files()[path])
        #expect(data.contains(UInt8(ascii: "\t")))
        let documents = try YAMLLoader.load(data, file: path)
        try #require(documents.count == 1)
        let device = documents[0].value["added_devices"]?.arrayValue?.first
        #expect(device?["id"] == .string("testdevice"))
        #expect(device?["Power_Status"] == .string("ON"))
        let findings = try Self.report().findings.filter { $0.path == path && $0.severity == .error }
        #expect(
            findings.map(\.description) == [
                "\(path):1:1: document 1 is not a Kubernetes object: no apiVersion or kind (keys: added_devices)"
            ])
    }

    @Test func partiallyValidSecondDocumentHasAPreciseError() throws {
        let path = "argo-cd/reposerver/repository/testdata/partially-valid-yaml/partially-valid.yaml"
        let errors = try Self.report().findings.filter { $0.path == path && $0.severity == .error }
        #expect(
            errors.contains {
                $0.description
                    == "\(path):4:1: document 2 is not a Kubernetes object: no apiVersion or kind (keys: invalid)"
            }, "\(errors.map(\.description))")
        // The first document (a ConfigMap without metadata) is refused too, at its own line.
        #expect(errors.contains { $0.position?.line == 1 && $0.message.contains("has no metadata.name") })
    }

    @Test func sameNameInOtherNamespacesIsNoDuplicate() throws {
        let path = "argo-cd/test/e2e/testdata/duplicated-resources/duplicates-namespaced.yaml"
        let data = try #require(try Self.files()[path])
        let documents = try YAMLLoader.load(data, file: path)
        // What the file holds: a CRD, then Dummy dummy-crd-instance in default, in kube-system, and without namespace.
        #expect(
            documents.map { $0.value["metadata"]?["namespace"]?.stringValue } == [nil, "default", "kube-system", nil])
        #expect(Set(documents.dropFirst().map { $0.value[path: "metadata.name"] }) == [.string("dummy-crd-instance")])
        let findings = try Self.report().findings.filter { $0.path == path }
        #expect(!findings.contains { $0.severity == .error }, "\(findings.map(\.description))")
        // The one without a namespace is the same object as the `default` one if applied to namespace default.
        #expect(findings.contains { $0.severity == .warning && $0.message.contains("applied to namespace default") })
    }

    @Test func aRealDuplicateIsAnErrorNamingBothLines() throws {
        let yaml =
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n"
        let report = FolderValidator.validate(files: ["x.yaml": Data(yaml.utf8)])
        #expect(
            report.findings.map(\.description).contains("x.yaml:9:9: duplicate object ConfigMap a (also at line 4)"))
        #expect(report.invalidCount == 1)
    }

    @Test func helmChartIsRefusedOnceAndItsTemplatesAreNotParsed() throws {
        let report = try Self.report()
        let chart = "microservices-demo/helm-chart"
        let refusals = report.findings.filter { $0.message.hasPrefix("Helm charts are not supported") }
        #expect(refusals.map(\.path) == ["edgex-examples/deployment/helm", chart])
        #expect(refusals.allSatisfy { $0.severity == .error && $0.position == nil })
        let template = report.findings.filter { $0.path == "\(chart)/templates/frontend.yaml" }
        #expect(template.count == 1)
        #expect(template.first?.message.hasPrefix("skipped: Helm template") == true)
        #expect(
            report.findings.contains {
                $0.path == "\(chart)/values.yaml" && $0.message.hasPrefix("skipped: Helm values")
            })
    }

    @Test func utf16CRLFAndOddInputsNeverCrash() throws {
        var utf16 = Data([0xFF, 0xFE])
        utf16.append(
            "apiVersion: v1\r\nkind: ConfigMap\r\nmetadata:\r\n  name: on\r\n".data(using: .utf16LittleEndian) ?? Data()
        )
        let files: [String: Data] = [
            "utf16.yaml": utf16, "empty.yaml": Data(), "binary.json": Data([0xFF, 0x00, 0xC3]),
            "list.yml": Data("- a\n- b\n".utf8), "tpl.yaml": Data("{{- if .Values.x }}\nkind: {{ .Kind }}\n".utf8),
        ]
        let report = FolderValidator.validate(files: files)
        #expect(report.fileCount == 5)
        let lines = report.findings.map(\.description)
        #expect(
            lines.contains(
                "utf16.yaml:4:9: warning: unquoted on reads as bool true under YAML 1.1; quote it if you mean the string"
            ))
        #expect(lines.contains("utf16.yaml:4:9: metadata.name must be a string, found a boolean"))
        #expect(lines.contains("empty.yaml: note: no documents (empty or comment-only file)"))
        #expect(lines.contains { $0.hasPrefix("binary.json:1:1: file is neither UTF-8") })
        #expect(lines.contains("list.yml:1:1: document 1 is not a Kubernetes object: a list, not a mapping"))
        #expect(lines.contains { $0.hasPrefix("tpl.yaml:") && $0.contains("invalid YAML") })
    }
}

/// Every value of member `key` anywhere in `value`.
private func collect(_ key: String, in value: Value) -> [Value] {
    switch value {
    case let .object(pairs):
        return pairs.flatMap { $0.0 == key ? [$0.1] + collect(key, in: $0.1) : collect(key, in: $0.1) }
    case let .array(items): return items.flatMap { collect(key, in: $0) }
    default: return []
    }
}
