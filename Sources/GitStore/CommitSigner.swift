import Foundation

/// Signs commits with an SSH key, as `git commit -S` does with `gpg.format=ssh`.
///
/// The unsigned commit object is signed by `ssh-keygen -Y sign -n git -f <key>` (namespace `git`, the
/// SSHSIG format of OpenSSH's PROTOCOL.sshsig) and stored in the commit's `gpgsig` header, so stock Git verifies
/// it with `git -c gpg.format=ssh -c gpg.ssh.allowedSignersFile=<file> log --show-signature`. The key must not be
/// passphrase-protected (ssh-keygen would prompt for it); ssh-agent keys are not supported.
public struct CommitSigner: Sendable, Equatable {
    /// The private key file (e.g. made by `ssh-keygen -t ed25519 -N ''`).
    public var privateKeyPath: String
    /// The `ssh-keygen` binary (OpenSSH 8.2 or later).
    public var sshKeygenPath: String

    /// Creates a signer.
    ///
    /// - Parameters:
    ///   - privateKeyPath: The unencrypted private key file.
    ///   - sshKeygenPath: The `ssh-keygen` binary.
    public init(privateKeyPath: String, sshKeygenPath: String = "/usr/bin/ssh-keygen") {
        self.privateKeyPath = privateKeyPath
        self.sshKeygenPath = sshKeygenPath
    }

    /// Signs `payload` (the commit object without its signature header).
    ///
    /// - Parameter payload: The bytes to sign.
    /// - Returns: The armoured signature (`-----BEGIN SSH SIGNATURE-----` … `-----END SSH SIGNATURE-----`),
    ///   without a trailing newline.
    /// - Throws: `GitError` naming the key file when ssh-keygen is missing or fails (unreadable or encrypted key).
    public func sign(_ payload: Data) throws -> String {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("placer-sign-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let input = scratch.appendingPathComponent("commit")
        let errors = scratch.appendingPathComponent("stderr")
        try payload.write(to: input)
        _ = FileManager.default.createFile(atPath: errors.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: sshKeygenPath)
        process.arguments = ["-Y", "sign", "-n", "git", "-f", privateKeyPath, input.path]
        let errorHandle = try FileHandle(forWritingTo: errors)
        defer { try? errorHandle.close() }
        // Files, not pipes, and no terminal: an encrypted key makes ssh-keygen fail instead of prompting.
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errorHandle
        do {
            try process.run()
        } catch {
            throw GitError(code: -1, message: "cannot run \(sshKeygenPath) to sign: \(error)", operation: "sign commit")
        }
        process.waitUntilExit()
        guard process.terminationStatus == 0,
            let signature = try? String(contentsOf: scratch.appendingPathComponent("commit.sig"), encoding: .utf8)
        else {
            let detail = ((try? String(contentsOf: errors, encoding: .utf8)) ?? "")
                .trimmingCharacters(in: .whitespacesAndNewlines)
            throw GitError(
                code: -1, message: "ssh-keygen cannot sign with key \(privateKeyPath): \(detail)",
                operation: "sign commit")
        }
        return signature.trimmingCharacters(in: .newlines)
    }
}
