import Foundation

/// Validates any folder of Kubernetes files as plain manifests (what `placer validate` does outside an app repo).
///
/// Every `.yaml`, `.yml` and `.json` file outside hidden folders is one of:
/// - part of a Helm chart (a folder holding `Chart.yaml`): the chart is refused once, since Helm is not supported,
///   and its files are skipped, never parsed (templates are Go templates, not YAML, until rendered);
/// - a kustomization (`kustomization.yaml`, `kustomization.yml`, `Kustomization`): loaded, and a warning says to
///   render the folder with `kubectl kustomize`; the patches it names are skipped (they are not objects alone);
/// - a manifest file: loaded with ``YAMLLoader`` (errors as `path:line:column: message`, YAML 1.1 lints as
///   warnings), and every document must be a Kubernetes object (``FolderValidator/check(_:index:)``) with no
///   duplicate (apiVersion, kind, namespace, name) in the file. A note names its documents' kinds.
///
/// Pure: no file system, no processes; the same files give the same findings.
public enum FolderValidator {
    /// The basenames kustomize looks for in a folder.
    static let kustomizationNames: Set<String> = ["kustomization.yaml", "kustomization.yml", "Kustomization"]

    /// Validates a folder's files.
    /// - Parameter files: path relative to the folder → bytes (``RepoFiles/read(directory:)``).
    /// - Returns: the sorted findings and counts; never throws and never stops at a broken file.
    public static func validate(files: [String: Data]) -> FolderReport {
        let candidates = files.keys.filter(isCandidate).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        var findings: [FolderFinding] = []
        var report = FolderReport(
            findings: [], fileCount: candidates.count, loadedCount: 0, skippedCount: 0, invalidCount: 0, objectCount: 0)

        let charts = chartDirectories(in: files.keys)
        for chart in charts {
            findings.append(
                FolderFinding(
                    path: chart.isEmpty ? "." : chart, severity: .error,
                    message: "Helm charts are not supported: render the chart (helm template) and commit the output"))
        }
        var patches: [String: String] = [:]  // patch path → the kustomization naming it
        for path in candidates where kustomizationNames.contains(basename(path)) && chart(of: path, in: charts) == nil {
            guard let documents = try? YAMLLoader.load(files[path] ?? Data(), file: path) else { continue }
            for patch in patchPaths(in: documents) { patches[join(directory(of: path), patch)] = path }
        }

        for path in candidates {
            let fileFindings: [FolderFinding]
            var objects = 0
            if let chart = chart(of: path, in: charts) {
                fileFindings = [
                    FolderFinding(path: path, severity: .note, message: "skipped: \(helmRole(of: path, chart: chart))")
                ]
            } else if let kustomization = patches[path], !kustomizationNames.contains(basename(path)) {
                fileFindings = [
                    FolderFinding(
                        path: path, severity: .note,
                        message: "skipped: a kustomize patch named by \(kustomization), not an object on its own")
                ]
            } else {
                (fileFindings, objects) = validateManifestFile(path: path, data: files[path] ?? Data())
            }
            findings.append(contentsOf: fileFindings)
            if fileFindings.contains(where: { $0.severity == .error }) {
                report.invalidCount += 1
            } else if fileFindings.contains(where: { $0.message.hasPrefix("skipped: ") }) {
                report.skippedCount += 1
            } else {
                report.loadedCount += 1
                report.objectCount += objects
            }
        }
        report.findings = findings.sorted()
        return report
    }

    /// Loads one manifest file and checks its documents.
    /// - Returns: its findings (always at least one: a note, or the error that stopped the load) and its object count.
    static func validateManifestFile(path: String, data: Data) -> (findings: [FolderFinding], objects: Int) {
        let documents: [YAMLDocument]
        do {
            documents = try YAMLLoader.load(data, file: path)
        } catch let error as ModelError {
            return ([FolderFinding(error)], 0)
        } catch {
            return (
                [
                    FolderFinding(
                        path: path, position: SourcePosition(line: 1, column: 1), severity: .error,
                        message: "\(error)")
                ], 0
            )
        }
        var findings: [FolderFinding] = []
        var seen: [String: SourcePosition] = [:]
        var objects = 0
        var kustomize = kustomizationNames.contains(basename(path))
        for (index, document) in documents.enumerated() {
            findings.append(contentsOf: document.lints.map(FolderFinding.init))
            if isKustomize(document) || (kustomize && document.value["apiVersion"] == nil) {
                kustomize = true
                continue
            }
            let problems = check(document, index: index + 1)
            findings.append(contentsOf: problems)
            guard !problems.contains(where: { $0.severity == .error }) else { continue }
            objects += 1
            let identity = ManifestAppParser.identity(of: document.value)
            let here = document.position(of: "metadata.name")
            if let earlier = seen[identity] {
                findings.append(
                    FolderFinding(
                        path: path, position: here, severity: .error,
                        message: "duplicate object \(describe(document.value)) (also at line \(earlier.line))"))
            } else {
                seen[identity] = here
            }
        }
        findings.append(contentsOf: defaultNamespaceOverlaps(documents, seen: seen))
        if kustomize {
            findings.append(
                FolderFinding(
                    path: path, severity: .warning, message: "kustomization: render the folder with kubectl kustomize"))
            return (findings, 0)
        }
        findings.append(FolderFinding(path: path, severity: .note, message: contents(of: documents)))
        return (findings, objects)
    }

    /// `35 documents: 12 Deployment, 12 Service, 11 ServiceAccount` (kinds by count, then name).
    static func contents(of documents: [YAMLDocument]) -> String {
        guard !documents.isEmpty else { return "no documents (empty or comment-only file)" }
        var kinds: [String: Int] = [:]
        for document in documents { kinds[document.value["kind"]?.stringValue ?? "(no kind)", default: 0] += 1 }
        let listed = kinds.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map { "\($0.value) \($0.key)" }
        let noun = documents.count == 1 ? "document" : "documents"
        return "\(documents.count) \(noun): \(listed.joined(separator: ", "))"
    }

    /// Whether `path` is a file the validator reads: `.yaml`, `.yml` or `.json` (or `Kustomization`), not hidden.
    static func isCandidate(_ path: String) -> Bool {
        let parts = path.split(separator: "/")
        guard !parts.contains(where: { $0.hasPrefix(".") }) else { return false }
        let lowered = path.lowercased()
        return lowered.hasSuffix(".yaml") || lowered.hasSuffix(".yml") || lowered.hasSuffix(".json")
            || basename(path) == "Kustomization"
    }
}
