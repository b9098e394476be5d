import Foundation

/// Placer's source tree (for `example-repo/` and the shipped `policies/` presets), found by walking up from
/// the working directory and from the executable.
struct SourceTree {
    var root: URL

    var exampleRepo: String { root.appendingPathComponent("example-repo").path }
    var presetsDirectory: String { root.appendingPathComponent("policies").path }

    static func locate(from explicit: String? = nil) -> SourceTree? {
        var starts: [URL] = []
        if let explicit { starts.append(URL(fileURLWithPath: explicit)) }
        if let env = ProcessInfo.processInfo.environment["PLACER_HOME"] { starts.append(URL(fileURLWithPath: env)) }
        starts.append(URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
        starts.append(URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent())
        for start in starts {
            var candidate = start.standardizedFileURL
            for _ in 0..<8 {
                let marker = candidate.appendingPathComponent("policies/balanced.yaml").path
                let example = candidate.appendingPathComponent("example-repo/apps").path
                if FileManager.default.fileExists(atPath: marker), FileManager.default.fileExists(atPath: example) {
                    return SourceTree(root: candidate)
                }
                candidate.deleteLastPathComponent()
            }
        }
        return nil
    }
}
