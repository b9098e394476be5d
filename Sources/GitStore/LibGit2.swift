import CLibGit2

/// The process-wide libgit2 state and the one helper every C call goes through.
enum LibGit2 {
    /// The result of the single `git_libgit2_init()` of this process (Swift runs a global's
    /// initialiser exactly once, thread-safely), followed by the resource limits of a long-running daemon.
    private static let initResult: Int32 = {
        let result = git_libgit2_init()
        guard result >= 0 else { return result }
        // Every fetch adds a pack to the cache; unbounded, libgit2 keeps each one open (one file descriptor each)
        // and caches up to 256 MiB of objects. The soak (`placer-lab bench soak`) grew by one fd per reconcile.
        return placer_git_set_resource_limits(maxOpenPackFiles, 256 << 20, 32 << 20)
    }()

    /// The most pack files libgit2 keeps open at once (least recently used closed first).
    static let maxOpenPackFiles = 32

    /// Makes sure libgit2 is initialised; cheap after the first call.
    ///
    /// - Throws: `GitError` if libgit2 failed to initialise.
    static func ensureInitialised() throws {
        if initResult < 0 {
            throw GitError.last(code: initResult, operation: "git_libgit2_init")
        }
    }

    /// Checks a libgit2 return code, turning a negative one into a `GitError` built from
    /// `git_error_last()` read immediately (it is per thread and overwritten by the next call).
    ///
    /// - Parameters:
    ///   - result: The C function's return value.
    ///   - operation: The C function's name, for the error.
    /// - Returns: `result` when it is not negative (some calls return counts or booleans).
    /// - Throws: `GitError` when `result` is negative.
    @discardableResult
    static func check(_ result: Int32, _ operation: String) throws -> Int32 {
        guard result >= 0 else {
            throw GitError.last(code: result, operation: operation)
        }
        return result
    }

    /// Like `check`, but a `GIT_ENOTFOUND` result returns `false` instead of throwing.
    ///
    /// - Parameters:
    ///   - result: The C function's return value.
    ///   - operation: The C function's name, for the error.
    /// - Returns: `false` for `GIT_ENOTFOUND`, `true` for success.
    /// - Throws: `GitError` for any other negative result.
    static func checkFound(_ result: Int32, _ operation: String) throws -> Bool {
        if result == GIT_ENOTFOUND.rawValue {
            return false
        }
        try check(result, operation)
        return true
    }
}
