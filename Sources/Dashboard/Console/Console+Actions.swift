import AppModel
import Foundation
import GitStore
import Hummingbird
import Reconciler

// The actions: each is one Git commit authored by the signed-in user, made through the reconciler's own Git
// code (never a write to the hub); in `--mode propose` it goes to the proposal branch.

extension PlacerConsole {
    /// A folder name under apps/: a DNS-1123 label, as a ManifestWork name must be.
    static func isAppName(_ name: String) -> Bool {
        name.range(of: #"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$"#, options: .regularExpression) != nil
    }

    static func signature(_ user: ConsoleUser) -> GitSignature {
        GitSignature(name: user.name, email: user.email, date: Date())
    }

    /// `POST /apps` (`name`, `yaml`): validates the app with the loader `placer validate` uses, then commits
    /// `apps/<name>/app.yaml`. Errors are shown inline at file:line, and nothing is committed.
    func deploy(
        _ request: Request, _ form: [String: String], _ identity: Identity, _ user: ConsoleUser
    ) async throws
        -> Response
    {
        let name = (form["name"] ?? "").trimmingCharacters(in: .whitespaces)
        let yaml = (form["yaml"] ?? "").replacingOccurrences(of: "\r\n", with: "\n")
        func refuse(_ errors: [String]) -> Response {
            if Self.wantsJSON(request) || identity.bearer {
                return json(
                    Message(status: "invalid", message: "not committed", errors: errors), status: .unprocessableContent)
            }
            return deployPage(identity, name: name, yaml: yaml, errors: errors)
        }
        guard Self.isAppName(name) else {
            return refuse(["name: \(name) is not a folder name (lower-case letters, digits and -, at most 63)"])
        }
        guard !yaml.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return refuse(["yaml: empty"]) }
        let folder = "\(RepoLayout.appsDirectory)/\(name)/"
        let path = folder + "app.yaml"
        let (_, files) = try await reconciler.tipFiles()
        if files.keys.contains(where: { $0.hasPrefix(folder) }) {
            return refuse(["\(folder) already exists; edit it in Git"])
        }
        var withApp = files
        withApp[path] = Data(yaml.utf8)
        let candidate = withApp
        let presets = reconciler.configuration.presets
        // Loading may run `kubectl kustomize` (a child process): off the cooperative pool's request path.
        let snapshot = await Task.detached { RepoLoader.load(files: candidate, presets: presets) }.value
        var errors: [String] = []
        for error in (snapshot.invalidApps[name] ?? []) + snapshot.allErrors.filter({ $0.file.hasPrefix(folder) })
        where !errors.contains(error.description) {
            errors.append(error.description)
        }
        if errors.isEmpty, !snapshot.apps.contains(where: { $0.name == name }) {
            errors.append("\(path): not loaded as an app (a CodecoApp or Kubernetes manifests with a workload)")
        }
        guard errors.isEmpty else { return refuse(errors) }
        let data = Data(yaml.utf8)
        let message = """
            Deploy \(name)

            Added apps/\(name)/app.yaml from the Placer console; Placer places it on its next reconcile.

            """
        let pushed = try await reconciler.commitHumanChange(message: message, author: Self.signature(user)) { files in
            guard !files.keys.contains(where: { $0.hasPrefix(folder) }) else {
                throw ConsoleInputError(message: "\(folder) already exists; edit it in Git")
            }
            return [path: data]
        }
        await trigger.request(reason: "console: \(user.name) deployed \(name)")
        logger.info("console deploy", metadata: ["app": "\(name)", "commit": "\(pushed.commit)"])
        return result(
            request, identity: identity, title: "Deployed \(name)",
            message: "Committed apps/\(name)/app.yaml as \(user.display); Placer places it on its next reconcile.",
            commit: pushed.commit, branch: pushed.branch, back: "/apps/\(name)")
    }

    /// `POST /apps/<name>/pin` (`cluster`) and `POST /apps/<name>/unpin`: edits `spec` of the app's placement
    /// record (`pinned: true` with the cluster, or `pinned: false`), a human decision Placer honours.
    func pin(
        _ request: Request, _ form: [String: String], _ identity: Identity, _ user: ConsoleUser, app: String,
        pinned: Bool
    ) async throws -> Response {
        let path = RepoLayout.placementPath(app: app)
        var cluster: String?
        if pinned {
            let wanted = (form["cluster"] ?? "").trimmingCharacters(in: .whitespaces)
            let known = await reconciler.consoleView()?.snapshot.clusters.map(\.name) ?? []
            guard known.contains(wanted) else { throw ConsoleActionError.unknownCluster(wanted) }
            cluster = wanted
        }
        let chosen = cluster
        let message =
            pinned
            ? """
            Pin \(app) to \(cluster ?? "")

            Pinned from the Placer console: Placer keeps \(app) on \(cluster ?? "") until apps/\(app)/ changes \
            or the placement says pinned: false.

            """
            : """
            Unpin \(app)

            Unpinned from the Placer console: placements/\(app).yaml says pinned: false, so Placer decides again.

            """
        let pushed = try await reconciler.commitHumanChange(message: message, author: Self.signature(user)) { files in
            guard let data = files[path], let document = try YAMLLoader.load(data, file: path).first else {
                throw ConsoleActionError.noPlacement(app: app)
            }
            var spec = document.value["spec"] ?? .object([])
            if let chosen { spec = spec.setting("cluster", to: .string(chosen)) }
            spec = spec.setting("pinned", to: .bool(pinned))
            let updated = Data(try YAMLRenderer.render(document.value.setting("spec", to: spec)).utf8)
            return updated == data ? [:] : [path: updated]
        }
        await trigger.request(reason: "console: \(user.name) \(pinned ? "pinned" : "unpinned") \(app)")
        logger.info(
            "console \(pinned ? "pin" : "unpin")", metadata: ["app": "\(app)", "commit": "\(pushed.commit)"])
        return result(
            request, identity: identity, title: pinned ? "Pinned \(app)" : "Unpinned \(app)",
            message: pinned
                ? "\(app) is pinned to \(cluster ?? ""); Placer applies it on its next reconcile."
                : "\(app) is unpinned; Placer decides its placement again on its next reconcile.",
            commit: pushed.commit, branch: pushed.branch, back: "/apps/\(app)")
    }

    /// `POST /apps/<name>/rollback` (`revision`, optional): `placer rollback` through the reconciler's own code.
    func rollback(
        _ request: Request, _ form: [String: String], _ identity: Identity, _ user: ConsoleUser, app: String
    ) async throws -> Response {
        let revision = (form["revision"] ?? "").trimmingCharacters(in: .whitespaces)
        let rolled = try await reconciler.rollback(
            app: app, to: revision.isEmpty ? nil : revision, author: Self.signature(user))
        await trigger.request(reason: "console: \(user.name) rolled back \(app)")
        logger.info("console rollback", metadata: ["app": "\(app)", "commit": "\(rolled.commit)"])
        return result(
            request, identity: identity, title: "Rolled back \(app)",
            message:
                "\(app): \(rolled.fromCluster ?? "unplaced") → \(rolled.toCluster ?? "unplaced") (placement of \(rolled.restoredFrom.prefix(12)))",
            commit: rolled.commit, branch: reconciler.configuration.branch, back: "/apps/\(app)")
    }
}
