import Foundation

/// Renders a kustomize directory with `kubectl kustomize` (kustomize as embedded in the machine's kubectl).
///
/// The repository's input files are written to a scratch folder first, so a kustomization can refer to bases
/// elsewhere in the repo (`../../base`); remote bases fail (no network) with kubectl's own error.
/// Runs kubectl synchronously: call it off latency-sensitive threads.
public struct KustomizeRenderer: Sendable {
    /// The kubectl binary.
    public var kubectlPath: String

    public init(kubectlPath: String? = nil) {
        self.kubectlPath = kubectlPath ?? Self.findKubectl() ?? "/usr/bin/kubectl"
    }

    /// File names that make a folder a kustomization.
    public static let fileNames: Set<String> = ["kustomization.yaml", "kustomization.yml", "Kustomization"]

    /// - Parameters:
    ///   - directory: the kustomization folder, repo-relative (`apps/shop`).
    ///   - files: the repo's files, repo-relative path → bytes.
    /// - Returns: the rendered multi-document YAML.
    /// - Throws: ``ModelError`` at the kustomization file with kubectl's message when rendering fails.
    public func render(directory: String, files: [String: Data]) throws -> Data {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent(
            "placer-kustomize-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        for (path, data) in files where !RepoLayout.isOutput(path) {
            let url = scratch.appendingPathComponent(path)
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try data.write(to: url)
        }
        let kustomization =
            Self.fileNames.map { "\(directory)/\($0)" }.first { files[$0] != nil } ?? "\(directory)/kustomization.yaml"
        guard FileManager.default.isExecutableFile(atPath: kubectlPath) else {
            throw ModelError(
                file: kustomization, line: 1, message: "kustomize needs kubectl, not found at \(kubectlPath)")
        }
        let output = scratch.appendingPathComponent(".placer-out")
        let errors = scratch.appendingPathComponent(".placer-err")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errors.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: kubectlPath)
        process.arguments = ["kustomize", scratch.appendingPathComponent(directory).path]
        process.standardOutput = try FileHandle(forWritingTo: output)
        process.standardError = try FileHandle(forWritingTo: errors)
        process.environment = ["HOME": scratch.path, "PATH": "/usr/bin:/bin"]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let message = String(decoding: (try? Data(contentsOf: errors)) ?? Data(), as: UTF8.self)
                .replacingOccurrences(of: scratch.path + "/", with: "")
                .trimmingCharacters(in: .whitespacesAndNewlines)
                .split(separator: "\n").joined(separator: "; ")
            throw ModelError(file: kustomization, line: 1, message: "kubectl kustomize failed: \(message)")
        }
        return try Data(contentsOf: output)
    }

    static func findKubectl() -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/kubectl" }.first {
            FileManager.default.isExecutableFile(atPath: $0)
        }
    }
}
