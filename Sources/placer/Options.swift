import ArgumentParser
import Foundation
import GitStore
import Logging
import OCMClient
import PlacerCLI
import Reconciler

/// Where the app repo is and how Placer commits to it.
struct RepoOptions: ParsableArguments {
    @Option(help: "Clone URL of the app repo (file://, git://, ssh://, https://).")
    var repo: String

    @Option(help: "The branch Placer tracks (and commits to, except in plan).")
    var branch: String = "main"

    @Option(help: "Folder for Placer's cache of the repo (default: ~/.cache/placer/<digest of the URL>).")
    var cacheDir: String?

    @Option(
        help: "Folder of policy presets (*.yaml) replacing the shipped ones (default: the presets built into placer).")
    var presetsDir: String?

    @Option(
        help:
            "This Placer instance's owner label value (placer.dev/owner) on everything it writes on the hub; prune, drift correction and status touch only objects carrying it. Default: <repo name>-<branch>-<8 hex of SHA-256 of URL#branch>."
    )
    var instance: String?

    @OptionGroup var git: GitOptions

    /// - Throws: `ValidationError` when a credential option names an unset variable; `CommandFailure` for a
    ///   missing local folder, an invalid `--instance`, or a push to a checked-out branch (see `pushes`).
    /// - Parameter commit: the commit options of commands that commit; nil (read-only commands) keeps the defaults.
    /// - Parameter pushes: the command pushes to ``branch`` (reconcile and run in commit mode): a local
    ///   non-bare repo with that branch checked out is refused up front, as `git push` would refuse it.
    func configuration(commit: CommitOptions? = nil, pushes: Bool = false) throws -> ReconcilerConfiguration {
        // A local path that does not exist would reach libgit2 as an "unsupported URL protocol".
        let scpLike = repo.range(of: #"^[^/:]+@[^/:]+:"#, options: .regularExpression) != nil
        if !repo.contains("://"), !scpLike, !FileManager.default.fileExists(atPath: repo) {
            throw CommandFailure(
                "--repo \(repo): no such folder, and not a URL (file://, git://, ssh://, https:// or user@host:path)")
        }
        if pushes, commit?.mode != .propose, let state = GitRepository.workTreeState(at: repo),
            state.checkedOutBranch == branch
        {
            throw CommandFailure(
                "--repo \(repo) is a non-bare repository with \(branch) checked out, so a push to it is refused; point --repo at a bare repository or a served URL (git://, ssh://, https://), or use `placer plan` to see the decision"
            )
        }
        let cache =
            cacheDir
            ?? FileManager.default.homeDirectoryForCurrentUser
            .appendingPathComponent(".cache/placer/\(Digests.short(repo + "#" + branch))").path
        var configuration = ReconcilerConfiguration(
            repoURL: repo, branch: branch, cacheDirectory: cache,
            presets: try PresetSource.presets(directory: presetsDir))
        if let commit {
            configuration.committerName = commit.committerName
            configuration.committerEmail = commit.committerEmail
            configuration.allowMassPrune = commit.allowMassPrune
            configuration.authorName = commit.authorName
            configuration.authorEmail = commit.authorEmail
            configuration.mode = commit.mode
            configuration.proposalBranch = commit.proposalBranch
        }
        if let instance {
            guard Ownership.isValidInstance(instance) else {
                throw CommandFailure(
                    "--instance \(instance): not a Kubernetes label value (at most 63 of A-Z a-z 0-9 . _ -, alphanumeric at both ends)"
                )
            }
            configuration.instance = instance
        }
        if let commit { configuration.allowEmptyPrune = commit.allowEmptyPrune }
        configuration.credentials = try git.credentials()
        configuration.signer = git.signer()
        return configuration
    }
}

/// How Placer commits (for the commands that commit).
struct CommitOptions: ParsableArguments {
    @Option(help: "Name on Placer's commits.")
    var committerName: String = "Placer"

    @Option(help: "E-mail on Placer's commits.")
    var committerEmail: String = "placer@placer.dev"

    @Option(help: "Author name on Placer's commits (default: the committer).")
    var authorName: String? = nil

    @Option(help: "Author e-mail on Placer's commits (default: the committer's).")
    var authorEmail: String? = nil

    @Option(
        help:
            "File with the commit message template; placeholders {{summary}} {{changes}} {{apps}} {{branch}} {{source}} {{mode}}. The Placer-* trailers are always appended."
    )
    var messageTemplateFile: String? = nil

    @Option(
        help:
            "commit: push placements to the tracked branch and apply them; propose: push them to --proposal-branch for review and apply only what the tracked branch holds."
    )
    var mode: ReconcilerConfiguration.Mode = .commit

    @Option(help: "The review branch for --mode propose.")
    var proposalBranch = "placer/proposals"

    @Flag(
        help: "Allow one reconcile to prune more than 30% of the apps (or of this instance's ManifestWorks on the hub)."
    )
    var allowMassPrune = false

    @Flag(
        help:
            "Confirm that a tree with no apps/ folder or no loadable app is meant: without it the loop stalls and deletes nothing while the hub holds this instance's ManifestWorks."
    )
    var allowEmptyPrune = false

    /// The message template's text, read from ``messageTemplateFile``.
    /// - Throws: `CommandFailure` naming the file when it cannot be read.
    func messageTemplate() throws -> String? {
        guard let messageTemplateFile else { return nil }
        guard let data = FileManager.default.contents(atPath: messageTemplateFile) else {
            throw CommandFailure("cannot read the message template \(messageTemplateFile)")
        }
        return String(decoding: data, as: UTF8.self)
    }
}

extension ReconcilerConfiguration.Mode: ExpressibleByArgument {}

/// The OCM hub.
struct HubOptions: ParsableArguments {
    @Option(
        help:
            "kubeconfig of the OCM hub cluster (default: as kubectl finds it: KUBECONFIG, ~/.kube/config, in-cluster).")
    var hubKubeconfig: String?

    @Option(help: "kubeconfig context to use (default: current-context).")
    var context: String?

    @Option(help: "Hub namespace for the Placements and PlacementDecisions Placer publishes (default: none).")
    var decisionNamespace: String?

    @Option(
        help:
            "The most hub writes in flight at once while applying (ManifestWorks, Placements and PlacementDecisions, prunes), each on its own connection."
    )
    var hubWrites: Int = 16

    func validate() throws {
        guard hubWrites >= 1 else { throw ValidationError("--hub-writes must be at least 1") }
    }

    func client() throws -> KubeClient {
        let kubeconfig =
            try hubKubeconfig.map { try Kubeconfig.load(path: $0, context: context) }
            ?? Kubeconfig.load(context: context)
        // The writes' connections beside the informers' watches (one per collection).
        return try KubeClient(kubeconfig: kubeconfig, fieldManager: "placer", maxConnections: max(32, hubWrites + 16))
    }
}

enum Digests {
    static func short(_ text: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325  // FNV-1a: a folder name, not a security digest
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return String(hash, radix: 16)
    }
}
