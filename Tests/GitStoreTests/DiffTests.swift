import Foundation
import GitStore
import Testing

@Suite struct DiffTests {
    @Test func changedPathsAndPatchMatchTheGitCLI() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let barePath = folder.path("bare.git")
        let repository = try GitRepository.initBare(at: barePath)
        let base = try #require(
            try repository.commit(
                parent: nil,
                changes: [
                    "placements/x.yaml": bytes("cluster: a\n"), "placements/gone.yaml": bytes("old\n"),
                    "apps/y/app.yaml": bytes("name: y\n"),
                ],
                author: signature(), committer: signature(), message: "base", updateRef: "refs/heads/main"))
        #expect(
            try repository.changedPaths(from: nil, to: base)
                == ["apps/y/app.yaml", "placements/gone.yaml", "placements/x.yaml"])

        let changes: [String: Data?] = [
            "placements/x.yaml": bytes("cluster: b\n"), "placements/gone.yaml": nil,
            "placements/new.yaml": bytes("cluster: c\n"), "apps/y/app.yaml": bytes("name: y2\n"),
        ]
        let patch = try repository.patch(base: base, changes: changes, under: ["placements"])
        #expect(patch.contains("diff --git a/placements/x.yaml b/placements/x.yaml"))
        #expect(patch.contains("-cluster: a\n+cluster: b\n"))
        #expect(patch.contains("deleted file mode 100644"))
        #expect(!patch.contains("apps/y"))
        #expect(try git(["-C", barePath, "rev-list", "--count", "--all"]) == "1")
        #expect(
            try repository.patch(
                base: base, changes: ["placements/x.yaml": bytes("cluster: a\n")],
                under: ["placements"]) == "")
        #expect(try repository.patch(base: base, changes: changes, under: ["elsewhere"]) == "")

        let next = try #require(
            try repository.commit(
                parent: base, changes: changes, author: signature(), committer: signature(),
                message: "next"))
        #expect(
            try repository.changedPaths(from: base, to: next)
                == ["apps/y/app.yaml", "placements/gone.yaml", "placements/new.yaml", "placements/x.yaml"])
        let cliPatch = try git(["-C", barePath, "diff", "--no-color", base.hex, next.hex, "--", "placements"])
        #expect(patch == cliPatch + "\n")
    }
}
