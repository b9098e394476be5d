import Foundation
import GitStore
import Testing

/// Fetch and push against real remotes: `git daemon` on 127.0.0.1 and `file://`.
@Suite struct RemoteTests {
    /// Creates an empty bare repository `name` under `folder` with the git CLI.
    private func makeRemote(_ folder: TemporaryFolder, _ name: String) throws -> String {
        let path = folder.path(name)
        try git(["init", "--quiet", "--bare", "--initial-branch=main", path])
        return path
    }

    /// Commits files on top of `main` (or as its first commit) from an independent CLI clone and pushes it.
    private func cliCommit(
        _ folder: TemporaryFolder, remoteURL: String, files: [String: String], message: String
    ) throws -> String {
        let work = folder.path("cli-\(UUID().uuidString)")
        try git(["clone", "--quiet", remoteURL, work])
        for (path, text) in files {
            let url = URL(fileURLWithPath: work).appendingPathComponent(path)
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }
        try git(["-C", work, "add", "-A"])
        try git(["-C", work, "commit", "--quiet", "-m", message])
        try git(["-C", work, "push", "--quiet", "origin", "HEAD:refs/heads/main"])
        return try git(["-C", work, "rev-parse", "HEAD"])
    }

    @Test func fetchAndPushRoundTripOverGitDaemon() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let served = folder.path("served")
        try FileManager.default.createDirectory(atPath: served, withIntermediateDirectories: true)
        let remotePath = try makeRemote(folder, "served/config.git")
        let daemon = try GitDaemon(basePath: served)
        defer { daemon.stop() }

        let cache = try GitRepository.openCache(at: folder.path("cache"), remoteURL: daemon.url("config.git"))
        #expect(try cache.fetch(branch: "main") == nil)

        let first = try #require(
            try cache.commit(
                parent: nil, changes: ["placements/x.yaml": bytes("cluster: a\n")], author: signature(),
                committer: signature(), message: "first"))
        try cache.push(first, toBranch: "main")
        #expect(try git(["-C", remotePath, "rev-parse", "refs/heads/main"]) == first.hex)
        #expect(try git(["-C", folder.path("cache"), "for-each-ref", "--format=%(refname)", "refs/placer"]) == "")

        let cliTip = try cliCommit(
            folder, remoteURL: daemon.url("config.git"), files: ["apps/y/app.yaml": "name: y\n"], message: "by cli")
        let fetched = try #require(try cache.fetch(branch: "main"))
        #expect(fetched.hex == cliTip)
        #expect(try git(["-C", folder.path("cache"), "rev-parse", "refs/remotes/origin/main"]) == cliTip)
        #expect(try cache.files(at: fetched)["apps/y/app.yaml"]?.data == bytes("name: y\n"))
        #expect(try cache.isAncestor(first, of: fetched))
        #expect(try !cache.isAncestor(fetched, of: first))
        #expect(try cache.changedPaths(from: first, to: fetched) == ["apps/y/app.yaml"])
        #expect(try cache.commitInfo(fetched).author.name == "CLI")

        let reopened = try GitRepository.openCache(at: folder.path("cache"), remoteURL: "file://\(remotePath)")
        #expect(reopened.path == folder.path("cache"))
        #expect(try git(["-C", folder.path("cache"), "config", "remote.origin.url"]) == "file://\(remotePath)")
    }

    @Test func fetchAndPushRoundTripOverFileURL() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let remotePath = try makeRemote(folder, "remote.git")
        let writer = try GitRepository.openCache(at: folder.path("writer"), remoteURL: "file://\(remotePath)")
        #expect(try writer.fetch(branch: "main") == nil)
        let tip = try #require(
            try writer.commit(
                parent: nil, changes: ["a.txt": bytes("a\n")], author: signature(), committer: signature(),
                message: "a"))
        try writer.push(tip, toBranch: "main")
        #expect(try git(["-C", remotePath, "rev-parse", "refs/heads/main"]) == tip.hex)

        let reader = try GitRepository.openCache(at: folder.path("reader"), remoteURL: "file://\(remotePath)")
        #expect(try reader.fetch(branch: "main") == tip)
        #expect(try reader.files(at: tip)["a.txt"]?.data == bytes("a\n"))
        #expect(try reader.fetch(branch: "other") == nil)
    }

    @Test func divergingPushIsRejectedAndKeepsTheFirstCommit() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let remotePath = try makeRemote(folder, "remote.git")
        let daemon = try GitDaemon(basePath: folder.url.path)
        defer { daemon.stop() }
        let seed = try cliCommit(folder, remoteURL: remotePath, files: ["seed.txt": "seed\n"], message: "seed")

        let one = try GitRepository.openCache(at: folder.path("one"), remoteURL: daemon.url("remote.git"))
        let two = try GitRepository.openCache(at: folder.path("two"), remoteURL: daemon.url("remote.git"))
        let base = try #require(try one.fetch(branch: "main"))
        #expect(base.hex == seed)
        #expect(try two.fetch(branch: "main") == base)

        let fromOne = try #require(
            try one.commit(
                parent: base, changes: ["x.txt": bytes("one\n")], author: signature("One"),
                committer: signature("One"), message: "one"))
        let fromTwo = try #require(
            try two.commit(
                parent: base, changes: ["x.txt": bytes("two\n")], author: signature("Two"),
                committer: signature("Two"), message: "two"))
        try one.push(fromOne, toBranch: "main")
        let error = try #require(throws: GitError.self) { try two.push(fromTwo, toBranch: "main") }
        switch error.kind {
        case .nonFastForward, .pushRejected:
            break
        default:
            Issue.record("unexpected kind for \(error)")
        }
        #expect(error.isNonFastForward)
        #expect(error.operation == "git_remote_push")
        #expect(try git(["-C", remotePath, "rev-parse", "refs/heads/main"]) == fromOne.hex)

        let rebased = try #require(try two.fetch(branch: "main"))
        let retried = try #require(
            try two.commit(
                parent: rebased, changes: ["x.txt": bytes("two\n")], author: signature("Two"),
                committer: signature("Two"), message: "two again"))
        try two.push(retried, toBranch: "main")
        #expect(try git(["-C", remotePath, "rev-parse", "refs/heads/main"]) == retried.hex)
    }

    @Test func serverSideRejectionIsReportedThroughTheStatusCallback() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let remotePath = try makeRemote(folder, "remote.git")
        let hook = URL(fileURLWithPath: remotePath).appendingPathComponent("hooks/pre-receive")
        try Data("#!/bin/sh\necho 'placer test: refused' >&2\nexit 1\n".utf8).write(to: hook)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: hook.path)
        let daemon = try GitDaemon(basePath: folder.url.path)
        defer { daemon.stop() }

        let cache = try GitRepository.openCache(at: folder.path("cache"), remoteURL: daemon.url("remote.git"))
        let tip = try #require(
            try cache.commit(
                parent: nil, changes: ["a.txt": bytes("a\n")], author: signature(),
                committer: signature(), message: "a"))
        let error = try #require(throws: GitError.self) { try cache.push(tip, toBranch: "main") }
        guard case .pushRejected(let status) = error.kind else {
            Issue.record("expected .pushRejected, got \(error)")
            return
        }
        #expect(status.contains("hook"))
        #expect(!error.isNonFastForward)
        #expect(error.message.contains(daemon.url("remote.git")))
        #expect(throws: (any Error).self) { try git(["-C", remotePath, "rev-parse", "--verify", "refs/heads/main"]) }
    }

    @Test func unreachableRemoteFailsQuicklyNamingTheURL() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let port = try freePort()
        let url = "git://127.0.0.1:\(port)/x.git"
        let cache = try GitRepository.openCache(at: folder.path("cache"), remoteURL: url)
        let started = Date()
        let error = try #require(throws: GitError.self) { try cache.fetch(branch: "main") }
        #expect(Date().timeIntervalSince(started) < 5)
        #expect(error.operation == "git_remote_fetch")
        #expect(error.message.contains(url))
        #expect(error.message.lowercased().contains("connect"))
        #expect(error.kind == .other)
    }
}
