import Foundation
import GitStore

/// The app repos the lab generates and seeds: the fleet-scale benches' (`placer-lab bench git`, `reconcile`, `scale`),
/// push-to-apply's demo repo and the soak and crash-suite worlds'.
enum BenchRepo {
    /// The bench's human author ("Bench <bench@placer.dev>"), dated now.
    static var human: GitSignature { GitSignature(name: "Bench", email: "bench@placer.dev", date: Date()) }

    /// `count` apps named `app-00000`, `app-00001`, … (five digits, so paths sort in creation order), each at
    /// `apps/<name>/app.yaml`.
    ///
    /// - Parameters:
    ///   - count: how many apps (0 gives none).
    ///   - text: the app.yaml text of the app with the given name (typically example-repo's fleet manager, renamed).
    /// - Returns: repo path → file bytes (UTF-8), `count` entries.
    static func apps(_ count: Int, text: (String) -> String) -> [String: Data] {
        var files: [String: Data] = [:]
        for index in 0..<max(0, count) {
            let name = String(format: "app-%05d", index)
            files["apps/\(name)/app.yaml"] = Data(text(name).utf8)
        }
        return files
    }

    /// Creates a bare repo at `path` whose `main` is one root commit of `files`, with HEAD on `main`.
    ///
    /// - Parameters:
    ///   - path: the folder of the new bare repo.
    ///   - files: repo path → file bytes.
    ///   - message: the commit message.
    ///   - author: author and committer of the commit.
    /// - Returns: the bare repository.
    /// - Throws: `GitError` when libgit2 cannot create the repo, write the commit or set HEAD.
    @discardableResult
    static func seedBare(
        at path: String, files: [String: Data], message: String, author: GitSignature
    ) throws -> GitRepository {
        let bare = try GitRepository.initBare(at: path)
        _ = try bare.commit(
            parent: nil, changes: files.mapValues { Optional($0) }, author: author, committer: author,
            message: message, updateRef: "refs/heads/main")
        try bare.setHead(branch: "main")
        return bare
    }
}
