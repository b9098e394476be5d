import Foundation

/// Debian's OpenSSH server on 127.0.0.1 serving Git repositories over ssh://, for tests and demos.
///
/// Everything lives in a fresh temporary folder: a throwaway ed25519 host key, an ed25519 client key authorised
/// to log in as the current user, `authorized_keys`, a `known_hosts` file naming the server as
/// `[127.0.0.1]:<port>`, the sshd config, its pid file and its log (`sshd.log`). Repositories are addressed by
/// absolute path (`url(for:)`); sshd runs `git-upload-pack` / `git-receive-pack` through the user's shell.
/// Needs root (sshd changes user for the session) and `/usr/sbin/sshd` (Debian package openssh-server).
public final class SSHGitServer: @unchecked Sendable {
    /// The TCP port on 127.0.0.1.
    public let port: Int
    /// The temporary folder holding keys, config and log; removed by `stop()`.
    public let directory: String
    /// The private key the server accepts (ed25519, no passphrase); its public key is `clientKeyPath + ".pub"`.
    public let clientKeyPath: String
    /// A known_hosts file with exactly the server's host key for `[127.0.0.1]:<port>`.
    public let knownHostsPath: String
    /// The server's host key line as known_hosts lists it, without host: `"ssh-ed25519 AAAA…"`.
    public let hostKeyLine: String
    /// The user the URLs log in as (the current user; root in CI).
    public let user: String
    private var process: SpawnedProcess?

    /// Generates keys, writes the config and starts `sshd -D`, waiting (up to 10 s) until it accepts connections.
    ///
    /// - Throws: `GitDaemonError` if ssh-keygen or sshd is missing or sshd does not listen in time (the message
    ///   includes the end of its log).
    public init() throws {
        port = try FreePort.find()
        directory =
            FileManager.default.temporaryDirectory
            .appendingPathComponent("placer-sshd-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        clientKeyPath = directory + "/id_ed25519"
        knownHostsPath = directory + "/known_hosts"
        user = SSHGitServer.currentUser()
        let hostKey = directory + "/ssh_host_ed25519_key"
        try GitServerTool.run("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "host", "-f", hostKey])
        try GitServerTool.run(
            "/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "placer", "-f", clientKeyPath])
        let hostPublic = try String(contentsOfFile: hostKey + ".pub", encoding: .utf8)
        hostKeyLine = hostPublic.split(separator: " ").prefix(2).joined(separator: " ")
        try "[127.0.0.1]:\(port) \(hostKeyLine)\n".write(toFile: knownHostsPath, atomically: true, encoding: .utf8)
        try FileManager.default.copyItem(atPath: clientKeyPath + ".pub", toPath: directory + "/authorized_keys")
        // sshd refuses to start without its privilege-separation folder; Debian creates it only at service start.
        try FileManager.default.createDirectory(atPath: "/run/sshd", withIntermediateDirectories: true)
        let config = """
            ListenAddress 127.0.0.1:\(port)
            HostKey \(hostKey)
            PidFile \(directory)/sshd.pid
            AuthorizedKeysFile \(directory)/authorized_keys
            PermitRootLogin prohibit-password
            StrictModes no
            UsePAM no
            PubkeyAuthentication yes
            PasswordAuthentication no
            KbdInteractiveAuthentication no
            AllowTcpForwarding no
            X11Forwarding no
            PrintMotd no
            LogLevel VERBOSE

            """
        try config.write(toFile: directory + "/sshd_config", atomically: true, encoding: .utf8)
        let log = directory + "/sshd.log"
        let process: SpawnedProcess
        do {
            process = try SpawnedProcess(
                "/usr/sbin/sshd", ["-D", "-e", "-f", directory + "/sshd_config"], logPath: log)
        } catch {
            removeFiles()
            throw GitDaemonError("cannot start /usr/sbin/sshd (install openssh-server): \(error)")
        }
        self.process = process
        let deadline = Date().addingTimeInterval(10)
        while !FreePort.accepts(port: port) {
            guard Date() < deadline, process.isRunning else {
                let tail = (try? String(contentsOfFile: log, encoding: .utf8))?.suffix(800) ?? ""
                stop()
                throw GitDaemonError("sshd did not start on 127.0.0.1:\(port): \(tail)")
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
    }

    /// The ssh:// URL of the repository at absolute path `repoPath`, e.g. `ssh://root@127.0.0.1:40123/tmp/x.git`.
    public func url(for repoPath: String) -> String {
        "ssh://\(user)@127.0.0.1:\(port)\(repoPath.hasPrefix("/") ? "" : "/")\(repoPath)"
    }

    /// Also accepts the public key in file `publicKeyPath` (appended to `authorized_keys`; sshd rereads it).
    ///
    /// - Throws: when the file cannot be read or `authorized_keys` cannot be written.
    public func authorize(publicKeyPath: String) throws {
        let key = try String(contentsOfFile: publicKeyPath, encoding: .utf8)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: directory + "/authorized_keys"))
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data((key.hasSuffix("\n") ? key : key + "\n").utf8))
    }

    /// Kills sshd (SIGKILL: Foundation's children can ignore SIGTERM) and removes the temporary folder.
    public func stop() {
        process?.stop()
        removeFiles()
    }

    private func removeFiles() {
        try? FileManager.default.removeItem(atPath: directory)
    }

    private static func currentUser() -> String {
        guard let entry = getpwuid(getuid()), let name = entry.pointee.pw_name else { return "root" }
        return String(cString: name)
    }

    deinit { stop() }
}

/// Runs the command-line tools the test Git servers are built from.
enum GitServerTool {
    /// Runs `executable` with `arguments`, optional standard input, and returns its standard output.
    ///
    /// Output goes through temporary files, not pipes: a server started meanwhile could inherit a pipe's write
    /// end and keep it open forever.
    ///
    /// - Throws: `GitDaemonError` with the tool's standard error when it exits non-zero or cannot start.
    @discardableResult
    static func run(_ executable: String, _ arguments: [String], input: Data? = nil) throws -> String {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("placer-tool-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let outURL = scratch.appendingPathComponent("out")
        let errURL = scratch.appendingPathComponent("err")
        let inURL = scratch.appendingPathComponent("in")
        for url in [outURL, errURL, inURL] { _ = FileManager.default.createFile(atPath: url.path, contents: nil) }
        if let input { try input.write(to: inURL) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = try FileHandle(forWritingTo: outURL)
        let errors = try FileHandle(forWritingTo: errURL)
        let standardInput = try FileHandle(forReadingFrom: inURL)
        defer {
            try? output.close()
            try? errors.close()
            try? standardInput.close()
        }
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = standardInput
        do {
            try process.run()
        } catch {
            throw GitDaemonError("cannot run \(executable): \(error)")
        }
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let text = (try? String(contentsOf: errURL, encoding: .utf8)) ?? ""
            throw GitDaemonError("\(executable) \(arguments.first ?? "") failed: \(text)")
        }
        return (try? String(contentsOf: outURL, encoding: .utf8)) ?? ""
    }
}

/// A server process started with `posix_spawn`, not Foundation's `Process`.
///
/// Foundation on Linux learns that a child exited when the child's end of a socket it inherits is closed, then
/// waits for it with a blocking `waitpid` on its one monitor thread. Daemons that close inherited descriptors at
/// start (sshd does) look exited at once, and that blocking wait then stalls every other `Process` in the test
/// run. Spawning directly avoids it. Descriptors above 2 are not inherited; the signal mask is reset so the
/// server's own children behave normally.
final class SpawnedProcess: @unchecked Sendable {
    /// The child's process id.
    let pid: pid_t
    private var reaped = false
    private let lock = NSLock()

    /// Starts `executable` with `arguments`, standard input from /dev/null and standard output and error
    /// appended to `logPath`.
    ///
    /// - Throws: `GitDaemonError` if the executable cannot be started.
    init(_ executable: String, _ arguments: [String], logPath: String) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, logPath, O_WRONLY | O_APPEND | O_CREAT, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        // glibc ≥ 2.34 has it, but Swift does not import it without _GNU_SOURCE: look it up at run time.
        if let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") {
            typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
            _ = unsafeBitCast(symbol, to: CloseFrom.self)(&actions, 3)
        }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGTERM, SIGINT, SIGHUP, SIGCHLD, SIGPIPE] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var child: pid_t = 0
        let result = posix_spawn(&child, executable, &actions, &attributes, argv, environ)
        guard result == 0 else {
            throw GitDaemonError("cannot start \(executable): \(String(cString: strerror(result)))")
        }
        pid = child
    }

    /// Whether the child is still running (reaps it if it has exited).
    var isRunning: Bool {
        lock.lock()
        defer { lock.unlock() }
        guard !reaped else { return false }
        var status: Int32 = 0
        if waitpid(pid, &status, WNOHANG) == pid {
            reaped = true
        }
        return !reaped
    }

    /// Kills the child with SIGKILL and reaps it.
    func stop() {
        lock.lock()
        defer { lock.unlock() }
        guard !reaped else { return }
        kill(pid, SIGKILL)
        var status: Int32 = 0
        _ = waitpid(pid, &status, 0)
        reaped = true
    }

    deinit { stop() }
}
