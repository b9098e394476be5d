import GitStore
import Testing

/// Which push rejections are a lost race (fetch, redo, push again) and which are final. git's receive-pack reports
/// a concurrent push that held or moved the ref as "failed to update ref"; twenty humans pushing over `git daemon`
/// beside Placer (ConcurrentWritersTests) hit it within seconds.
@Suite struct PushRaceClassTests {
    @Test(arguments: [
        "non-fast-forward", "fetch first", "stale info", "failed to update ref", "failed to lock",
        "cannot lock ref 'refs/heads/main': is at 1a2b but expected 3c4d",
    ])
    func aRaceIsRetried(_ status: String) {
        let error = GitError(code: -1, message: "rejected", operation: "git_remote_push", kind: .pushRejected(status))
        #expect(error.isNonFastForward)
    }

    @Test(arguments: ["pre-receive hook declined", "protected branch hook declined", "deny updating a hidden ref"])
    func aRefusalIsFinal(_ status: String) {
        let error = GitError(code: -1, message: "rejected", operation: "git_remote_push", kind: .pushRejected(status))
        #expect(!error.isNonFastForward)
    }
}
