import Foundation
import PlacerCLI

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
        // The real executable (through /proc/self/exe), not argv[0]: run from PATH, argv[0] is a bare "placer".
        let executable =
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? Bundle.main.executablePath ?? CommandLine.arguments[0]
        starts.append(URL(fileURLWithPath: executable).resolvingSymlinksInPath().deletingLastPathComponent())
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
