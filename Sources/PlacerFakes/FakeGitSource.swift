import Crypto
import Foundation
import GitStore

/// An in-memory ``GitSource``: commits, trees and remote branches held in a dictionary, for unit tests that need
/// no git server and no disk.
///
/// The fake is both the cache and the remote: `fetch` returns the branch's head, `push` moves it (only as a
/// fast-forward unless forced, else a ``GitError`` whose ``GitError/isNonFastForward`` is true). Commit ids are
/// SHA-1 digests of the tree, parents and message, so equal content gives equal ids. Tests write "human" commits
/// with ``commit(_:to:message:author:)`` and can make the next pushes lose a race with ``raceNextPushes(_:by:)``.
public actor FakeGitSource: GitSource {
    /// One stored commit.
    struct Commit {
        var tree: [String: TreeFile]
        var info: CommitInfo
    }

    private var commits: [ObjectID: Commit] = [:]
    private var branches: [String: ObjectID] = [:]
    private var pendingRaces: [(message: String, changes: [String: Data?])] = []
    /// Pushes accepted (force or fast-forward), in order: branch and commit.
    public private(set) var pushes: [(branch: String, commit: ObjectID)] = []
    /// Pushes refused as non-fast-forward.
    public private(set) var rejectedPushes = 0
    /// Fetches served.
    public private(set) var fetches = 0

    /// - Parameters:
    ///   - branch: the branch to seed.
    ///   - files: path → UTF-8 text of the first commit (regular files); empty makes no commit and no branch.
    public init(branch: String = "main", files: [String: String] = [:]) {
        guard !files.isEmpty else { return }
        let tree = Dictionary(
            uniqueKeysWithValues: files.map {
                ($0.key, TreeFile(path: $0.key, data: Data($0.value.utf8), mode: .regular))
            })
        let id = Self.store(tree: tree, parents: [], message: "seed", author: Self.human, into: &commits)
        branches[branch] = id
    }

    /// The signature of commits the tests make (`Human <human@example.com>`, fixed date).
    public static let human = GitSignature(
        name: "Human", email: "human@example.com", date: Date(timeIntervalSince1970: 1_700_000_000))

    // MARK: Test controls

    /// The head of `branch`, nil when it does not exist.
    public func head(of branch: String) -> ObjectID? { branches[branch] }

    /// The files (path → text) at the head of `branch`; empty when it does not exist.
    public func text(ofBranch branch: String) -> [String: String] {
        guard let head = branches[branch], let commit = commits[head] else { return [:] }
        return commit.tree.mapValues { String(decoding: $0.data, as: UTF8.self) }
    }

    /// Commits `changes` (path → text, nil deletes) on top of `branch` as a human and moves the branch.
    /// - Returns: the new head (the old one when nothing changed).
    @discardableResult
    public func commit(
        _ changes: [String: String?], to branch: String = "main", message: String = "edit",
        author: GitSignature = FakeGitSource.human
    ) -> ObjectID? {
        let bytes = changes.mapValues { $0.map { Data($0.utf8) } }
        guard let id = apply(bytes, on: branches[branch], message: message, author: author) else {
            return branches[branch]
        }
        branches[branch] = id
        return id
    }

    /// Makes the next `count` non-forced pushes lose a race: just before each, another writer commits `changes`
    /// and a file of its own (`racer-<n>.txt`) to the target branch, so the push is refused as non-fast-forward.
    public func raceNextPushes(_ count: Int, by changes: [String: String?] = [:]) {
        for _ in 0..<count {
            var bytes = changes.mapValues { $0.map { Data($0.utf8) } }
            bytes["racer-\(pendingRaces.count).txt"] = Data("racer\n".utf8)
            pendingRaces.append(("racing writer", bytes))
        }
    }

    /// How many commits the fake holds.
    public var commitCount: Int { commits.count }

    // MARK: GitSource

    /// ``GitSource``'s `fetch`, in memory.
    public func fetch(branch: String) async throws -> ObjectID? {
        fetches += 1
        return branches[branch]
    }

    /// ``GitSource``'s `files`, in memory.
    public func files(at commit: ObjectID, under prefixes: [String]?) async throws -> [String: TreeFile] {
        let tree = try stored(commit).tree
        guard let prefixes else { return tree }
        return tree.filter { path, _ in prefixes.contains { path == $0 || path.hasPrefix($0 + "/") } }
    }

    /// ``GitSource``'s `submodulePaths`, in memory.
    public func submodulePaths(at commit: ObjectID) async throws -> [String] {
        _ = try stored(commit)
        return []
    }

    /// ``GitSource``'s `objectID`, in memory.
    public func objectID(at commit: ObjectID, path: String) async throws -> ObjectID? {
        guard let file = try stored(commit).tree[path] else { return nil }
        return Self.digest(file.data)
    }

    /// ``GitSource``'s `changedPaths`, in memory.
    public func changedPaths(from old: ObjectID?, to new: ObjectID) async throws -> [String] {
        let before = try old.map { try stored($0).tree } ?? [:]
        return Self.changed(before, try stored(new).tree)
    }

    /// ``GitSource``'s `commitInfo`, in memory.
    public func commitInfo(_ id: ObjectID) async throws -> CommitInfo {
        try stored(id).info
    }

    /// ``GitSource``'s `isAncestor`, in memory.
    public func isAncestor(_ ancestor: ObjectID, of descendant: ObjectID) async throws -> Bool {
        isAncestorSync(ancestor, of: descendant)
    }

    /// ``GitSource``'s `patch`, in memory.
    public func patch(base: ObjectID?, changes: [String: Data?], under prefixes: [String]) async throws -> String {
        let before = try base.map { try stored($0).tree } ?? [:]
        let after = Self.applying(changes, to: before)
        var patch = ""
        for path in Self.changed(before, after)
        where prefixes.isEmpty || prefixes.contains(where: { path.hasPrefix($0 + "/") }) {
            patch += "--- a/\(path)\n+++ b/\(path)\n"
            for line in before[path].map({ String(decoding: $0.data, as: UTF8.self) })?.split(separator: "\n") ?? [] {
                patch += "-\(line)\n"
            }
            for line in after[path].map({ String(decoding: $0.data, as: UTF8.self) })?.split(separator: "\n") ?? [] {
                patch += "+\(line)\n"
            }
        }
        return patch
    }

    /// ``GitSource``'s `commit`, in memory.
    public func commit(
        parent: ObjectID?, changes: [String: Data?], author: GitSignature, committer: GitSignature,
        message: String, signer: CommitSigner?
    ) async throws -> ObjectID? {
        if let parent { _ = try stored(parent) }
        return apply(changes, on: parent, message: message, author: author)
    }

    /// ``GitSource``'s `push`, in memory.
    public func push(_ commit: ObjectID, toBranch branch: String, force: Bool) async throws {
        _ = try stored(commit)
        if !force, !pendingRaces.isEmpty {
            let race = pendingRaces.removeFirst()
            if let moved = apply(race.changes, on: branches[branch], message: race.message, author: Self.human) {
                branches[branch] = moved
            }
        }
        if !force, let current = branches[branch], !isAncestorSync(current, of: commit) {
            rejectedPushes += 1
            throw GitError(
                code: -11, message: "cannot push to '\(branch)': the remote branch is not an ancestor",
                operation: "git_remote_push", kind: .nonFastForward)
        }
        branches[branch] = commit
        pushes.append((branch, commit))
    }

    /// ``GitSource``'s `deleteRemoteBranch`, in memory.
    public func deleteRemoteBranch(_ branch: String) async throws {
        branches[branch] = nil
    }

    // MARK: Internals

    private func stored(_ id: ObjectID) throws -> Commit {
        guard let commit = commits[id] else {
            throw GitError(code: -3, message: "object not found: \(id.hex)", operation: "fake", kind: .notFound)
        }
        return commit
    }

    private func isAncestorSync(_ ancestor: ObjectID, of descendant: ObjectID) -> Bool {
        var queue = [descendant]
        var seen: Set<ObjectID> = []
        while let next = queue.popLast() {
            if next == ancestor { return true }
            guard seen.insert(next).inserted, let commit = commits[next] else { continue }
            queue += commit.info.parents
        }
        return false
    }

    /// A new commit of `changes` on `parent`; nil when the tree would not change.
    private func apply(
        _ changes: [String: Data?], on parent: ObjectID?, message: String, author: GitSignature
    ) -> ObjectID? {
        let before = parent.flatMap { commits[$0]?.tree } ?? [:]
        let after = Self.applying(changes, to: before)
        guard Self.changed(before, after).count > 0 || parent == nil && !after.isEmpty else { return nil }
        return Self.store(
            tree: after, parents: parent.map { [$0] } ?? [], message: message, author: author, into: &commits)
    }

    private static func applying(_ changes: [String: Data?], to tree: [String: TreeFile]) -> [String: TreeFile] {
        var tree = tree
        for (path, data) in changes {
            if let data {
                tree[path] = TreeFile(path: path, data: data, mode: tree[path]?.mode ?? .regular)
            } else {
                tree[path] = nil
            }
        }
        return tree
    }

    private static func changed(_ before: [String: TreeFile], _ after: [String: TreeFile]) -> [String] {
        Set(before.keys).union(after.keys).filter { before[$0] != after[$0] }.sorted()
    }

    private static func store(
        tree: [String: TreeFile], parents: [ObjectID], message: String, author: GitSignature,
        into commits: inout [ObjectID: Commit]
    ) -> ObjectID {
        var text = tree.keys.sorted().map { "\($0)\u{0}\(digest(tree[$0]!.data).hex)" }.joined(separator: "\n")
        text += "\nparents \(parents.map(\.hex).joined(separator: " "))\n\(message)\n\(commits.count)"
        let id = digest(Data(text.utf8))
        let fullMessage = message.hasSuffix("\n") ? message : message + "\n"
        commits[id] = Commit(
            tree: tree,
            info: CommitInfo(id: id, message: fullMessage, author: author, committer: author, parents: parents))
        return id
    }

    private static func digest(_ data: Data) -> ObjectID {
        ObjectID(hex: Insecure.SHA1.hash(data: data).map { String(format: "%02x", $0) }.joined())!
    }
}
