/// Paths of the app repo (DESIGN.md §1). Placer writes only under ``placementsDirectory`` and ``renderedDirectory``.
public enum RepoLayout {
    public static let appsDirectory = "apps"
    public static let policiesDirectory = "policies"
    public static let clustersDirectory = "clusters"
    public static let placementsDirectory = "placements"
    public static let renderedDirectory = "rendered"
    /// Folders whose content is a decision input.
    public static let inputDirectories = [appsDirectory, policiesDirectory, clustersDirectory]
    /// Folders Placer owns and writes.
    public static let outputDirectories = [placementsDirectory, renderedDirectory]

    public static func placementPath(app: String) -> String { "\(placementsDirectory)/\(app).yaml" }
    public static func renderedPath(cluster: String, app: String) -> String {
        "\(renderedDirectory)/\(cluster)/\(app).yaml"
    }

    /// Whether a path is one Placer writes (so a change there alone is not a new input).
    public static func isOutput(_ path: String) -> Bool {
        outputDirectories.contains { path.hasPrefix($0 + "/") }
    }

    /// Whether a path lies in a folder whose content is a decision input (`apps/`, `policies/`, `clusters/`), or is one.
    public static func isInput(_ path: String) -> Bool {
        inputDirectories.contains { path == $0 || path.hasPrefix($0 + "/") }
    }

    static func isManifestFile(_ path: String) -> Bool {
        path.hasSuffix(".yaml") || path.hasSuffix(".yml") || path.hasSuffix(".json")
    }
}
