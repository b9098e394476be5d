import ArgumentParser
import Foundation
import GitStore
import PlacerCLI
import Reconciler
import Subprocess

#if canImport(System)
    import System
#else
    import SystemPackage
#endif

/// `placer rollback APP [--to REV]`: restore an app's earlier placement in a commit that counts as a human
/// decision.
struct RollbackCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rollback",
        abstract:
            "Put an app back where it was (before its last placement change, or as of --to REV) in a commit Placer then honours as a human decision."
    )

    @Argument(help: "The app (its folder name under apps/).")
    var app: String

    @Option(help: "Restore the placement as of this commit (full id or a unique prefix of 7+ hex digits).")
    var to: String?

    @Option(
        help:
            "Author of the rollback commit, as \"Name <email>\" (default: GIT_AUTHOR_NAME/GIT_AUTHOR_EMAIL, else git config user.name/user.email)."
    )
    var author: String?

    @OptionGroup var repo: RepoOptions
    @OptionGroup var logging: LoggingOptions

    func run() async throws {
        logging.bootstrap()
        let reconciler = try Reconciler(configuration: repo.configuration(), hub: nil)
        do {
            let result = try await reconciler.rollback(app: app, to: to, author: try await signature())
            Console.print(
                "\(app): \(result.fromCluster ?? "unplaced") → \(result.toCluster ?? "unplaced") (placement of \(result.restoredFrom.prefix(12)))"
            )
            Console.print(
                "pushed \(result.commit.prefix(12)) to \(repo.branch); Placer applies it on its next reconcile and keeps it until apps/\(app)/ changes"
            )
        } catch let error as RollbackError {
            throw CommandFailure(error.description)
        } catch let error as ReconcileError {
            throw CommandFailure(error.description)
        }
    }

    /// The rollback's author: `--author`, else the environment, else `git config`, as git itself finds it.
    /// - Returns: the signature, dated now.
    /// - Throws: `ValidationError` for a malformed `--author`; ``CommandFailure`` when no author is found.
    func signature() async throws -> GitSignature {
        let environment = ProcessInfo.processInfo.environment
        if let author {
            guard let open = author.firstIndex(of: "<"), author.hasSuffix(">") else {
                throw ValidationError("--author must look like \"Name <email>\"")
            }
            let name = author[..<open].trimmingCharacters(in: .whitespaces)
            let email = String(author[author.index(after: open)..<author.index(before: author.endIndex)])
            return GitSignature(name: name, email: email, date: Date())
        }
        // As git itself finds the author: the environment, then `git config user.name/user.email`.
        let configuredName = environment["GIT_AUTHOR_NAME"] == nil ? await Self.gitConfig("user.name") : nil
        let configuredEmail = environment["GIT_AUTHOR_EMAIL"] == nil ? await Self.gitConfig("user.email") : nil
        guard let name = environment["GIT_AUTHOR_NAME"] ?? configuredName,
            let email = environment["GIT_AUTHOR_EMAIL"] ?? configuredEmail
        else {
            throw CommandFailure(
                "who is rolling back? give --author \"Name <email>\", or set GIT_AUTHOR_NAME and GIT_AUTHOR_EMAIL, or git config user.name and user.email"
            )
        }
        return GitSignature(name: name, email: email, date: Date())
    }

    /// `git config --get KEY` as the user's git would read it, nil when unset or git is missing.
    /// - Parameter key: the configuration key, e.g. `user.name`.
    /// - Returns: the value without surrounding whitespace, or nil.
    static func gitConfig(_ key: String) async -> String? {
        guard
            let result = try? await Subprocess.run(
                .path(FilePath("/usr/bin/git")), arguments: ["config", "--get", key], input: .none,
                output: .string(limit: 64 * 1024), error: .discarded),
            result.terminationStatus.isSuccess
        else { return nil }
        let value = (result.standardOutput ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        return value.isEmpty ? nil : value
    }
}
