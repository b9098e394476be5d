import Foundation
import PlacerCLI

#if canImport(Glibc)
    import Glibc
#endif

/// An exclusive `flock(2)` on `<workdir>/.placer-demo.lock`, held for the life of the process: a second demo on
/// the same `--workdir` is refused instead of overwriting the first one's repo and kubeconfig. The kernel drops
/// the lock when the process ends however it ends (even SIGKILL), so no stale lock is ever left behind.
final class WorkdirLock: @unchecked Sendable {
    private let descriptor: Int32

    /// Takes the lock or throws.
    /// - Parameter folder: the demo's working folder (it must exist).
    /// - Throws: `CommandFailure` naming the holder's pid when another process holds it, or when the lock file
    ///   cannot be opened.
    init(folder: URL) throws {
        let path = folder.appendingPathComponent(".placer-demo.lock").path
        descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw CommandFailure("cannot open \(path): \(String(cString: strerror(errno)))")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let holder = (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(
                in: .whitespacesAndNewlines)
            close(descriptor)
            throw CommandFailure(
                "--workdir \(folder.path) is in use by another placer-lab demo\(holder.map { " (pid \($0))" } ?? ""); stop it or pick another --workdir"
            )
        }
        let pid = Data("\(ProcessInfo.processInfo.processIdentifier)\n".utf8)
        _ = ftruncate(descriptor, 0)
        _ = pid.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, pid.count, 0) }
    }

    deinit { close(descriptor) }
}
