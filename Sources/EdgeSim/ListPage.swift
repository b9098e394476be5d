import AppModel
import Foundation

/// List paging (`limit` and `continue`): one page of a sorted list and the opaque token for the next.
///
/// The token holds the list's resourceVersion and the last key served (base64url of JSON, URL-safe). Pages after the first
/// come from the current state after that key; a token older than the hub's kept history is 410 Expired, as
/// an etcd-compacted continue token is on kube-apiserver.
struct ListPage: Sendable {
    var items: [Value]
    /// The token for the next page, nil on the last page.
    var continueToken: String?
    /// How many items follow this page.
    var remainingItemCount: Int?
    /// The list's resourceVersion (the first page's, carried by the token).
    var resourceVersion: String

    /// Cuts a page out of `items` (sorted by namespace, then name).
    /// - Parameters:
    ///   - limit: the `limit` query value (nil or ≤ 0 for everything).
    ///   - token: the `continue` query value.
    ///   - resourceVersion: the store's current resourceVersion.
    ///   - oldestResourceVersion: the oldest resourceVersion the kept history reaches.
    /// - Throws: ``APIError`` 400 for a token this hub did not issue, 410 for an expired one.
    init(items: [Value], limit: Int?, token: String?, resourceVersion: Int, oldestResourceVersion: Int) throws {
        var rest = items
        var listVersion = resourceVersion
        if let token, !token.isEmpty {
            guard let data = Self.decode(token), let decoded = try? Value.parseJSON(data),
                let version = decoded["rv"]?.scalarText.flatMap({ Int($0) }), let start = decoded["start"]?.stringValue
            else { throw APIError.badRequest("continue key is not valid: the token was not issued by this server") }
            guard version >= oldestResourceVersion else { throw APIError.continueExpired }
            listVersion = version
            rest = items.filter { Self.sortKey($0) > start }
        }
        self.resourceVersion = String(listVersion)
        guard let limit, limit > 0, rest.count > limit else {
            self.items = rest
            return
        }
        self.items = Array(rest.prefix(limit))
        remainingItemCount = rest.count - limit
        let last = self.items.last.map(Self.sortKey) ?? ""
        let tokenValue: Value = .object([("rv", .int(listVersion)), ("start", .string(last))])
        continueToken = tokenValue.canonicalJSONData().base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Decodes a base64url token (no padding).
    private static func decode(_ token: String) -> Data? {
        var text = token.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while text.count % 4 != 0 { text += "=" }
        return Data(base64Encoded: text)
    }

    /// `namespace/name` (`/name` for cluster-scoped objects), the order lists are served in.
    static func sortKey(_ object: Value) -> String {
        "\(object.objectNamespace ?? "")/\(object.objectName)"
    }

    /// The list `metadata`: resourceVersion, continue and remainingItemCount.
    var metadata: Value {
        .object(
            [
                ("resourceVersion", .string(resourceVersion)), ("continue", continueToken.map(Value.string)),
                ("remainingItemCount", remainingItemCount.map(Value.int)),
            ].compactMap { key, value in value.map { (key, $0) } })
    }
}
