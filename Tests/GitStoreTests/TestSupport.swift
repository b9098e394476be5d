import EdgeSim
import Foundation
import GitStore
import PlacerTestSupport
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
    let result = try runProgramBlocking("/usr/bin/git", arguments, environment: gitEnvironment(), directory: directory)
    guard result.status == 0 else {
        let errorText = String(decoding: result.standardError, as: UTF8.self)
        throw TestFailure(description: "git \(arguments.joined(separator: " ")) failed: \(errorText)")
    }
    return result.standardOutput
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

/// A real `git daemon` serving every repository under `basePath` (with push enabled) on 127.0.0.1: EdgeSim's
/// (`git-daemon` started directly and stopped with SIGKILL), with the port and URL shapes these tests use.
final class GitDaemon {
    let port: UInt16
    private let daemon: EdgeSim.GitDaemon

    /// Starts the daemon and waits until its port accepts connections.
    init(basePath: String) throws {
        daemon = try EdgeSim.GitDaemon(baseDirectory: basePath)
        port = UInt16(daemon.port)
    }

    /// The git:// URL of repository `name` under the base path.
    func url(_ name: String) -> String { daemon.url(repository: name) }

    /// Kills the daemon (SIGKILL) and waits for it.
    func stop() { daemon.stop() }
}

/// Runs a command-line tool (ssh-keygen, openssl) and returns its standard output; throws on a non-zero exit.
@discardableResult
func runTool(_ executable: String, _ arguments: [String], input: Data? = nil) throws -> String {
    let result = try runProgramBlocking(executable, arguments, environment: gitEnvironment(), input: input)
    guard result.status == 0 else {
        let errorText = String(decoding: result.standardError, as: UTF8.self)
        throw TestFailure(description: "\(executable) \(arguments.joined(separator: " ")) failed: \(errorText)")
    }
    return String(decoding: result.standardOutput, as: UTF8.self)
}
