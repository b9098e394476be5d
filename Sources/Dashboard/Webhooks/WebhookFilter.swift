import Foundation
import Reconciler

/// Decides whether a push should start a reconcile.
///
/// A push is ignored when it is not to the tracked branch (tags, other branches), or when every listed commit is
/// one Placer need not react to: Placer's own (its message's trailer block carries `Placer-Decision:`, or its
/// author is Placer's configured identity), or one that touches only Placer's paths (`placements/`, `rendered/`).
///
/// When the payload cannot tell what changed, the push triggers: no commits listed (a new or force-pushed branch,
/// a deletion), a total larger than the list, a list as long as the provider's cap
/// (``WebhookProvider/commitListLimit``), `after` missing from the list, GitHub's `forced`, or a commit whose
/// changed paths are not listed. Missing a push would leave Git and the clusters apart until the next poll;
/// an extra reconcile costs one fetch and no commit.
public struct WebhookFilter: Sendable {
    /// The outcome for one push.
    public enum Decision: Sendable, Equatable {
        /// Start a reconcile; the text is the trigger reason (`github push 1a2b3c4 to main`).
        case trigger(String)
        /// Do nothing; the text says why, in lower case (`ref refs/heads/dev is not the tracked branch main`).
        case ignore(String)
    }

    /// The tracked branch (without `refs/heads/`).
    public var branch: String
    /// Path prefixes only Placer writes.
    public var placerPaths: [String]
    /// Placer's commit identity; compared case-insensitively by e-mail, or by name when the payload hides the
    /// e-mail (GitLab's `[REDACTED]`).
    public var committerName: String
    public var committerEmail: String

    /// - Parameters:
    ///   - branch: the tracked branch.
    ///   - committerName: the name on Placer's commits (`ReconcilerConfiguration.committerName`).
    ///   - committerEmail: the e-mail on Placer's commits (`ReconcilerConfiguration.committerEmail`).
    ///   - placerPaths: path prefixes only Placer writes.
    public init(
        branch: String, committerName: String = "Placer", committerEmail: String = "placer@placer.dev",
        placerPaths: [String] = ["placements/", "rendered/"]
    ) {
        self.branch = branch
        self.committerName = committerName
        self.committerEmail = committerEmail
        self.placerPaths = placerPaths
    }

    /// - Parameter configuration: the reconciler's configuration (tracked branch, committer identity).
    public init(configuration: ReconcilerConfiguration) {
        self.init(
            branch: configuration.branch, committerName: configuration.committerName,
            committerEmail: configuration.committerEmail)
    }

    /// Decides for one push. Pure.
    public func decide(_ push: PushEvent) -> Decision {
        guard let pushed = push.branch else { return .ignore("ref \(push.ref) is not a branch") }
        guard pushed == branch else { return .ignore("ref \(push.ref) is not the tracked branch \(branch)") }
        let reason = "\(push.provider.name) push \(push.shortAfter) to \(branch)"
        if let unknown = undecidable(push) { return .trigger("\(reason) (\(unknown))") }
        var placerOwn = 0
        for commit in push.commits {
            if isPlacerCommit(commit) {
                placerOwn += 1
                continue
            }
            guard let paths = commit.changedPaths, !paths.isEmpty else {
                return .trigger("\(reason) (commit \(commit.id.prefix(7)) lists no paths)")
            }
            if !paths.allSatisfy(isPlacerPath) { return .trigger(reason) }
        }
        if placerOwn == push.commits.count { return .ignore("every commit is Placer's own") }
        return .ignore("only \(placerPaths.joined(separator: " and ")) changed")
    }

    /// Why the payload cannot tell what changed, or nil when its commit list is complete.
    func undecidable(_ push: PushEvent) -> String? {
        if push.deleted { return "branch deleted" }
        if push.forced { return "forced push" }
        if push.commits.isEmpty { return "no commits listed" }
        if let total = push.totalCommits, total > push.commits.count {
            return "\(push.commits.count) of \(total) commits listed"
        }
        if push.totalCommits == nil && push.commits.count >= push.provider.commitListLimit {
            return "commit list may be truncated"
        }
        if !push.commits.contains(where: { $0.id == push.after }) { return "head commit not listed" }
        return nil
    }

    /// Whether the commit is Placer's own: a `Placer-Decision:` trailer, or Placer's author identity.
    public func isPlacerCommit(_ commit: PushEvent.Commit) -> Bool {
        if Self.hasDecisionTrailer(commit.message) { return true }
        if let email = commit.authorEmail, !email.isEmpty, email != "[REDACTED]" {
            return email.lowercased() == committerEmail.lowercased()
        }
        return commit.authorName == committerName
    }

    func isPlacerPath(_ path: String) -> Bool {
        placerPaths.contains { path.hasPrefix($0) }
    }

    /// Whether the message's last paragraph (where `git interpret-trailers` looks) has a `Placer-Decision:` line.
    static func hasDecisionTrailer(_ message: String) -> Bool {
        let lines = message.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        let body = lines.reversed().drop(while: \.isEmpty)
        let trailerBlock = body.prefix(while: { !$0.isEmpty })
        // A message of one paragraph is all subject: Git reads no trailers from it.
        guard body.count > trailerBlock.count else { return false }
        return trailerBlock.contains { $0.lowercased().hasPrefix(CommitMessage.decisionTrailer.lowercased()) }
    }
}
