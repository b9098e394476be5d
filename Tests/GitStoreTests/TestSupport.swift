import Foundation
import GitStore
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A fresh folder under the system temporary directory, removed by `remove()`.
struct TemporaryFolder {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("gitstore-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    /// The path of `name` inside the folder.
    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    func remove() { try? FileManager.default.removeItem(at: url) }
}

/// Errors from the test helpers.
struct TestFailure: Error, CustomStringConvertible {
    let description: String
}

/// The environment for git CLI runs: isolated from the user's and system configuration.
private func gitEnvironment() -> [String: String] {
    var environment = ProcessInfo.processInfo.environment
    environment["GIT_CONFIG_GLOBAL"] = "/dev/null"
    environment["GIT_CONFIG_NOSYSTEM"] = "1"
    environment["GIT_AUTHOR_NAME"] = "CLI"
    environment["GIT_AUTHOR_EMAIL"] = "cli@example.com"
    environment["GIT_COMMITTER_NAME"] = "CLI"
    environment["GIT_COMMITTER_EMAIL"] = "cli@example.com"
    return environment
}

/// Runs the git CLI (the independent check).
///
/// Output goes to temporary files, not pipes: tests run in parallel, and a `git daemon` started meanwhile by
/// another test could inherit a pipe's write end, so reading to end-of-file would never finish.
///
/// - Returns: Standard output as bytes.
@discardableResult
func gitData(_ arguments: [String], in directory: String? = nil) throws -> Data {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/git")
    process.arguments = arguments
    if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
    process.environment = gitEnvironment()
    let scratch = FileManager.default.temporaryDirectory
    let outputURL = scratch.appendingPathComponent("gitstore-cli-\(UUID().uuidString).out")
    let errorURL = scratch.appendingPathComponent("gitstore-cli-\(UUID().uuidString).err")
    _ = FileManager.default.createFile(atPath: outputURL.path, contents: nil)
    _ = FileManager.default.createFile(atPath: errorURL.path, contents: nil)
    defer {
        try? FileManager.default.removeItem(at: outputURL)
        try? FileManager.default.removeItem(at: errorURL)
    }
    let output = try FileHandle(forWritingTo: outputURL)
    let errors = try FileHandle(forWritingTo: errorURL)
    process.standardOutput = output
    process.standardError = errors
    process.standardInput = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    try output.close()
    try errors.close()
    guard process.terminationStatus == 0 else {
        let errorText = (try? String(contentsOf: errorURL, encoding: .utf8)) ?? ""
        throw TestFailure(description: "git \(arguments.joined(separator: " ")) failed: \(errorText)")
    }
    return try Data(contentsOf: outputURL)
}

/// Runs the git CLI and returns its output as text without the final newline.
@discardableResult
func git(_ arguments: [String], in directory: String? = nil) throws -> String {
    var text = String(decoding: try gitData(arguments, in: directory), as: UTF8.self)
    if text.hasSuffix("\n") { text.removeLast() }
    return text
}

/// A signature with a fixed, whole-second date.
func signature(_ name: String = "Placer", seconds: TimeInterval = 1_700_000_000) -> GitSignature {
    GitSignature(name: name, email: "\(name.lowercased())@example.com", date: Date(timeIntervalSince1970: seconds))
}

/// UTF-8 bytes of `text`.
func bytes(_ text: String) -> Data { Data(text.utf8) }

/// A TCP port on 127.0.0.1 that was free a moment ago (bound to port 0, then released).
func freePort() throws -> UInt16 {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard descriptor >= 0 else { throw TestFailure(description: "socket() failed") }
    defer { close(descriptor) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
            bind(descriptor, socketAddress, length) == 0 && getsockname(descriptor, socketAddress, &length) == 0
        }
    }
    guard bound else { throw TestFailure(description: "bind() failed") }
    return UInt16(bigEndian: address.sin_port)
}

/// Whether something accepts TCP connections on 127.0.0.1:`port`.
func portAccepts(_ port: UInt16) -> Bool {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard descriptor >= 0 else { return false }
    defer { close(descriptor) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = port.bigEndian
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    return withUnsafePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
        }
    }
}

/// A real `git daemon` serving every repository under `basePath` (with push enabled) on 127.0.0.1.
///
/// `git-daemon` is started directly, not through the `git` wrapper (killing the wrapper leaves its child
/// running), and stopped with SIGKILL: children of Foundation's `Process` inherit the test runner's blocked
/// signal mask, so SIGTERM (`terminate()`) stays pending and never stops them.
final class GitDaemon {
    let port: UInt16
    private let process = Process()

    /// Starts the daemon and waits (up to 5 s) until its port accepts connections.
    init(basePath: String) throws {
        port = try freePort()
        process.executableURL = URL(fileURLWithPath: "/usr/lib/git-core/git-daemon")
        process.arguments = [
            "--reuseaddr", "--listen=127.0.0.1", "--port=\(port)", "--base-path=\(basePath)",
            "--export-all", "--enable=receive-pack", basePath,
        ]
        process.environment = gitEnvironment()
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(5)
        while !portAccepts(port) {
            guard Date() < deadline, process.isRunning else {
                stop()
                throw TestFailure(description: "git daemon did not start on port \(port)")
            }
            usleep(20_000)
        }
    }

    /// The git:// URL of repository `name` under the base path.
    func url(_ name: String) -> String { "git://127.0.0.1:\(port)/\(name)" }

    /// Kills the daemon (SIGKILL) and waits for it.
    func stop() {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }
}

/// Runs a command-line tool (ssh-keygen, openssl) and returns its standard output; throws on a non-zero exit.
@discardableResult
func runTool(_ executable: String, _ arguments: [String], input: Data? = nil) throws -> String {
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("gitstore-tool-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: scratch) }
    let paths = ["in", "out", "err"].map { scratch.appendingPathComponent($0) }
    for url in paths { _ = FileManager.default.createFile(atPath: url.path, contents: nil) }
    if let input { try input.write(to: paths[0]) }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    process.environment = gitEnvironment()
    let handles = [
        try FileHandle(forReadingFrom: paths[0]), try FileHandle(forWritingTo: paths[1]),
        try FileHandle(forWritingTo: paths[2]),
    ]
    defer { handles.forEach { try? $0.close() } }
    process.standardInput = handles[0]
    process.standardOutput = handles[1]
    process.standardError = handles[2]
    try process.run()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
        let errorText = (try? String(contentsOf: paths[2], encoding: .utf8)) ?? ""
        throw TestFailure(description: "\(executable) \(arguments.joined(separator: " ")) failed: \(errorText)")
    }
    return (try? String(contentsOf: paths[1], encoding: .utf8)) ?? ""
}
