import Foundation

/// A `git daemon` serving a folder's repositories over git:// on 127.0.0.1, with push enabled.
///
/// The demo uses a real transport because libgit2's file:// transport does not check the remote branch's old
/// value on push (DESIGN.md §7).
public final class GitDaemon: @unchecked Sendable {
    let process = Process()
    /// The TCP port on 127.0.0.1.
    public let port: Int

    /// Starts `git daemon` for `baseDirectory` and waits until it accepts connections.
    /// - Parameters:
    ///   - baseDirectory: the folder whose repositories are served.
    ///   - port: the port on 127.0.0.1; nil picks a free one. Outage tests stop a daemon and start a new one on
    ///     the old daemon's port, so clients see the same remote come back.
    /// - Throws: when git is missing or the daemon does not listen within 10 s.
    public init(baseDirectory: String, port requested: Int? = nil) throws {
        let port = try requested ?? FreePort.find()
        self.port = port
        // The daemon binary itself, not the `git daemon` wrapper: killing the wrapper would orphan the daemon.
        process.executableURL = URL(fileURLWithPath: try Self.daemonPath())
        process.arguments = [
            "--reuseaddr", "--listen=127.0.0.1", "--port=\(port)", "--base-path=\(baseDirectory)",
            "--export-all", "--enable=receive-pack", "--informative-errors", baseDirectory,
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(10)
        while !FreePort.accepts(port: port) {
            guard Date() < deadline, process.isRunning else {
                stop()
                throw GitDaemonError("git daemon did not start on 127.0.0.1:\(port) (is git installed?)")
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
    }

    /// The clone URL of `repository` (a folder name under the base directory).
    public func url(repository: String) -> String { "git://127.0.0.1:\(port)/\(repository)" }

    /// Stops the daemon and waits for it to exit.
    public func stop() {
        guard process.isRunning else { return }
        // SIGKILL: children started through Foundation inherit a signal mask that blocks SIGTERM.
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// `git-daemon` in git's exec path (`git --exec-path`, usually /usr/lib/git-core).
    static func daemonPath() throws -> String {
        for directory in ["/usr/lib/git-core", "/usr/libexec/git-core", "/usr/local/libexec/git-core"] {
            let candidate = directory + "/git-daemon"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw GitDaemonError("git-daemon not found: install git (Debian package git)")
    }

    deinit { stop() }
}

/// Finds free TCP ports on 127.0.0.1.
public enum FreePort {
    /// A port on 127.0.0.1 that was free a moment ago.
    public static func find() throws -> Int {
        let socketFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socketFD >= 0 else { throw GitDaemonError("cannot open a socket") }
        defer { close(socketFD) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socketFD, $0, length) }
        }
        guard bound == 0 else { throw GitDaemonError("cannot bind a socket on 127.0.0.1") }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socketFD, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Whether something accepts TCP connections on 127.0.0.1:`port`.
    public static func accepts(port: Int) -> Bool {
        let socketFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socketFD >= 0 else { return false }
        defer { close(socketFD) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(socketFD, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        return result == 0
    }
}

/// Why the git daemon could not start.
public struct GitDaemonError: Error, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}
