import ArgumentParser
import Foundation
import GitStore
import PlacerCLI

/// How Placer authenticates to the app repo's remote, verifies it, and signs its commits (docs/git.md).
///
/// Secrets are given as files or environment variable names, never as values: command lines are visible to
/// every user of the machine (`ps`) and end up in shell history. They are read at each connection.
struct GitOptions: ParsableArguments {
    @Option(help: "SSH private key for ssh:// and user@host:path remotes (e.g. a deploy key).")
    var gitSshKeyFile: String?

    @Option(help: "File holding the SSH private key's passphrase (omit for an unencrypted key).")
    var gitSshPassphraseFile: String?

    @Option(help: "known_hosts file the SSH server's host key must be listed in (default: ~/.ssh/known_hosts).")
    var gitKnownHostsFile: String?

    @Option(help: "User name sent with an HTTPS token.")
    var gitUsername: String = "git"

    @Option(help: "File holding the HTTPS token or password, reread at each connection (rotation needs no restart).")
    var gitTokenFile: String?

    @Option(help: "Name of the environment variable holding the HTTPS token (default: PLACER_GIT_TOKEN when set).")
    var gitTokenEnv: String?

    @Option(help: "PEM CA bundle to trust for https:// remotes instead of the system's CA certificates.")
    var gitCaFile: String?

    @Option(help: "Unencrypted SSH private key to sign Placer's commits with (checked by git log --show-signature).")
    var gitSigningKeyFile: String?

    /// The environment variable read for the token when neither `--git-token-file` nor `--git-token-env` is given.
    static let defaultTokenVariable = "PLACER_GIT_TOKEN"

    func validate() throws {
        if gitTokenFile != nil, gitTokenEnv != nil {
            throw ValidationError("give --git-token-file or --git-token-env, not both")
        }
        if gitSshPassphraseFile != nil, gitSshKeyFile == nil {
            throw ValidationError("--git-ssh-passphrase-file needs --git-ssh-key-file")
        }
        for (flag, path) in [
            ("--git-ssh-key-file", gitSshKeyFile), ("--git-ssh-passphrase-file", gitSshPassphraseFile),
            ("--git-known-hosts-file", gitKnownHostsFile), ("--git-token-file", gitTokenFile),
            ("--git-ca-file", gitCaFile), ("--git-signing-key-file", gitSigningKeyFile),
        ] {
            if let path, !FileManager.default.isReadableFile(atPath: path) {
                throw ValidationError("\(flag): cannot read \(path)")
            }
        }
    }

    /// The credentials these options describe.
    ///
    /// SSH settings exist when `--git-ssh-key-file` is given; HTTPS settings when a token source or CA file is
    /// given, or the `PLACER_GIT_TOKEN` variable is set.
    ///
    /// - Returns: The credentials, `.none` when no option is given.
    /// - Throws: `ValidationError` when `--git-token-env` names a variable that is not set.
    func credentials() throws -> GitCredentials {
        var credentials = GitCredentials.none
        if let gitSshKeyFile {
            let knownHosts =
                gitKnownHostsFile
                ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".ssh/known_hosts").path
            credentials.ssh = GitCredentials.SSH(
                privateKeyPath: gitSshKeyFile, passphrase: gitSshPassphraseFile.map(GitSecret.file),
                knownHostsPath: knownHosts)
        }
        let environment = ProcessInfo.processInfo.environment
        if let gitTokenEnv, environment[gitTokenEnv] == nil {
            throw ValidationError("--git-token-env: environment variable \(gitTokenEnv) is not set")
        }
        let token: GitSecret? =
            gitTokenFile.map(GitSecret.file) ?? gitTokenEnv.map(GitSecret.environment)
            ?? (environment[Self.defaultTokenVariable] != nil ? .environment(Self.defaultTokenVariable) : nil)
        if token != nil || gitCaFile != nil {
            credentials.https = GitCredentials.HTTPS(username: gitUsername, token: token, caBundlePath: gitCaFile)
        }
        return credentials
    }

    /// The commit signer, nil when `--git-signing-key-file` is not given.
    func signer() -> CommitSigner? {
        gitSigningKeyFile.map { CommitSigner(privateKeyPath: $0) }
    }
}
