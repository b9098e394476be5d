import Crypto
import Foundation

/// Checks that a webhook delivery comes from the Git host that knows the shared secret.
///
/// - GitHub: `X-Hub-Signature-256: sha256=<hex>`, the HMAC-SHA256 of the raw body keyed with the secret
///   (https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries).
/// - Gitea: `X-Gitea-Signature: <hex>`, the same HMAC-SHA256 without a prefix
///   (https://docs.gitea.com/usage/repository/webhooks).
/// - GitLab: `X-Gitlab-Token: <secret>`, the secret token itself
///   (https://docs.gitlab.com/user/project/integrations/webhooks/#create-a-webhook, "Secret token").
///
/// Every comparison takes the same time whatever the bytes (HMACs: swift-crypto's
/// `isValidAuthenticationCode`; tokens: SHA-256 of both sides compared with ``ConstantTime/equal(_:_:)``, which
/// also hides the secret's length). The verifier is pure and thread-safe.
public struct WebhookVerifier: Sendable, CustomStringConvertible, CustomReflectable {
    /// The provider whose scheme this verifier checks.
    public let provider: WebhookProvider
    // The key's bytes: swift-crypto's SymmetricKey is not Sendable.
    private let keyBytes: [UInt8]
    private let tokenDigest: [UInt8]

    /// - Parameters:
    ///   - provider: the Git host.
    ///   - secret: the secret configured at that host.
    public init(provider: WebhookProvider, secret: WebhookSecret) {
        self.provider = provider
        keyBytes = secret.bytes
        tokenDigest = Array(SHA256.hash(data: secret.bytes))
    }

    /// Whether the delivery is authentic.
    /// - Parameters:
    ///   - authentication: the value of ``WebhookProvider/authenticationHeader`` (nil when absent).
    ///   - body: the raw request body, exactly as received.
    /// - Returns: true only when the header is present and matches.
    public func isAuthentic(authentication: String?, body: some DataProtocol) -> Bool {
        guard let authentication else { return false }
        switch provider {
        case .github:
            guard authentication.hasPrefix("sha256=") else { return false }
            return macMatches(hex: authentication.dropFirst("sha256=".count), body: body)
        case .gitea:
            return macMatches(hex: Substring(authentication), body: body)
        case .gitlab:
            let given = Array(SHA256.hash(data: Array(authentication.utf8)))
            return ConstantTime.equal(given, tokenDigest)
        }
    }

    public var description: String { "WebhookVerifier(\(provider.name))" }
    /// Only the provider: the key never shows in `dump` or test failure messages.
    public var customMirror: Mirror { Mirror(self, children: ["provider": provider]) }

    private func macMatches(hex: Substring, body: some DataProtocol) -> Bool {
        guard let mac = ConstantTime.decodeHex(hex), mac.count == SHA256.byteCount else { return false }
        return HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: body, using: SymmetricKey(data: keyBytes))
    }

    /// The header value the provider would send for `body` (GitHub: `sha256=<hex>`, Gitea: `<hex>`, GitLab:
    /// the token). For tests and for replaying a captured delivery.
    public static func signature(provider: WebhookProvider, secret: WebhookSecret, body: some DataProtocol) -> String {
        let hex = HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: secret.bytes))
            .map { String(format: "%02x", $0) }.joined()
        switch provider {
        case .github: return "sha256=" + hex
        case .gitea: return hex
        case .gitlab: return String(decoding: secret.bytes, as: UTF8.self)
        }
    }
}

/// Comparisons whose time does not depend on where the inputs differ.
public enum ConstantTime {
    /// Whether two byte arrays are equal; the time depends only on their lengths.
    public static func equal(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for index in lhs.indices { difference |= lhs[index] ^ rhs[index] }
        return difference == 0
    }

    /// Decodes hexadecimal text (either case); nil when the text has an odd length or a non-hex character.
    static func decodeHex(_ text: Substring) -> [UInt8]? {
        let digits = Array(text.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count / 2)
        var index = 0
        while index < digits.count {
            guard let high = nibble(digits[index]), let low = nibble(digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }

    private static func nibble(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
