/// What a request path addresses on the hub.
enum HubRoute: Equatable {
    case version
    case coreVersions
    case groupList
    case group(String)
    case resourceList(group: String, version: String)
    /// A collection (`name == nil`), an object, or an object's subresource. `namespace == nil` for cluster-scoped
    /// types and for lists across all namespaces.
    case objects(ResourceType, namespace: String?, name: String?, subresource: String?)
    /// An OpenAPI document: the path after `/openapi/` (`v2`, `v3`, `v3/apis/<group>/<version>`).
    case openAPI(String)

    /// Parses a request path.
    /// - Throws: ``APIError`` 404 for a path the hub does not serve.
    init(path: String) throws {
        let segments = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        let notFound = APIError.pathNotFound(path)
        switch segments.first {
        case "version" where segments.count == 1:
            self = .version
        case "openapi" where segments.count >= 2:
            self = .openAPI(segments.dropFirst().joined(separator: "/"))
        case "api":
            if segments.count == 1 {
                self = .coreVersions
                return
            }
            guard segments[1] == "v1" else { throw notFound }
            if segments.count == 2 {
                self = .resourceList(group: "", version: "v1")
                return
            }
            self = try Self.objects(group: "", version: "v1", rest: Array(segments[2...]), notFound: notFound)
        case "apis":
            switch segments.count {
            case 1: self = .groupList
            case 2: self = .group(segments[1])
            case 3: self = .resourceList(group: segments[1], version: segments[2])
            default:
                self = try Self.objects(
                    group: segments[1], version: segments[2], rest: Array(segments[3...]), notFound: notFound)
            }
        default:
            throw notFound
        }
    }

    private static func objects(group: String, version: String, rest: [String], notFound: APIError) throws -> HubRoute {
        var rest = rest
        var namespace: String?
        if rest.count >= 3, rest[0] == "namespaces",
            let type = ResourceCatalog.type(group: group, version: version, plural: rest[2]), type.namespaced
        {
            namespace = rest[1]
            rest.removeFirst(2)
        }
        guard rest.count <= 3, let plural = rest.first,
            let type = ResourceCatalog.type(group: group, version: version, plural: plural)
        else { throw notFound }
        let name = rest.count > 1 ? rest[1] : nil
        let subresource = rest.count > 2 ? rest[2] : nil
        // A namespaced object is addressed only under its namespace; a cluster-scoped one never is.
        if type.namespaced, name != nil, namespace == nil { throw notFound }
        if let subresource, subresource != "status" || !type.hasStatusSubresource { throw notFound }
        return .objects(type, namespace: namespace, name: name, subresource: subresource)
    }
}
