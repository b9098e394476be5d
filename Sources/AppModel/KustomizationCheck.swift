import Foundation

/// Refuses a kustomization that needs a Git submodule: Placer never has a submodule's files, so kustomize would
/// render the app without them (or fail with a message about a missing folder).
enum KustomizationCheck {
    /// The kustomization fields whose entries are paths to other folders or files.
    static let pathFields = ["resources", "bases", "components"]

    /// - Parameters:
    ///   - kustomization: the kustomization file's repo-relative path (`apps/shop/kustomization.yaml`).
    ///   - data: its bytes.
    ///   - submodules: the repo's submodule paths.
    /// - Throws: ``ModelError`` at the entry that names a path inside a submodule. A file that does not load is
    ///   left to `kubectl kustomize` to report.
    static func rejectSubmodules(kustomization: String, data: Data, submodules: [String]) throws {
        guard !submodules.isEmpty, let documents = try? YAMLLoader.load(data, file: kustomization) else { return }
        let folder = kustomization.split(separator: "/").dropLast().map(String.init)
        for document in documents {
            for field in pathFields {
                for (index, item) in (document.value[field]?.arrayValue ?? []).enumerated() {
                    guard let entry = item.stringValue, !entry.contains("://") else { continue }
                    let path = resolve(entry, from: folder)
                    guard let submodule = submodules.first(where: { path == $0 || path.hasPrefix($0 + "/") }) else {
                        continue
                    }
                    throw document.error(
                        at: "\(field)[\(index)]",
                        "\(field) entry \(entry) is inside the Git submodule \(submodule): Placer does not fetch submodules; copy the files into the repository"
                    )
                }
            }
        }
    }

    /// `entry` resolved against `folder` (`.` and `..` segments applied).
    static func resolve(_ entry: String, from folder: [String]) -> String {
        var parts = entry.hasPrefix("/") ? [] : folder
        for part in entry.split(separator: "/") {
            switch part {
            case ".": continue
            case "..": if !parts.isEmpty { parts.removeLast() }
            default: parts.append(String(part))
            }
        }
        return parts.joined(separator: "/")
    }
}
