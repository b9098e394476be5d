import CLibGit2
import Foundation

/// The CA certificates libgit2's TLS stream trusts, which libgit2 1.5 keeps process-wide
/// (`GIT_OPT_SET_SSL_CERT_LOCATIONS`).
///
/// To give each repository its own CA bundle, every HTTPS fetch or push runs inside `withTrust`, which holds one
/// process-wide lock for the whole operation and loads the wanted bundle first. HTTPS operations of all
/// repositories in the process are therefore serialised; other transports are not affected.
final class TLSTrust: @unchecked Sendable {
    /// The one instance; libgit2's setting is per process.
    static let shared = TLSTrust()
    /// Debian's system bundle, libgit2's compiled-in default on Debian.
    static let systemBundle = "/etc/ssl/certs/ca-certificates.crt"

    private let lock = NSLock()
    /// The custom bundle last loaded; nil while libgit2 uses the system bundle.
    private var custom: String?

    /// Runs `body` with `caBundle` (nil: the system bundle) as libgit2's trusted CAs.
    ///
    /// A custom bundle is reloaded on every call, so a replaced file takes effect on the next operation.
    ///
    /// - Throws: `GitError` (kind `.untrustedServer`) naming the file if libgit2 cannot load it; `body`'s errors.
    func withTrust<T>(caBundle: String?, _ body: () throws -> T) throws -> T {
        lock.lock()
        defer { lock.unlock() }
        if let caBundle {
            try load(caBundle)
            custom = caBundle
        } else if custom != nil {
            try load(FileManager.default.fileExists(atPath: TLSTrust.systemBundle) ? TLSTrust.systemBundle : nil)
            custom = nil
        }
        return try body()
    }

    private func load(_ file: String?) throws {
        try LibGit2.ensureInitialised()
        let result = placer_git_set_ssl_cert_file(file)
        guard result >= 0 else {
            let error = GitError.last(code: result, operation: "git_libgit2_opts")
            throw GitError(
                code: result, klass: error.klass,
                message: "cannot load CA bundle \(file ?? "(none)"): \(error.message)",
                operation: "git_libgit2_opts", kind: .untrustedServer)
        }
    }
}
