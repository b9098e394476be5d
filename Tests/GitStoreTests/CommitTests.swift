import Foundation
import GitStore
import Testing

@Suite struct CommitTests {
    @Test func rootCommitWritesNestedFilesModesAndBytes() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let barePath = folder.path("bare.git")
        let repository = try GitRepository.initBare(at: barePath)
        let binary = Data([0, 1, 2, 0xff, 0xfe, 10, 13, 10])
        let script = bytes("#!/bin/sh\necho hi\n")
        let id = try #require(
            try repository.commit(
                parent: nil,
                fileChanges: [
                    "apps/a/app.yaml": .update(bytes("name: a\n")),
                    "apps/b/deep/blob.bin": .write(binary, .regular),
                    "bin/run.sh": .write(script, .executable),
                    "link": .write(bytes("apps/a/app.yaml"), .symlink),
                ],
                author: signature("Author"), committer: signature("Committer", seconds: 1_700_000_100),
                message: "root commit\n\nPlacer-Revision: 1", updateRef: "refs/heads/main"))

        #expect(try git(["-C", barePath, "rev-parse", "refs/heads/main"]) == id.hex)
        #expect(
            try git(["-C", barePath, "log", "--format=%an|%cn|%s|%at", "refs/heads/main"])
                == "Author|Committer|root commit|1700000000")
        let listing = try git(["-C", barePath, "ls-tree", "-r", "refs/heads/main"])
            .split(separator: "\n").map { line -> String in
                let parts = line.split(separator: "\t")
                return "\(parts[0].prefix(6)) \(parts[1])"
            }
        #expect(
            listing == [
                "100644 apps/a/app.yaml", "100644 apps/b/deep/blob.bin", "100755 bin/run.sh", "120000 link",
            ])
        #expect(try gitData(["-C", barePath, "cat-file", "blob", "refs/heads/main:apps/b/deep/blob.bin"]) == binary)

        let files = try repository.files(at: id)
        #expect(files.keys.sorted() == ["apps/a/app.yaml", "apps/b/deep/blob.bin", "bin/run.sh", "link"])
        #expect(files["apps/b/deep/blob.bin"] == TreeFile(path: "apps/b/deep/blob.bin", data: binary, mode: .regular))
        #expect(files["bin/run.sh"]?.mode == .executable)
        #expect(files["bin/run.sh"]?.data == script)
        #expect(files["link"] == TreeFile(path: "link", data: bytes("apps/a/app.yaml"), mode: .symlink))
        #expect(
            try repository.files(at: id, under: ["apps/b/", "bin"]).keys.sorted()
                == ["apps/b/deep/blob.bin", "bin/run.sh"])
        #expect(try repository.files(at: id, under: ["nothing"]).isEmpty)

        let info = try repository.commitInfo(id)
        #expect(info.message == "root commit\n\nPlacer-Revision: 1\n")
        #expect(info.author == signature("Author"))
        #expect(info.committer.date == Date(timeIntervalSince1970: 1_700_000_100))
        #expect(info.parents.isEmpty)
        #expect(
            try repository.objectID(at: id, path: "")?.hex
                == git(["-C", barePath, "rev-parse", "refs/heads/main^{tree}"]))
        #expect(
            try repository.objectID(at: id, path: "apps/b")?.hex
                == git(["-C", barePath, "rev-parse", "refs/heads/main:apps/b"]))
        #expect(try repository.objectID(at: id, path: "apps/missing") == nil)
    }

    @Test func unchangedTreeMakesNoCommitAndEmptyFoldersDisappear() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let barePath = folder.path("bare.git")
        let repository = try GitRepository.initBare(at: barePath)
        let first = try #require(
            try repository.commit(
                parent: nil,
                fileChanges: [
                    "keep.txt": .update(bytes("keep\n")), "a/only.txt": .update(bytes("only\n")),
                    "tool.sh": .write(bytes("#!/bin/sh\n"), .executable),
                ],
                author: signature(), committer: signature(), message: "first", updateRef: "refs/heads/main"))

        let unchanged = try repository.commit(
            parent: first, changes: ["keep.txt": bytes("keep\n"), "absent/file.txt": nil],
            author: signature(), committer: signature(), message: "noop", updateRef: "refs/heads/main")
        #expect(unchanged == nil)
        #expect(try git(["-C", barePath, "rev-list", "--count", "--all"]) == "1")
        #expect(try git(["-C", barePath, "rev-parse", "refs/heads/main"]) == first.hex)
        #expect(
            try repository.commit(
                parent: nil, changes: [:], author: signature(), committer: signature(), message: "empty") == nil)

        let second = try #require(
            try repository.commit(
                parent: first, changes: ["a/only.txt": nil, "tool.sh": bytes("#!/bin/sh\nexit 0\n")],
                author: signature(), committer: signature(), message: "delete", updateRef: "refs/heads/main"))
        #expect(
            try git(["-C", barePath, "ls-tree", "-r", "-t", "--name-only", "refs/heads/main"])
                == "keep.txt\ntool.sh")
        #expect(try git(["-C", barePath, "ls-tree", "refs/heads/main", "tool.sh"]).hasPrefix("100755 "))
        #expect(try repository.objectID(at: second, path: "a") == nil)
        #expect(try repository.commitInfo(second).parents == [first])
        #expect(try repository.isAncestor(first, of: second))
        #expect(try !repository.isAncestor(second, of: first))
        #expect(try repository.changedPaths(from: first, to: second) == ["a/only.txt", "tool.sh"])
    }

    @Test func rejectsPathsThatEscapeTheTree() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let repository = try GitRepository.initBare(at: folder.path("bare.git"))
        for path in ["../x", "a/./b", ".git/config", ""] {
            #expect(throws: GitError.self) {
                try repository.commit(
                    parent: nil, changes: [path: bytes("x")], author: signature(), committer: signature(),
                    message: "bad")
            }
        }
    }
}
