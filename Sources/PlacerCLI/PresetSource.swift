import AppModel
import Foundation
import Reconciler

/// Where a command's policy presets come from: the ones compiled into the binary (``ShippedPresets``), or the
/// `*.yaml` files of a `--presets-dir` folder, which replace them.
public enum PresetSource {
    /// The presets to load an app repo with.
    /// - Parameter directory: the `--presets-dir` folder, or nil for the shipped presets.
    /// - Returns: preset name (file name without `.yaml`) → the file's bytes.
    /// - Throws: ``CommandFailure`` when `directory` is given but holds no readable `*.yaml` file.
    public static func presets(directory: String?) throws -> [String: Data] {
        guard let directory else { return ShippedPresets.all }
        let presets = ReconcilerConfiguration.loadPresets(from: directory)
        guard !presets.isEmpty else { throw CommandFailure("--presets-dir \(directory): no preset files (*.yaml)") }
        return presets
    }
}
