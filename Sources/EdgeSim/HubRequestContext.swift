import Hummingbird
import NIOCore
import NIOSSL

/// The hub's request context: Hummingbird's basic context plus the connection, so the authenticator can read the
/// client certificate the TLS handshake verified.
struct HubRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    /// The request's connection (its pipeline holds the TLS handler when the hub serves HTTPS).
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }

    /// The verified client certificate of this connection, or nil (plain http, or none presented).
    func peerCertificate() async -> NIOSSLCertificate? {
        (try? await channel.nioSSL_peerCertificate().get()) ?? nil
    }
}
