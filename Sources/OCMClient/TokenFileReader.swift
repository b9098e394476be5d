import Foundation
import NIOConcurrencyHelpers

/// Reads a kubeconfig `tokenFile` on every request, so a rotated token (a projected service-account token, a file
/// another tool refreshes) is used at once. When the file is briefly unreadable or empty (mid-rotation), the last
/// token read is used, as client-go's cached token source does.
final class TokenFileReader: Sendable {
    /// The file's absolute path.
    let path: String
    /// The field that named it (`users[x].user.tokenFile`), for errors.
    let field: String
    private let lastGood: NIOLockedValueBox<String?>

    init(path: String, field: String, initial: String?) {
        self.path = path
        self.field = field
        lastGood = NIOLockedValueBox(initial)
    }

    /// The token as the file holds it now, or the last good one.
    /// - Throws: ``KubeconfigError/invalidField(field:reason:)`` when the file never gave a token.
    func current() throws -> String {
        do {
            let token = try Self.read(path: path, field: field)
            lastGood.withLockedValue { $0 = token }
            return token
        } catch {
            if let token = lastGood.withLockedValue({ $0 }) { return token }
            throw error
        }
    }

    /// Reads a token file: its text without surrounding white space.
    /// - Throws: ``KubeconfigError/invalidField(field:reason:)`` for an unreadable or empty file (never quoting it).
    static func read(path: String, field: String) throws -> String {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw KubeconfigError.invalidField(field: field, reason: "cannot read \(path): \(Kubeconfig.reason(error))")
        }
        let token = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !token.isEmpty else { throw KubeconfigError.invalidField(field: field, reason: "\(path) is empty") }
        return token
    }
}
