import Foundation

/// Everything Placer read from one revision of the app repo.
public struct RepoSnapshot: Sendable {
    /// Apps that loaded, by folder name, sorted.
    public var apps: [Application]
    /// Apps whose files have errors: folder name → errors (`file:line:column: message`).
    public var invalidApps: [String: [ModelError]]
    /// Non-fatal findings across the repo.
    public var warnings: [ModelError]
    /// Errors outside any app (policy, inventory): they stop the decision, never the apply of what is committed.
    public var repoErrors: [ModelError]
    public var policy: PlacementPolicy
    public var clusters: [ClusterSpec]
    /// Committed placement records, by app.
    public var placements: [String: PlacementRecord]
    /// Folder names of every app under `apps/`, valid or not.
    public var appDirectories: [String]
    /// Digest of the decision inputs (every file outside placements/ and rendered/), hex SHA-256.
    public var inputsDigest: String
    /// What was read but not used, and is no error: a Git submodule outside `apps/`, `policies/` and `clusters/`.
    public var notes: [ModelError] = []
    /// Per app whose parse depends on its own folder only (no kustomize), the hex SHA-256 of its files
    /// (``ParsedAppCache``): equal keys, equal app. What the renderer keys its reuse of unchanged ManifestWorks on.
    public var appKeys: [String: String] = [:]
    /// Hex SHA-256 of the policy files (`policies/`): a change is a full pass for the reconciler.
    public var policyDigest = ""
    /// Whether the tree has an `apps/` folder at all (an emptied repo stalls the loop; see the Reconciler).
    public var hasAppsFolder = false

    /// All errors: the invalid apps' and the repo's.
    public var allErrors: [ModelError] {
        (repoErrors + invalidApps.keys.sorted().flatMap { invalidApps[$0] ?? [] })
    }
}

/// Loads a ``RepoSnapshot`` from the files of a tree.
public enum RepoLoader {
    /// Loads a repository tree: the one load behind `plan`, `reconcile` and `placer validate`.
    ///
    /// The tree's entries are read by the one rule for Git trees and folders on disk (symlinks followed inside the
    /// repository; symlinks leaving it, Git LFS pointers and submodules refused), then loaded as
    /// ``load(files:presets:kustomize:refusedFiles:)`` does. A refused entry under `apps/<app>/` makes that app
    /// Invalid, as does a kustomization that names a path inside a submodule; a submodule outside `apps/`,
    /// `policies/` and `clusters/` is a note (nothing reads it); any other refused entry is a repo error.
    ///
    /// - Parameters:
    ///   - tree: the repository tree (from Git, or ``RepoTree/read(directory:)``).
    ///   - presets: preset name → bytes of Placer's shipped `policies/<name>.yaml`.
    ///   - kustomize: renders `apps/<app>/kustomization.yaml` folders; `nil` refuses them.
    /// - Returns: the snapshot; errors are collected in it, never thrown.
    public static func load(
        tree: RepoTree, presets: [String: Data] = [:], kustomize: KustomizeRenderer? = KustomizeRenderer()
    ) -> RepoSnapshot {
        var cache = ParsedAppCache()
        return load(tree: tree, presets: presets, kustomize: kustomize, cache: &cache)
    }

    /// Loads a repository tree as ``load(tree:presets:kustomize:)`` does, reusing the parses in `cache` for apps and
    /// placement records whose files did not change and storing the new ones: the result is the one a load without
    /// a cache gives (the property the reconciler's incremental path rests on).
    /// - Parameters:
    ///   - tree: the repository tree.
    ///   - presets: preset name → bytes of Placer's shipped `policies/<name>.yaml`.
    ///   - kustomize: renders `apps/<app>/kustomization.yaml` folders; `nil` refuses them.
    ///   - cache: parses from earlier loads; updated to hold exactly this tree's.
    /// - Returns: the snapshot; errors are collected in it, never thrown.
    public static func load(
        tree: RepoTree, presets: [String: Data] = [:], kustomize: KustomizeRenderer? = KustomizeRenderer(),
        cache: inout ParsedAppCache
    ) -> RepoSnapshot {
        let read = TreeReader.read(tree)
        let files = read.files
        var refused = read.refused
        var notes: [ModelError] = []
        for path in tree.submodulePaths where !RepoLayout.isInput(path) {
            refused.removeValue(forKey: path)
            notes.append(
                ModelError(
                    file: path, line: 1,
                    message: "a Git submodule outside apps/, policies/ and clusters/: not fetched and not read",
                    severity: .note))
        }
        var snapshot = load(
            files: files, presets: presets, kustomize: kustomize, refusedFiles: refused,
            submodules: tree.submodulePaths,
            cache: &cache)
        snapshot.notes = notes
        return snapshot
    }

    /// - Parameters:
    ///   - files: repository-relative path → bytes (a Git tree or a folder on disk).
    ///   - presets: preset name → bytes of Placer's shipped `policies/<name>.yaml`.
    /// - Returns: the snapshot; errors are collected in it, never thrown, so one broken app never hides the others.
    ///   - kustomize: renders `apps/<app>/kustomization.yaml` folders; `nil` refuses them.
    ///   - refusedFiles: path → reason for entries the tree holds but Placer will not read (a symlink leaving the
    ///     repo, a Git LFS pointer, a submodule). One under `apps/<app>/` makes that app Invalid; one elsewhere is
    ///     a repo error.
    public static func load(
        files: [String: Data], presets: [String: Data] = [:], kustomize: KustomizeRenderer? = KustomizeRenderer(),
        refusedFiles: [String: String] = [:]
    ) -> RepoSnapshot {
        var cache = ParsedAppCache()
        return load(
            files: files, presets: presets, kustomize: kustomize, refusedFiles: refusedFiles, submodules: [],
            cache: &cache)
    }

    static func load(
        files: [String: Data], presets: [String: Data], kustomize: KustomizeRenderer?, refusedFiles: [String: String],
        submodules: [String], cache: inout ParsedAppCache
    ) -> RepoSnapshot {
        cache.beginLoad()
        var nextApps: [String: ParsedAppCache.AppEntry] = [:]
        var nextRecords: [String: ParsedAppCache.RecordEntry] = [:]
        var appKeys: [String: String] = [:]
        var warnings: [ModelError] = []
        var repoErrors: [ModelError] = []
        var apps: [Application] = []
        var invalid: [String: [ModelError]] = [:]

        var appFiles: [String: [String]] = [:]
        for path in Set(files.keys).union(refusedFiles.keys) where path.hasPrefix(RepoLayout.appsDirectory + "/") {
            let parts = path.split(separator: "/")
            // apps/<name> itself can be refused (a submodule standing in for the whole app folder).
            guard parts.count >= 3 || (parts.count == 2 && refusedFiles[path] != nil) else { continue }
            appFiles[String(parts[1]), default: []].append(path)
        }
        for (path, reason) in refusedFiles.sorted(by: { $0.key < $1.key })
        where !path.hasPrefix(RepoLayout.appsDirectory + "/") {
            if !RepoLayout.isOutput(path) { repoErrors.append(ModelError(file: path, line: 1, message: reason)) }
        }
        for name in appFiles.keys.sorted() {
            let paths = appFiles[name, default: []].sorted()
            if let refused = paths.first(where: { refusedFiles[$0] != nil }) {
                invalid[name] = [ModelError(file: refused, line: 1, message: refusedFiles[refused] ?? "refused")]
                continue
            }
            let folder = "\(RepoLayout.appsDirectory)/\(name)"
            let kustomized = paths.contains {
                KustomizeRenderer.fileNames.contains(String($0.dropFirst(folder.count + 1)))
            }
            let key = kustomized ? nil : Digest.sha256(paths: paths, in: files)
            if let key, let entry = cache.apps[name], entry.key == key {
                // The same files as a load before: the same parse (app or errors, and its warnings).
                cache.hit()
                nextApps[name] = entry
                appKeys[name] = key
                warnings.append(contentsOf: entry.warnings)
                if let app = entry.app { apps.append(app) } else { invalid[name] = entry.errors }
                continue
            }
            if key != nil { cache.miss() }
            let warningsBefore = warnings.count
            defer {
                if let key {
                    nextApps[name] = ParsedAppCache.AppEntry(
                        key: key, app: apps.last.flatMap { $0.name == name ? $0 : nil }, errors: invalid[name] ?? [],
                        warnings: Array(warnings[warningsBefore...]))
                    appKeys[name] = key
                }
            }
            do {
                guard NameCheck.isDNS1123Label(name) else {
                    throw ModelError(
                        file: "apps/\(name)", line: 1,
                        message: "app folder name \"\(name)\" is not a valid Kubernetes name")
                }
                let app = try loadApp(
                    name: name, paths: paths, files: files, kustomize: kustomize, submodules: submodules,
                    warnings: &warnings)
                try checkManifestWorkSize(app)
                apps.append(app)
            } catch let error as ModelError {
                invalid[name] = [error]
            } catch {
                invalid[name] = [ModelError(file: "apps/\(name)", line: 1, message: "\(error)")]
            }
        }

        var policy = PlacementPolicy()
        let policyPaths = files.keys.filter {
            $0.hasPrefix(RepoLayout.policiesDirectory + "/") && RepoLayout.isManifestFile($0)
        }.sorted()
        for path in policyPaths {
            do {
                for document in try YAMLLoader.load(files[path] ?? Data(), file: path) {
                    if let preset = document.value["spec"]?["preset"]?.stringValue {
                        guard let bytes = presets[preset] else {
                            throw document.error(
                                at: "spec.preset",
                                "unknown preset \"\(preset)\" (shipped: \(presets.keys.sorted().joined(separator: ", ")))"
                            )
                        }
                        for presetDocument in try YAMLLoader.load(bytes, file: "preset:\(preset)") {
                            try policy.apply(presetDocument)
                        }
                    }
                    try policy.apply(document)
                }
            } catch let error as ModelError {
                repoErrors.append(error)
            } catch {
                repoErrors.append(ModelError(file: path, line: 1, message: "\(error)"))
            }
        }
        if policyPaths.isEmpty, let bytes = presets["balanced"],
            let documents = try? YAMLLoader.load(bytes, file: "preset:balanced")
        {
            for document in documents { try? policy.apply(document) }
        }

        var clusters: [ClusterSpec] = []
        for path in files.keys.filter({
            $0.hasPrefix(RepoLayout.clustersDirectory + "/") && RepoLayout.isManifestFile($0)
        }).sorted() {
            do {
                for document in try YAMLLoader.load(files[path] ?? Data(), file: path) {
                    clusters.append(try InventoryParser.parse(document))
                }
            } catch let error as ModelError {
                repoErrors.append(error)
            } catch {
                repoErrors.append(ModelError(file: path, line: 1, message: "\(error)"))
            }
        }

        var placements: [String: PlacementRecord] = [:]
        for path in files.keys.sorted()
        where path.hasPrefix(RepoLayout.placementsDirectory + "/") && path.hasSuffix(".yaml") {
            let bytes = files[path] ?? Data()
            let key = Digest.sha256(bytes)
            if let entry = cache.records[path], entry.key == key {
                cache.hit()
                nextRecords[path] = entry
                if let record = entry.record { placements[record.app] = record }
                if let warning = entry.warning { warnings.append(warning) }
                continue
            }
            cache.miss()
            do {
                guard let document = try YAMLLoader.load(files[path] ?? Data(), file: path).first else {
                    throw ModelError(file: path, line: 1, message: "empty file")
                }
                let record = try PlacementRecord.parse(document)
                placements[record.app] = record
                nextRecords[path] = ParsedAppCache.RecordEntry(key: key, record: record, warning: nil)
            } catch {
                // The reconcile decides the app anew and rewrites the file; the position says what was wrong.
                var finding = (error as? ModelError) ?? ModelError(file: path, line: 1, message: "\(error)")
                finding.message += ": unreadable placement record ignored"
                finding.severity = .warning
                warnings.append(finding)
                nextRecords[path] = ParsedAppCache.RecordEntry(key: key, record: nil, warning: finding)
            }
        }
        cache.apps = nextApps
        cache.records = nextRecords
        // Everything but Placer's own outputs is an input: a kustomization may use bases outside apps/.
        let inputs = files.filter { path, _ in !RepoLayout.isOutput(path) }
        var snapshot = RepoSnapshot(
            apps: apps, invalidApps: invalid, warnings: warnings, repoErrors: repoErrors, policy: policy,
            clusters: clusters.sorted { $0.name < $1.name }, placements: placements,
            appDirectories: appFiles.keys.sorted(), inputsDigest: Digest.sha256(files: inputs))
        snapshot.appKeys = appKeys
        snapshot.policyDigest = Digest.sha256(
            files: files.filter { $0.key.hasPrefix(RepoLayout.policiesDirectory + "/") })
        snapshot.hasAppsFolder = files.keys.contains { $0.hasPrefix(RepoLayout.appsDirectory + "/") }
        return snapshot
    }

    /// OCM's ManifestWork webhook refuses more than 512000 bytes of manifests (CONTRACT.md §2).
    public static let manifestWorkLimitBytes = 512_000

    private static func checkManifestWorkSize(_ app: Application) throws {
        let bytes = app.manifests.reduce(0) { $0 + $1.canonicalJSONData().count }
        guard bytes <= manifestWorkLimitBytes else {
            throw ModelError(
                file: app.sourceFile, line: 1,
                message:
                    "the app's manifests take \(bytes) bytes, over OCM's ManifestWork limit of \(manifestWorkLimitBytes)"
            )
        }
    }

    private static func loadApp(
        name: String, paths: [String], files: [String: Data], kustomize: KustomizeRenderer?, submodules: [String],
        warnings: inout [ModelError]
    ) throws -> Application {
        let folder = "\(RepoLayout.appsDirectory)/\(name)"
        var own: [String: Data] = [:]
        for path in paths { own[path] = files[path] }
        let fileDigest = Digest.sha256(files: own)
        if paths.contains("\(folder)/Chart.yaml") {
            throw ModelError(
                file: "\(folder)/Chart.yaml", line: 1,
                message: "Helm charts are not supported: render the chart (helm template) and commit the output")
        }
        if let kustomization = paths.first(where: {
            KustomizeRenderer.fileNames.contains(String($0.dropFirst(folder.count + 1)))
        }) {
            try KustomizationCheck.rejectSubmodules(
                kustomization: kustomization, data: files[kustomization] ?? Data(), submodules: submodules)
            guard let kustomize else {
                throw ModelError(file: kustomization, line: 1, message: "kustomize rendering is not enabled")
            }
            let rendered = try kustomize.render(directory: folder, files: files)
            let documents = try YAMLLoader.load(rendered, file: "\(kustomization) (rendered)")
            let digest = Application.contentDigest(of: documents)
            return try ManifestAppParser.parse(
                documents, directoryName: name, sourceDigest: digest, warnings: &warnings)
        }
        let manifestPaths = paths.filter(RepoLayout.isManifestFile)
        var documents: [YAMLDocument] = []
        for path in manifestPaths {
            documents.append(contentsOf: try YAMLLoader.load(files[path] ?? Data(), file: path))
        }
        warnings.append(contentsOf: documents.flatMap(\.lints))
        // What the app says, not how its files are named or laid out: a rename or a comment is no new decision.
        let digest = documents.isEmpty ? fileDigest : Application.contentDigest(of: documents)
        let codeco = documents.filter { $0.value["kind"]?.stringValue == CodecoAppParser.kind }
        guard let appDocument = codeco.first else {
            return try ManifestAppParser.parse(
                documents, directoryName: name, sourceDigest: digest, warnings: &warnings)
        }
        if codeco.count > 1 {
            throw codeco[1].error(
                at: "",
                "more than one CodecoApp in apps/\(name) (first at \(appDocument.file):\(appDocument.position(of: "").line))"
            )
        }
        var app = try CodecoAppParser.parse(appDocument, directoryName: name, sourceDigest: digest, warnings: &warnings)
        let extra = documents.filter { $0.value["kind"]?.stringValue != CodecoAppParser.kind }
        if !extra.isEmpty {
            var ignored: [ModelError] = []
            let plain = try ManifestAppParser.parse(
                extra, directoryName: name, sourceDigest: digest, warnings: &ignored)
            // A manifest written next to the CodecoApp that has the identity of one Placer generates replaces it:
            // the author's object wins, and one ManifestWork never carries two copies.
            let documentByIdentity = Dictionary(
                extra.map { (ManifestAppParser.identity(of: $0.value), $0) }, uniquingKeysWith: { first, _ in first })
            for manifest in plain.manifests {
                guard let document = documentByIdentity[ManifestAppParser.identity(of: manifest)] else { continue }
                if let index = app.manifests.firstIndex(where: {
                    ManifestAppParser.identity(of: $0) == ManifestAppParser.identity(of: manifest)
                }) {
                    app.manifests[index] = manifest
                    warnings.append(
                        document.error(
                            at: "metadata.name",
                            "replaces the \(manifest["kind"]?.stringValue ?? "object") Placer generates from the CodecoApp",
                            severity: .warning))
                } else {
                    app.manifests.append(manifest)
                }
            }
            app.cpuCores += plain.cpuCores
            app.memoryBytes += plain.memoryBytes
            app.objectSources.merge(plain.objectSources) { _, written in written }
        }
        return app
    }
}
