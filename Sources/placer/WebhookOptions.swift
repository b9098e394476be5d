import ArgumentParser
import Dashboard
import Foundation
import PlacerCLI

/// Push webhooks and the health endpoints (`placer run`): where to listen and where the shared secret is.
/// The secret comes from a file or an environment variable, never from the command line, where `ps` and shell
/// history would show it. See docs/webhooks.md.
struct WebhookOptions: ParsableArguments {
    @Option(
        help: """
            Serve push webhooks (/hooks/github, /hooks/gitlab, /hooks/gitea), /healthz and /readyz on host:port, \
            for example 127.0.0.1:8080.
            """)
    var webhookListen: String?

    @Option(help: "File holding the webhook secret (one trailing newline is ignored).")
    var webhookSecretFile: String?

    @Option(help: "Name of the environment variable holding the webhook secret.")
    var webhookSecretEnv: String?

    func validate() throws {
        if webhookSecretFile != nil && webhookSecretEnv != nil {
            throw ValidationError("give either --webhook-secret-file or --webhook-secret-env, not both")
        }
        guard let webhookListen else {
            if webhookSecretFile != nil || webhookSecretEnv != nil {
                throw ValidationError("--webhook-secret-file and --webhook-secret-env need --webhook-listen")
            }
            return
        }
        do {
            _ = try ListenAddress.parse(webhookListen)
        } catch {
            throw ValidationError("--webhook-listen: \(error)")
        }
        if webhookSecretFile == nil && webhookSecretEnv == nil {
            throw ValidationError("--webhook-listen needs --webhook-secret-file or --webhook-secret-env")
        }
    }

    /// The address to listen on, or nil when webhooks are off.
    /// - Throws: `ValidationError` for an address that does not parse.
    func listenAddress() throws -> ListenAddress? {
        guard let webhookListen else { return nil }
        do {
            return try ListenAddress.parse(webhookListen)
        } catch {
            throw ValidationError("--webhook-listen: \(error)")
        }
    }

    /// Loads the secret from the file or the environment variable.
    /// - Throws: `ValidationError` naming the source (never the secret) when neither is given or it cannot be read.
    func secret() throws -> WebhookSecret {
        do {
            if let webhookSecretFile { return try WebhookSecret.load(file: webhookSecretFile) }
            if let webhookSecretEnv { return try WebhookSecret.load(environment: webhookSecretEnv) }
        } catch {
            throw ValidationError("\(error)")
        }
        throw ValidationError("no webhook secret: give --webhook-secret-file or --webhook-secret-env")
    }

    /// The dashboard's configuration, or nil when `--webhook-listen` is not given.
    /// - Parameter filter: which pushes reconcile (`WebhookFilter(configuration:)` of the reconciler's).
    /// - Throws: `ValidationError` for a bad address or an unreadable secret.
    func dashboardConfiguration(filter: WebhookFilter) throws -> DashboardConfiguration? {
        guard let address = try listenAddress() else { return nil }
        return DashboardConfiguration(host: address.host, port: address.port, secret: try secret(), filter: filter)
    }
}
