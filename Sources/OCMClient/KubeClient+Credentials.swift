import AsyncHTTPClient
import Foundation

extension KubeClient {
    /// Puts the credentials of this moment on one request attempt: the `Authorization` header (a token file is
    /// read again, an exec plugin's credential is refreshed when expired), an exec plugin's client certificate, and
    /// the `tls-server-name` host. Call it before every attempt, retries included. Never logs.
    /// - Throws: ``KubeconfigError`` when the token file never gave a token or the exec plugin fails.
    func authorize(_ request: inout HTTPClientRequest) async throws {
        let current = try await credentials.current()
        if let authorization = current.authorization {
            request.headers.replaceOrAdd(name: "Authorization", value: authorization)
        }
        if let tls = current.tlsConfiguration { request.tlsConfiguration = tls }
        if let name = credentials.tlsServerName { request.url = TLSSettings.url(request.url, host: name) }
    }

    /// Forgets an exec plugin's cached credential so the next request runs the plugin again (client-go does this
    /// after a 401). No effect for other kinds of credentials.
    public func refreshCredentials() async {
        await credentials.invalidate()
    }
}
