import Foundation

/// A branch or tag push as GitHub, GitLab and Gitea describe it in their push webhook payloads.
///
/// The three payloads share `ref`, `before`, `after` and `commits[]` with `id`, `message`, `author.name`,
/// `author.email` and the `added`, `modified` and `removed` path lists. Each also tells, differently, whether the
/// commit list is complete:
/// - GitHub (https://docs.github.com/en/webhooks/webhook-events-and-payloads#push): `forced`, `deleted`, `created`;
///   `commits` is capped (20 in the documented timeline limit) and carries no total.
/// - GitLab (https://docs.gitlab.com/user/project/integrations/webhook_events/#push-events): `total_commits_count`
///   is the real total while `commits` holds at most the newest 20.
/// - Gitea (https://docs.gitea.com/usage/repository/webhooks): `total_commits` (added by go-gitea/gitea#21400,
///   Gitea 1.18) while `commits` is capped by `[ui] FEED_MAX_COMMIT_NUM`.
public struct PushEvent: Sendable, Equatable {
    /// One pushed commit.
    public struct Commit: Sendable, Equatable {
        /// The full commit id (hex).
        public var id: String
        /// The whole message, trailers included.
        public var message: String
        public var authorName: String?
        /// The author's e-mail; GitLab sends `[REDACTED]` when the author has no public e-mail.
        public var authorEmail: String?
        /// Paths added, modified and removed; nil when the payload does not list them.
        public var added: [String]?
        public var modified: [String]?
        public var removed: [String]?

        public init(
            id: String, message: String, authorName: String? = nil, authorEmail: String? = nil,
            added: [String]? = nil, modified: [String]? = nil, removed: [String]? = nil
        ) {
            self.id = id
            self.message = message
            self.authorName = authorName
            self.authorEmail = authorEmail
            self.added = added
            self.modified = modified
            self.removed = removed
        }

        /// Every path the commit touched, or nil when the payload lists none of the three lists.
        public var changedPaths: [String]? {
            if added == nil && modified == nil && removed == nil { return nil }
            return (added ?? []) + (modified ?? []) + (removed ?? [])
        }
    }

    /// The host that sent it.
    public var provider: WebhookProvider
    /// The full ref, such as `refs/heads/main` or `refs/tags/v1`.
    public var ref: String
    /// The ref's commit before and after the push (40 zeros when the ref did not exist or was deleted).
    public var before: String
    public var after: String
    /// The pushed commits as listed (GitHub and Gitea oldest first, GitLab newest first is allowed).
    public var commits: [Commit]
    /// The real number of pushed commits when the payload says it (GitLab `total_commits_count`, Gitea
    /// `total_commits`, `size` where present).
    public var totalCommits: Int?
    /// GitHub's `forced`: the push rewrote history, so commits may have left the branch unlisted.
    public var forced: Bool

    /// The branch name when `ref` is `refs/heads/<branch>`, else nil (tags and other refs).
    public var branch: String? {
        ref.hasPrefix("refs/heads/") ? String(ref.dropFirst("refs/heads/".count)) : nil
    }

    /// Whether the push deleted the ref (`after` is all zeros).
    public var deleted: Bool { !after.isEmpty && after.allSatisfy { $0 == "0" } }

    /// The first 7 characters of `after`, as Git abbreviates.
    public var shortAfter: String { String(after.prefix(7)) }

    public init(
        provider: WebhookProvider, ref: String, before: String, after: String, commits: [Commit],
        totalCommits: Int? = nil, forced: Bool = false
    ) {
        self.provider = provider
        self.ref = ref
        self.before = before
        self.after = after
        self.commits = commits
        self.totalCommits = totalCommits
        self.forced = forced
    }

    /// Parses a push payload.
    /// - Parameters:
    ///   - provider: the host that sent it (decides which total field is read).
    ///   - body: the raw JSON body.
    /// - Returns: the push.
    /// - Throws: ``PushEventError/malformed(_:)`` when the body is not JSON or lacks `ref`, `before` or `after`,
    ///   or a field has the wrong type. The message names the field, never quotes the body.
    public static func parse(provider: WebhookProvider, body: Data) throws(PushEventError) -> PushEvent {
        let payload: Payload
        do {
            payload = try JSONDecoder().decode(Payload.self, from: body)
        } catch let DecodingError.keyNotFound(key, context) {
            throw .malformed("missing \(path(context.codingPath + [key]))")
        } catch let DecodingError.typeMismatch(_, context) {
            throw .malformed("wrong type at \(path(context.codingPath))")
        } catch let DecodingError.valueNotFound(_, context) {
            throw .malformed("null at \(path(context.codingPath))")
        } catch {
            throw .malformed("not a JSON object")
        }
        let commits = (payload.commits ?? []).map {
            Commit(
                id: $0.id, message: $0.message ?? "", authorName: $0.author?.name, authorEmail: $0.author?.email,
                added: $0.added, modified: $0.modified, removed: $0.removed)
        }
        let total: Int? =
            switch provider {
            case .gitlab: payload.total_commits_count ?? payload.size
            case .gitea: payload.total_commits ?? payload.size
            case .github: payload.size
            }
        return PushEvent(
            provider: provider, ref: payload.ref, before: payload.before, after: payload.after, commits: commits,
            totalCommits: total, forced: payload.forced ?? false)
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().trimmingPrefix(".").description
    }

    // Field names as the providers spell them.
    private struct Payload: Decodable {
        var ref: String
        var before: String
        var after: String
        var commits: [PayloadCommit]?
        var total_commits_count: Int?
        var total_commits: Int?
        var size: Int?
        var forced: Bool?
    }

    private struct PayloadCommit: Decodable {
        var id: String
        var message: String?
        var author: PayloadPerson?
        var added: [String]?
        var modified: [String]?
        var removed: [String]?
    }

    private struct PayloadPerson: Decodable {
        var name: String?
        var email: String?
    }
}

/// Why a webhook body is not a usable push payload.
public enum PushEventError: Error, Equatable, CustomStringConvertible {
    /// The body is not JSON or misses a required field; the text says which.
    case malformed(String)

    public var description: String {
        switch self {
        case .malformed(let reason): "malformed push payload: \(reason)"
        }
    }
}
