import Foundation
import GitStore
import Testing

/// Revert without a work tree, path history and log, checked against the git CLI.
@Suite struct RevertAndHistoryTests {
    /// main: c1 adds a, b; c2 changes a; c3 adds c/x; c4 changes b.
    private func history(_ folder: TemporaryFolder) throws -> (GitRepository, [ObjectID]) {
        let repository = try GitRepository.initBare(at: folder.path("repo.git"))
        var ids: [ObjectID] = []
        let steps: [[String: Data?]] = [
            ["a.txt": bytes("1\n2\n3\n"), "b.txt": bytes("b\n")], ["a.txt": bytes("1\nTWO\n3\n")],
            ["c/x.yaml": bytes("x\n")], ["b.txt": bytes("b2\n")],
        ]
        for (number, changes) in steps.enumerated() {
            let id = try #require(
                try repository.commit(
                    parent: ids.last, changes: changes, author: signature(seconds: 1_700_000_000 + Double(number)),
                    committer: signature(seconds: 1_700_000_000 + Double(number)), message: "c\(number + 1)",
                    updateRef: "refs/heads/main"))
            ids.append(id)
        }
        return (repository, ids)
    }

    @Test func revertUndoesOneCommitOnTopOfLaterOnes() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let (repository, ids) = try history(folder)
        let revert = try repository.revert(
            ids[1], onto: ids[3], author: signature(), committer: signature(), message: "Revert c2")
        #expect(try repository.files(at: revert)["a.txt"]?.data == bytes("1\n2\n3\n"))
        #expect(try repository.files(at: revert)["b.txt"]?.data == bytes("b2\n"))
        #expect(try repository.commitInfo(revert).parents == [ids[3]])
        // No ref moved; the CLI sees exactly one changed path.
        #expect(try git(["-C", repository.path, "rev-parse", "main"]) == ids[3].hex)
        #expect(try git(["-C", repository.path, "diff", "--name-only", ids[3].hex, revert.hex]) == "a.txt")
        // The revert commit is unreferenced (dangling) by design; everything else must be well-formed.
        #expect(try git(["-C", repository.path, "fsck", "--strict", "--no-dangling", revert.hex]).isEmpty)
    }

    @Test func conflictingRevertNamesThePaths() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let (repository, ids) = try history(folder)
        let later = try #require(
            try repository.commit(
                parent: ids[3], changes: ["a.txt": bytes("1\nTHREE\n3\n")], author: signature(),
                committer: signature(), message: "c5"))
        let error = try #require(throws: GitError.self) {
            try repository.revert(ids[1], onto: later, author: signature(), committer: signature(), message: "r")
        }
        #expect(error.kind == .conflict(["a.txt"]))
        #expect(error.message.contains("conflicts in a.txt"))

        let twice = try repository.revert(
            ids[2], onto: ids[3], author: signature(), committer: signature(), message: "r")
        let again = try #require(throws: GitError.self) {
            try repository.revert(ids[2], onto: twice, author: signature(), committer: signature(), message: "r")
        }
        #expect(again.message.contains("changes nothing"))
    }

    @Test func lastCommitTouchingPathMatchesGitLog() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let (repository, ids) = try history(folder)
        for path in ["a.txt", "b.txt", "c", "c/x.yaml"] {
            let cli = try git(["-C", repository.path, "log", "--first-parent", "-1", "--format=%H", "main", "--", path])
            #expect(try repository.lastCommit(touching: path, from: ids[3])?.hex == cli, "path \(path)")
        }
        #expect(try repository.lastCommit(touching: "a.txt", from: ids[3]) == ids[1])
        #expect(try repository.lastCommit(touching: "c/x.yaml", from: ids[1]) == nil)
        #expect(try repository.lastCommit(touching: "missing", from: ids[3]) == nil)
        let deleted = try #require(
            try repository.commit(
                parent: ids[3], changes: ["c/x.yaml": nil], author: signature(), committer: signature(), message: "d"))
        #expect(try repository.lastCommit(touching: "c/x.yaml", from: deleted) == deleted)
    }

    @Test func logListsNewestFirstWithLimit() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let (repository, ids) = try history(folder)
        let log = try repository.log(from: ids[3], limit: 3)
        #expect(log.map(\.id) == [ids[3], ids[2], ids[1]])
        #expect(log.map(\.message) == ["c4\n", "c3\n", "c2\n"])
        #expect(try repository.log(from: ids[3], limit: 10).count == 4)
    }
}
