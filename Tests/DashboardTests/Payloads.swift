import Foundation

/// A commit as a test pushes it.
struct TestCommit {
    var id: String
    var message: String
    var authorName = "Ada Lovelace"
    var authorEmail = "ada@example.com"
    var added: [String] = []
    var modified: [String] = []
    var removed: [String] = []
}

let zeroSHA = String(repeating: "0", count: 40)

/// A 40-hex commit id that starts with `prefix` (hex digits only).
func sha(_ prefix: String) -> String { prefix + String(repeating: "0", count: 40 - prefix.count) }

/// A JSON string literal for `text`.
func json(_ text: String) -> String {
    String(decoding: try! JSONEncoder().encode(text), as: UTF8.self)
}

func json(_ list: [String]) -> String { "[" + list.map(json).joined(separator: ", ") + "]" }

/// A GitHub `push` payload shaped like the example in GitHub's "Webhook events and payloads" (push).
func githubPush(
    ref: String = "refs/heads/main", before: String = sha("b0"), after: String, commits: [TestCommit],
    forced: Bool = false
) -> [UInt8] {
    let listed = commits.map { commit in
        """
            {
              "id": \(json(commit.id)),
              "tree_id": "f9d2a07e9488b91af2641b26b9407fe22a451433",
              "distinct": true,
              "message": \(json(commit.message)),
              "timestamp": "2026-11-30T12:00:00+01:00",
              "url": "https://github.com/octo-org/app-repo/commit/\(commit.id)",
              "author": {"name": \(json(commit.authorName)), "email": \(json(commit.authorEmail)), "username": "ada"},
              "committer": {"name": "GitHub", "email": "noreply@github.com", "username": "web-flow"},
              "added": \(json(commit.added)),
              "removed": \(json(commit.removed)),
              "modified": \(json(commit.modified))
            }
        """
    }
    let body = """
        {
          "ref": \(json(ref)),
          "before": \(json(before)),
          "after": \(json(after)),
          "repository": {
            "id": 186853002,
            "name": "app-repo",
            "full_name": "octo-org/app-repo",
            "private": true,
            "default_branch": "main",
            "clone_url": "https://github.com/octo-org/app-repo.git"
          },
          "pusher": {"name": "ada", "email": "ada@example.com"},
          "sender": {"login": "ada", "id": 21031067, "type": "User"},
          "created": false,
          "deleted": \(after == zeroSHA),
          "forced": \(forced),
          "base_ref": null,
          "compare": "https://github.com/octo-org/app-repo/compare/\(before.prefix(12))...\(after.prefix(12))",
          "commits": [
        \(listed.joined(separator: ",\n"))
          ],
          "head_commit": null
        }
        """
    return Array(body.utf8)
}

/// A GitLab `Push Hook` payload shaped like the example in GitLab's "Webhook events" (push events).
func gitlabPush(
    ref: String = "refs/heads/main", before: String = sha("b0"), after: String, commits: [TestCommit],
    totalCommitsCount: Int? = nil
) -> [UInt8] {
    let listed = commits.map { commit in
        """
            {
              "id": \(json(commit.id)),
              "message": \(json(commit.message)),
              "title": \(json(String(commit.message.prefix { $0 != "\n" }))),
              "timestamp": "2026-11-30T12:00:00+01:00",
              "url": "https://gitlab.example.com/edge/app-repo/-/commit/\(commit.id)",
              "author": {"name": \(json(commit.authorName)), "email": \(json(commit.authorEmail))},
              "added": \(json(commit.added)),
              "modified": \(json(commit.modified)),
              "removed": \(json(commit.removed))
            }
        """
    }
    let body = """
        {
          "object_kind": "push",
          "event_name": "push",
          "before": \(json(before)),
          "after": \(json(after)),
          "ref": \(json(ref)),
          "ref_protected": true,
          "checkout_sha": \(json(after)),
          "user_id": 4,
          "user_name": "Ada Lovelace",
          "user_username": "ada",
          "user_email": "",
          "project_id": 15,
          "project": {
            "id": 15,
            "name": "app-repo",
            "web_url": "https://gitlab.example.com/edge/app-repo",
            "git_http_url": "https://gitlab.example.com/edge/app-repo.git",
            "path_with_namespace": "edge/app-repo",
            "default_branch": "main"
          },
          "commits": [
        \(listed.joined(separator: ",\n"))
          ],
          "total_commits_count": \(totalCommitsCount ?? commits.count),
          "push_options": {},
          "repository": {"name": "app-repo", "homepage": "https://gitlab.example.com/edge/app-repo"}
        }
        """
    return Array(body.utf8)
}

/// A Gitea `push` payload shaped like the example in Gitea's "Webhooks" page. `legacySecret` adds the `secret`
/// field Gitea sent in the body before 1.14.
func giteaPush(
    ref: String = "refs/heads/main", before: String = sha("b0"), after: String, commits: [TestCommit],
    totalCommits: Int? = nil, legacySecret: String? = nil
) -> [UInt8] {
    let listed = commits.map { commit in
        """
            {
              "id": \(json(commit.id)),
              "message": \(json(commit.message)),
              "url": "http://localhost:3000/edge/app-repo/commit/\(commit.id)",
              "author": {"name": \(json(commit.authorName)), "email": \(json(commit.authorEmail)), "username": "ada"},
              "committer": {
                "name": \(json(commit.authorName)), "email": \(json(commit.authorEmail)), "username": "ada"
              },
              "verification": null,
              "timestamp": "2026-11-30T12:00:00+01:00",
              "added": \(json(commit.added)),
              "removed": \(json(commit.removed)),
              "modified": \(json(commit.modified))
            }
        """
    }
    let body = """
        {
          \(legacySecret.map { "\"secret\": \(json($0))," } ?? "")
          "ref": \(json(ref)),
          "before": \(json(before)),
          "after": \(json(after)),
          "compare_url": "http://localhost:3000/edge/app-repo/compare/\(before)...\(after)",
          "commits": [
        \(listed.joined(separator: ",\n"))
          ],
          "total_commits": \(totalCommits ?? commits.count),
          "head_commit": null,
          "repository": {"id": 140, "name": "app-repo", "full_name": "edge/app-repo", "default_branch": "main"},
          "pusher": {"id": 1, "login": "ada", "email": "ada@example.com"},
          "sender": {"id": 1, "login": "ada", "email": "ada@example.com"}
        }
        """
    return Array(body.utf8)
}
