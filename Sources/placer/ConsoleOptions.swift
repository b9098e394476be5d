import ArgumentParser
import Dashboard
import Foundation
import PlacerCLI
import Reconciler

/// The console (`placer run --listen`): where it listens and where the tokens for its actions are. See
/// docs/console.md.
struct ConsoleOptions: ParsableArguments {
    @Option(
        help: """
            Serve the console (pages, JSON API, actions), /healthz and /readyz on host:port, for example \
            127.0.0.1:8080. Read-only pages are open on loopback; beyond it they need a sign-in too. With \
            --webhook-listen at the same address one server serves both.
            """)
    var listen: String?

    @Option(
        help: """
            File of console tokens for actions (deploy, pin, unpin, roll back, reconcile): one a line, \
            optionally followed by the commit author as Name <email>. Without it, actions are off.
            """)
    var consoleTokenFile: String?

    func validate() throws {
        if let listen {
            do {
                _ = try ListenAddress.parse(listen)
            } catch {
                throw ValidationError("--listen: \(error)")
            }
        } else if consoleTokenFile != nil {
            throw ValidationError("--console-token-file needs --listen")
        }
    }

    /// The console's address, or nil when it is off.
    func address() throws -> ListenAddress? {
        guard let listen else { return nil }
        do {
            return try ListenAddress.parse(listen)
        } catch {
            throw ValidationError("--listen: \(error)")
        }
    }

    /// The console's access settings for `address`.
    /// - Throws: ``CommandFailure`` naming the token file (never a token) when it cannot be read or parsed.
    func configuration(for address: ListenAddress) throws -> ConsoleConfiguration {
        var tokens: ConsoleTokens?
        if let consoleTokenFile {
            do {
                tokens = try ConsoleTokens.load(file: consoleTokenFile)
            } catch {
                throw CommandFailure("\(error)")
            }
        }
        return ConsoleConfiguration(tokens: tokens, openReads: ConsoleConfiguration.isLoopback(address.host))
    }
}
