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
            A folder holding apps/ is loaded as an app repo (apps, policies, inventory). Any other folder is read \
            as plain Kubernetes manifests: every .yaml, .yml and .json file, with Helm charts refused and \
            kustomizations flagged; errors, warnings and a note per file are printed, sorted, then a summary. \
            Exits 1 when there is an error.
            """)

    @Argument(help: "The app repo folder (holding apps/, policies/, clusters/), or any folder of manifests.")
    var path: String

    @Option(help: "Folder of policy presets (*.yaml) replacing the shipped ones (default: the presets built into placer).")
    var presetsDir: String?

    @Flag(help: "Also print warnings (app repos; a manifest folder's warnings and notes are always printed).")
    var warnings = false

    func run() throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw CommandFailure("\(path) is not a folder")
        }
        let files = try RepoFiles.read(directory: path)
        let apps = URL(fileURLWithPath: path).appendingPathComponent(RepoLayout.appsDirectory).path
        guard FileManager.default.fileExists(atPath: apps, isDirectory: &isDirectory), isDirectory.boolValue else {
            let report = FolderValidator.validate(files: files)
            print(report.rendered(), terminator: "")
            if report.errorCount > 0 { throw ExitCode(1) }
            return
        }
        let snapshot = RepoLoader.load(files: files, presets: try PresetSource.presets(directory: presetsDir))
        if warnings { for warning in snapshot.warnings { print(warning.description) } }
        for error in snapshot.allErrors { print(error.description) }
        print("\(snapshot.apps.count) apps valid, \(snapshot.invalidApps.count) invalid, \(snapshot.clusters.count) clusters, \(snapshot.allErrors.count) errors")
        if !snapshot.allErrors.isEmpty { throw ExitCode(1) }
    }
}

