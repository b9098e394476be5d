import AppModel
import ArgumentParser
import Foundation
import PlacerCLI
import Reconciler

struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Validate an app repo, or any folder of Kubernetes manifests; print file:line:column: message.",
        discussion: """
            A folder holding apps/ is loaded as an app repo exactly as a reconcile loads a commit of it (symlinks \
            followed inside the repo; symlinks leaving it, Git LFS pointers and submodules refused; apps, policies, \
            inventory, placements/), and what a reconcile would do with each app is printed. Any other folder is \
            read as plain Kubernetes manifests: every .yaml, .yml and .json file, with Helm charts refused and \
            kustomizations flagged; errors, warnings and a note per file are printed, sorted, then a summary. \
            Exits 1 when there is an error.
            """)

    @Argument(help: "The app repo folder (holding apps/, policies/, clusters/), or any folder of manifests.")
    var path: String

    @Option(
        help: "Folder of policy presets (*.yaml) replacing the shipped ones (default: the presets built into placer).")
    var presetsDir: String?

    @Flag(help: "Also print warnings (app repos; a manifest folder's warnings and notes are always printed).")
    var warnings = false

    func run() throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw CommandFailure("\(path) is not a folder")
        }
        let apps = URL(fileURLWithPath: path).appendingPathComponent(RepoLayout.appsDirectory).path
        guard FileManager.default.fileExists(atPath: apps, isDirectory: &isDirectory), isDirectory.boolValue else {
            let report = FolderValidator.validate(files: try RepoFiles.read(directory: path))
            print(report.rendered(), terminator: "")
            if report.errorCount > 0 { throw ExitCode(1) }
            return
        }
        let presets = try PresetSource.presets(directory: presetsDir)
        let snapshot = RepoLoader.load(tree: try RepoTree.read(directory: path), presets: presets)
        // The reconciler's own default, so validate stops where a reconcile would.
        let maxPruneShare = ReconcilerConfiguration(repoURL: "", cacheDirectory: "").maxPruneShare
        let validation = RepoValidation(snapshot: snapshot, maxPruneShare: maxPruneShare)
        print(validation.rendered(warnings: warnings), terminator: "")
        if validation.errorCount > 0 { throw ExitCode(1) }
    }
}
