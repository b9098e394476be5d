import Foundation

extension KubeClient {
    /// Lists objects, following `continue` tokens to the last page.
    /// - Parameters:
    ///   - namespace: one namespace, or nil for all namespaces (or a cluster-scoped kind).
    ///   - labelSelector: a selector such as `app=web,tier!=db`.
    ///   - limit: page size (`?limit=`); nil asks for everything at once.
    /// - Returns: each item's JSON, as the server sent it.
    /// - Throws: ``KubeError``.
    public func list(
        _ kind: ResourceKind, namespace: String?, labelSelector: String? = nil, limit: Int? = nil
    ) async throws -> [Data] {
        try await listAll(kind, namespace: namespace, labelSelector: labelSelector, limit: limit).items
    }

    /// Lists objects page by page and joins the pages.
    ///
    /// A `continue` token that expired before the list finished (410 Gone) starts the list over, once: a list
    /// is a snapshot at one resourceVersion, so pages of two snapshots are never mixed.
    /// - Parameters:
    ///   - namespace: one namespace, or nil for all namespaces (or a cluster-scoped kind).
    ///   - labelSelector: a selector such as `app=web,tier!=db`.
    ///   - limit: page size; nil asks for everything at once.
    /// - Returns: all items, with the resourceVersion of the snapshot (continueToken nil).
    /// - Throws: ``KubeError`` (410 when the restarted list expires too).
    public func listAll(
        _ kind: ResourceKind, namespace: String?, labelSelector: String? = nil, limit: Int? = nil
    ) async throws -> ListPage {
        var restarted = false
        while true {
            var result = ListPage(items: [])
            var token: String?
            do {
                repeat {
                    let page = try await listPage(
                        kind, namespace: namespace, labelSelector: labelSelector, limit: limit, continue: token)
                    if result.resourceVersion == nil { result.resourceVersion = page.resourceVersion }
                    result.items += page.items
                    token = page.continueToken
                } while token != nil
                return result
            } catch let error as KubeError where error.isGone && token != nil && !restarted {
                logger.debug("list continue token expired; listing again", metadata: ["plural": "\(kind.plural)"])
                restarted = true
            }
        }
    }

    /// Reads one page of a list.
    /// - Parameters:
    ///   - namespace: one namespace, or nil for all namespaces (or a cluster-scoped kind).
    ///   - labelSelector: a selector such as `app=web,tier!=db`.
    ///   - limit: page size (`?limit=`); nil for no limit.
    ///   - continue: the previous page's ``ListPage/continueToken``; nil for the first page.
    /// - Returns: the page.
    /// - Throws: ``KubeError`` (410 Gone for an expired continue token).
    public func listPage(
        _ kind: ResourceKind, namespace: String?, labelSelector: String? = nil, limit: Int? = nil,
        continue token: String? = nil
    ) async throws -> ListPage {
        let path = kind.path(namespace: namespace)
        var query: [(String, String)] = []
        if let labelSelector { query.append(("labelSelector", labelSelector)) }
        if let limit { query.append(("limit", String(limit))) }
        if let token { query.append(("continue", token)) }
        let response = try await send(.GET, path, query: query)
        guard let page = ListPage.parse(response.body) else {
            throw KubeError(
                kind: .invalidResponse, message: "the list has no items array", request: "GET \(server)\(path)",
                server: server)
        }
        return page
    }
}
