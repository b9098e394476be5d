import Foundation
import Testing

@testable import AppModel

/// Issue 16, items 3 and 4: one tree, one load. A folder on disk reads as a Git tree of it would (symlinks,
/// submodules, LFS pointers), and a submodule makes Invalid only the app that contains or needs it.
@Suite struct RepoTreeTests {
    static let lfsPointer = """
        version https://git-lfs.github.com/spec/v1
        oid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393
        size 12345

        """

    /// A scratch folder holding the example repo's files, removed after `body`.
    static func withExampleCopy(_ body: (URL) throws -> Void) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("placer-tree-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        for (path, data) in try Fixtures.exampleFiles() {
            let url = folder.appendingPathComponent(path)
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try data.write(to: url)
        }
        try body(folder)
    }

    static func write(_ text: String, to path: String, in folder: URL) throws {
        let url = folder.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    @Test func aFolderReadsAsItsGitTreeWould() throws {
        try Self.withExampleCopy { folder in
            let manager = FileManager.default
            try manager.moveItem(
                at: folder.appendingPathComponent("apps/mqtt-broker/app.yaml"),
                to: folder.appendingPathComponent("shared-broker.yaml"))
            try manager.createSymbolicLink(
                atPath: folder.appendingPathComponent("apps/mqtt-broker/app.yaml").path,
                withDestinationPath: "../../shared-broker.yaml")
            try manager.removeItem(at: folder.appendingPathComponent("apps/digital-twin/app.yaml"))
            try manager.createSymbolicLink(
                atPath: folder.appendingPathComponent("apps/digital-twin/app.yaml").path,
                withDestinationPath: "../../../../etc/hostname")
            try Self.write(Self.lfsPointer, to: "apps/batch-analytics/app.yaml", in: folder)
            try Self.write(
                "[submodule \"models\"]\n\tpath = apps/vision-inference/models\n\turl = https://example.com/m.git\n",
                to: ".gitmodules", in: folder)
            try manager.createDirectory(
                at: folder.appendingPathComponent("apps/vision-inference/models"), withIntermediateDirectories: true)
            // A checked-out submodule elsewhere: a folder with its own .git file.
            try Self.write("gitdir: ../../.git/modules/theme\n", to: "docs/theme/.git", in: folder)
            try Self.write("not read\n", to: "docs/theme/style.yaml", in: folder)

            let tree = try RepoTree.read(directory: folder.path)
            #expect(
                tree.entries["apps/mqtt-broker/app.yaml"]
                    == .init(kind: .symlink, data: Data("../../shared-broker.yaml".utf8)))
            #expect(tree.submodulePaths == ["apps/vision-inference/models", "docs/theme"])
            #expect(tree.entries["docs/theme/style.yaml"] == nil)

            let snapshot = RepoLoader.load(tree: tree, presets: try Fixtures.presets(), kustomize: nil)
            #expect(snapshot.apps.map(\.name).contains("mqtt-broker"))
            #expect(snapshot.invalidApps.keys.sorted() == ["batch-analytics", "digital-twin", "vision-inference"])
            #expect(snapshot.invalidApps["batch-analytics"]?.first?.message.contains("is a Git LFS pointer") == true)
            #expect(
                snapshot.invalidApps["digital-twin"]?.first?.message.contains("which leaves the repository") == true)
            #expect(
                snapshot.invalidApps["vision-inference"]?.first?.message.contains(
                    "apps/vision-inference/models is a Git submodule") == true)
            // The submodule outside apps/, policies/ and clusters/ is a note, not an error.
            #expect(snapshot.repoErrors.isEmpty, "\(snapshot.repoErrors)")
            #expect(
                snapshot.notes.map(\.description) == [
                    "docs/theme:1:1: note: a Git submodule outside apps/, policies/ and clusters/: not fetched and not read"
                ])
        }
    }

    @Test func onlyTheAppThatNeedsASubmoduleIsInvalid() throws {
        let deployment = AppFolderTests.deployment
        var tree = RepoTree(files: [
            "apps/web/d.yaml": Data(deployment.utf8),
            "apps/linked/d.yaml": Data(deployment.utf8),
            "apps/shop/kustomization.yaml": Data("namespace: shop\nresources:\n- ../../vendor/base\n".utf8),
        ])
        tree.entries["vendor/base"] = .init(kind: .submodule)
        tree.entries["apps/linked/extra.yaml"] = .init(kind: .symlink, data: Data("../../vendor/base/extra.yaml".utf8))
        let snapshot = RepoLoader.load(tree: tree, kustomize: nil)
        #expect(snapshot.apps.map(\.name) == ["web"])
        let shop = try #require(snapshot.invalidApps["shop"]?.first)
        #expect(
            shop.description
                == "apps/shop/kustomization.yaml:3:3: resources entry ../../vendor/base is inside the Git submodule vendor/base: Placer does not fetch submodules; copy the files into the repository"
        )
        let linked = try #require(snapshot.invalidApps["linked"]?.first)
        #expect(linked.message.contains("inside the Git submodule vendor/base"), "\(linked)")
        #expect(snapshot.repoErrors.isEmpty)
        #expect(snapshot.notes.count == 1)
        // A submodule in policies/ is still a repo error: the policy would be read without it.
        tree.entries["policies/shared"] = .init(kind: .submodule)
        #expect(RepoLoader.load(tree: tree, kustomize: nil).repoErrors.map(\.file) == ["policies/shared"])
    }

    @Test func placementRecordsAreCheckedWithPositions() throws {
        var files = try Fixtures.exampleFiles()
        files["placements/digital-twin.yaml"] = Data(
            "apiVersion: placer.dev/v1alpha1\nkind: PlacementRecord\nspec:\n  app: [digital-twin\n".utf8)
        files["placements/gone.yaml"] = Data(
            "apiVersion: placer.dev/v1alpha1\nkind: PlacementRecord\nspec:\n  app: gone\n  cluster: hall-1-edge\n".utf8)
        let snapshot = RepoLoader.load(tree: RepoTree(files: files), presets: try Fixtures.presets(), kustomize: nil)
        let warning = try #require(snapshot.warnings.first { $0.file == "placements/digital-twin.yaml" })
        #expect(warning.line > 1 && warning.message.hasSuffix("unreadable placement record ignored"), "\(warning)")
        let validation = RepoValidation(snapshot: snapshot)
        #expect(validation.outcomes["gone"] == .prune)
        #expect(validation.outcomes["digital-twin"] == .place(current: nil, pinned: false))
        #expect(validation.stop == nil)
        let text = validation.rendered(warnings: false)
        #expect(text.contains("placements/digital-twin.yaml:"), "placement warnings are always shown")
        #expect(text.contains("  gone: prune"))
    }
}
