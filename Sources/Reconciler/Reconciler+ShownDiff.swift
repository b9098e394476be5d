import AppModel
import Foundation
import GitStore

extension Reconciler {
    /// The unified diff of `changes` against `base` as Placer shows it (`placer plan`, a commit on the console):
    /// every changed YAML file that holds a Kubernetes Secret is shown with its `data`/`stringData` values masked on
    /// both sides (``SecretMask``), so a changed value is still seen as changed but never printed or served. Git and
    /// the hub keep the Secret as written: only what is shown differs.
    ///
    /// - Parameters:
    ///   - base: the commit to compare against; nil for the empty tree.
    ///   - changes: new contents by path (nil deletes).
    ///   - prefixes: folders to limit the diff to (empty: all).
    /// - Returns: the patch text, `""` when nothing under `prefixes` changes.
    /// - Throws: `GitError` when the repository cannot be read.
    func shownPatch(base: ObjectID?, changes: [String: Data?], under prefixes: [String]) async throws -> String {
        let plain = try await repository.patch(base: base, changes: changes, under: prefixes)
        // (The hunks alone cannot tell: a changed value's context lines need not include `kind: Secret`.)
        guard !plain.isEmpty else { return plain }
        let folders = prefixes.map { $0.hasSuffix("/") ? $0 : $0 + "/" }
        let shown = changes.filter { path, _ in
            (path.hasSuffix(".yaml") || path.hasSuffix(".yml"))
                && (folders.isEmpty || folders.contains { path.hasPrefix($0) })
        }
        guard !shown.isEmpty else { return plain }
        var old: [String: TreeFile] = [:]
        if let base { old = try await repository.files(at: base, under: prefixes.isEmpty ? nil : prefixes) }
        var oldSides: [String: Data?] = [:]
        var newSides = changes
        for (path, new) in shown {
            let before = old[path]?.data
            guard let masked = SecretMask.masked(old: before, new: new, file: path) else { continue }
            if masked.old != before { oldSides[path] = masked.old }
            newSides[path] = masked.new
        }
        guard newSides != changes || !oldSides.isEmpty else { return plain }
        // The old side with its values masked, as a commit object no ref names (loose garbage for `git gc`, like
        // the blobs `patch` writes), so the diff below runs between two masked sides.
        var maskedBase = base
        if !oldSides.isEmpty {
            let nobody = GitSignature(name: "Placer", email: "placer@localhost", date: Date(timeIntervalSince1970: 0))
            maskedBase =
                try await repository.commit(
                    parent: base, changes: oldSides, author: nobody, committer: nobody,
                    message: "Secret values masked for display\n", signer: nil) ?? base
        }
        return try await repository.patch(base: maskedBase, changes: newSides, under: prefixes)
    }
}
