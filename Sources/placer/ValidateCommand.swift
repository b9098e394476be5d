import AppModel
import ArgumentParser
import Foundation

struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate", abstract: "Load an app repo and print its errors as file:line:column: message.")

    @Argument(help: "The app repo folder (holding apps/, policies/, clusters/).")
    var path: String

    @Option(help: "Folder of shipped policy presets (default: the policies/ folder of Placer's source tree).")
    var presetsDir: String?

    @Flag(help: "Also print warnings.")
    var warnings = false

    func run() throws {
        let files = try RepoFiles.read(directory: path)
        let presets = (presetsDir ?? SourceTree.locate()?.presetsDirectory).map(ReconcilerPresets.load) ?? [:]
        let snapshot = RepoLoader.load(files: files, presets: presets)
        if warnings { for warning in snapshot.warnings { print(warning.description) } }
        for error in snapshot.allErrors { print(error.description) }
        print("\(snapshot.apps.count) apps valid, \(snapshot.invalidApps.count) invalid, \(snapshot.clusters.count) clusters, \(snapshot.allErrors.count) errors")
        if !snapshot.allErrors.isEmpty { throw ExitCode(1) }
    }
}

import Reconciler

enum ReconcilerPresets {
    static func load(_ directory: String) -> [String: Data] { ReconcilerConfiguration.loadPresets(from: directory) }
}
