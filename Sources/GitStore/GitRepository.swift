import CLibGit2
import Foundation
import Logging

/// Owns one libgit2 repository handle.
///
/// Thread-safe by an internal lock: libgit2 handles are not, so every public method holds the lock for its
/// whole duration (including network I/O in `fetch` and `push`). The API is synchronous; call it from a
/// background context when latency matters. Objects are built in memory (tree updates, tree builders),
/// never through a work tree or an on-disk index.
public final class GitRepository: @unchecked Sendable {
    /// The libgit2 handle; used only while `lock` is held.
    let handle: OpaquePointer
    /// Serialises every use of `handle`.
    private let lock = NSLock()
    /// Module logger, the default of `logger`.
    static let logger = Logger(label: "placer.gitstore")
    /// Where this repository logs fetches, pushes and refusals (label `placer.gitstore` unless replaced).
    /// URLs in messages never carry secrets. Read and written under `lock`.
    private var storedLogger = GitRepository.logger

    /// The repository's path as given when it was opened or created.
    public let path: String
    /// How fetch and push authenticate; read and written under `lock`.
    private var storedCredentials: GitCredentials
    /// Remote `origin` as looked up once, never connected: each fetch and push works on a copy
    /// (``withOrigin(_:)``). Read and written under `lock`.
    var originTemplate: OpaquePointer?

    private init(handle: OpaquePointer, path: String, credentials: GitCredentials = .none) {
        self.handle = handle
        self.path = path
        self.storedCredentials = credentials
    }

    /// How `fetch` and `push` authenticate to `origin` and verify it (none by default).
    ///
    /// Secrets are read at each connection, so changing the files they name needs no new value here.
    public var credentials: GitCredentials {
        get { withLock { storedCredentials } }
        set { withLock { storedCredentials = newValue } }
    }

    /// Where this repository logs; replace it to add metadata (e.g. `app`) or to capture logs in tests.
    public var logger: Logger {
        get { withLock { storedLogger } }
        set { withLock { storedLogger = newValue } }
    }

    /// The logger, for callers that already hold the lock.
    var loggerLocked: Logger { storedLogger }

    /// The credentials, for callers that already hold the lock.
    var credentialsLocked: GitCredentials { storedCredentials }

    deinit {
        git_remote_free(originTemplate)
        git_repository_free(handle)
    }

    /// Creates a bare repository (or reopens one that is already there).
    ///
    /// - Parameter path: The repository's folder; missing parents are created.
    /// - Returns: The open repository.
    /// - Throws: `GitError` if the folder cannot be created or initialised.
    public static func initBare(at path: String) throws -> GitRepository {
        try LibGit2.ensureInitialised()
        var pointer: OpaquePointer?
        try LibGit2.check(git_repository_init(&pointer, path, 1), "git_repository_init")
        guard let handle = pointer else {
            throw GitError(code: -1, message: "no repository at \(path)", operation: "git_repository_init")
        }
        return GitRepository(handle: handle, path: path)
    }

    /// Opens an existing repository at exactly `path` (bare folder or work tree; parent folders are not searched).
    ///
    /// - Parameter path: The repository's folder.
    /// - Returns: The open repository.
    /// - Throws: `GitError` with kind `.notFound` if there is no repository at `path`.
    public static func open(at path: String) throws -> GitRepository {
        try LibGit2.ensureInitialised()
        var pointer: OpaquePointer?
        let flags = GIT_REPOSITORY_OPEN_NO_SEARCH.rawValue
        try LibGit2.check(git_repository_open_ext(&pointer, path, flags, nil), "git_repository_open_ext")
        guard let handle = pointer else {
            throw GitError(code: -1, message: "no repository at \(path)", operation: "git_repository_open_ext")
        }
        return GitRepository(handle: handle, path: path)
    }

    /// Opens (or creates) a bare local cache of `remoteURL`, with remote `origin` set to that URL.
    ///
    /// - Parameters:
    ///   - path: The cache's folder; created as a bare repository if it holds none.
    ///   - remoteURL: Any URL libgit2 understands (`file://`, `git://`, `ssh://`, `https://`, scp-like
    ///     `user@host:path`) or a local path. It must not embed a password.
    ///   - credentials: How fetch and push authenticate and verify the server (see `GitCredentials`).
    /// - Returns: The open cache; nothing is fetched yet.
    /// - Throws: `GitError` if the folder is not usable or the remote cannot be configured; kind
    ///   `.authenticationFailed` (with a message that does not repeat the secret) if `remoteURL` embeds a password.
    public static func openCache(
        at path: String, remoteURL: String, credentials: GitCredentials = .none
    ) throws -> GitRepository {
        _ = try RemoteURL(remoteURL)
        let repository: GitRepository
        do {
            repository = try open(at: path)
        } catch let error as GitError where error.kind == .notFound {
            repository = try initBare(at: path)
        }
        try repository.withLock {
            try repository.configureOrigin(url: remoteURL)
            repository.storedCredentials = credentials
        }
        return repository
    }

    /// Runs `body` while holding the repository lock.
    func withLock<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }

    /// Makes remote `origin` point at `url`, creating it with the default fetch refspec if missing.
    private func configureOrigin(url: String) throws {
        git_remote_free(originTemplate)
        originTemplate = nil
        var remote: OpaquePointer?
        let found = try LibGit2.checkFound(git_remote_lookup(&remote, handle, "origin"), "git_remote_lookup")
        if found {
            defer { git_remote_free(remote) }
            let current = git_remote_url(remote).map { String(cString: $0) }
            if current != url {
                try LibGit2.check(git_remote_set_url(handle, "origin", url), "git_remote_set_url")
            }
        } else {
            var created: OpaquePointer?
            try LibGit2.check(git_remote_create(&created, handle, "origin", url), "git_remote_create")
            git_remote_free(created)
        }
    }
}
