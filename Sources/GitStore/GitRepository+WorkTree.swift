import CLibGit2

extension GitRepository {
    /// What a local repo folder given as `--repo` looks like, for messages a person can act on before a fetch
    /// or push fails deep inside libgit2.
    public struct WorkTreeState: Sendable, Equatable {
        /// The branch checked out in the work tree (`main`), nil when HEAD is detached or unborn.
        public var checkedOutBranch: String?
        /// Paths with uncommitted changes (staged, unstaged or untracked, ignored files excluded), as `git status`
        /// lists them; empty for a clean tree.
        public var uncommittedPaths: [String]
    }

    /// The work-tree state of the repository at `path`, or nil when `path` is a bare repository or not a
    /// repository at all (a URL, a missing folder).
    /// - Parameter path: a local folder (a `file://` URL is accepted too).
    /// - Returns: the checked-out branch and uncommitted paths of a non-bare repository.
    public static func workTreeState(at path: String) -> WorkTreeState? {
        guard (try? LibGit2.ensureInitialised()) != nil else { return nil }
        let folder = path.hasPrefix("file://") ? String(path.dropFirst("file://".count)) : path
        var pointer: OpaquePointer?
        guard git_repository_open_ext(&pointer, folder, GIT_REPOSITORY_OPEN_NO_SEARCH.rawValue, nil) == 0,
            let handle = pointer
        else { return nil }
        defer { git_repository_free(handle) }
        guard git_repository_is_bare(handle) == 0 else { return nil }
        var branch: String?
        var head: OpaquePointer?
        if git_repository_head_detached(handle) == 0, git_repository_head(&head, handle) == 0, let head {
            branch = git_reference_shorthand(head).map { String(cString: $0) }
            git_reference_free(head)
        }
        var options = git_status_options()
        git_status_options_init(&options, UInt32(GIT_STATUS_OPTIONS_VERSION))
        options.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR
        options.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED.rawValue | GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS.rawValue
        var list: OpaquePointer?
        var paths: [String] = []
        if git_status_list_new(&list, handle, &options) == 0, let list {
            defer { git_status_list_free(list) }
            for index in 0..<git_status_list_entrycount(list) {
                guard let entry = git_status_byindex(list, index)?.pointee else { continue }
                let delta = entry.index_to_workdir ?? entry.head_to_index
                if let file = delta?.pointee.new_file.path ?? delta?.pointee.old_file.path {
                    paths.append(String(cString: file))
                }
            }
        }
        return WorkTreeState(checkedOutBranch: branch, uncommittedPaths: paths.sorted())
    }
}
