import AppModel
import Crypto
import Foundation
import Hummingbird

/// `/openapi/v2` and `/openapi/v3` built from the CRD schemas, so `kubectl apply` (default `--validate=strict`)
/// finds what it looks for (CONTRACT.md §11).
///
/// Each group version's v3 document lists a PATCH operation per resource with the
/// `x-kubernetes-group-version-kind` extension and the `fieldValidation` and `dryRun` query parameters: from
/// those kubectl learns that the server validates fields itself, and sends `fieldValidation=Strict`. Core types
/// the hub serves (Namespace, Event, Lease) get open schemas.
enum OpenAPI {
    /// Answers `GET /openapi/<rest>`.
    /// - Throws: ``APIError`` 404 for an unknown document, 405 for another method, 406 when only protobuf is
    ///   accepted (client-go then falls back).
    static func response(
        rest: String, method: HTTPRequest.Method, accept: String, schemas: SchemaRegistry
    ) throws
        -> Response
    {
        guard method == .get else { throw APIError.methodNotAllowed(method.rawValue) }
        if accept.contains("protobuf"), !accept.contains("json"), !accept.contains("*/*") {
            throw APIError(code: 406, reason: "NotAcceptable", message: "only application/json is served")
        }
        if rest == "v2" { return HubResponder.json(v2(schemas)) }
        if rest == "v3" { return HubResponder.json(v3Index(schemas)) }
        let prefix = "v3/"
        guard rest.hasPrefix(prefix), let document = v3(groupVersionPath: String(rest.dropFirst(prefix.count)), schemas)
        else { throw APIError.pathNotFound("/openapi/" + rest) }
        return HubResponder.json(document)
    }

    /// The definition name of a type: `io.open-cluster-management.work.v1.ManifestWork`, `io.k8s.api.core.v1.Event`.
    static func definitionName(_ type: ResourceType) -> String {
        guard type.isCustomResource else {
            let group = type.group.isEmpty ? "core" : String(type.group.prefix { $0 != "." })
            return "io.k8s.api.\(group).\(type.version).\(type.kind)"
        }
        let reversed = type.group.split(separator: ".").reversed().joined(separator: ".")
        return "\(reversed).\(type.version).\(type.kind)"
    }

    /// `api/v1` or `apis/<group>/<version>`.
    static func groupVersionPath(_ type: ResourceType) -> String {
        type.group.isEmpty ? "api/\(type.version)" : "apis/\(type.group)/\(type.version)"
    }

    private static func gvk(_ type: ResourceType) -> Value {
        .object([("group", .string(type.group)), ("version", .string(type.version)), ("kind", .string(type.kind))])
    }

    /// The schema of `type` with its group-version-kind extension.
    static func schema(_ type: ResourceType, _ schemas: SchemaRegistry) -> Value {
        let base =
            schemas.schema(for: type)?.raw
            ?? .object([("type", .string("object")), ("x-kubernetes-preserve-unknown-fields", .bool(true))])
        return base.setting("x-kubernetes-group-version-kind", to: .array([gvk(type)]))
    }

    /// `GET /openapi/v3`: the index of group-version documents.
    static func v3Index(_ schemas: SchemaRegistry) -> Value {
        var paths: [(String, Value)] = []
        for type in ResourceCatalog.all where !paths.contains(where: { $0.0 == groupVersionPath(type) }) {
            let path = groupVersionPath(type)
            let hash = v3(groupVersionPath: path, schemas).map(digest) ?? ""
            paths.append((path, .object([("serverRelativeURL", .string("/openapi/v3/\(path)?hash=\(hash)"))])))
        }
        return .object([("paths", .object(paths))])
    }

    /// The OpenAPI 3.0 document of one group version, or nil when the hub serves nothing there.
    static func v3(groupVersionPath path: String, _ schemas: SchemaRegistry) -> Value? {
        let types = ResourceCatalog.all.filter { groupVersionPath($0) == path }
        guard !types.isEmpty else { return nil }
        var operations: [(String, Value)] = []
        for type in types {
            let ref = Value.object([("$ref", .string("#/components/schemas/\(definitionName(type))"))])
            let reply = Value.object([
                (
                    "200",
                    .object([
                        ("description", .string("OK")),
                        ("content", .object([("application/json", .object([("schema", ref)]))])),
                    ])
                )
            ])
            let query = ["dryRun", "fieldManager", "fieldValidation", "force"].map { name in
                Value.object([
                    ("name", .string(name)), ("in", .string("query")),
                    ("schema", .object([("type", .string(name == "force" ? "boolean" : "string"))])),
                ])
            }
            func operation(_ id: String, _ parameters: [Value]) -> Value {
                .object([
                    ("operationId", .string(id + type.kind)), ("x-kubernetes-group-version-kind", gvk(type)),
                    ("parameters", .array(parameters)), ("responses", reply),
                ])
            }
            let scope = type.namespaced ? "/namespaces/{namespace}" : ""
            let collection = "/\(path)\(scope)/\(type.plural)"
            operations.append(
                (collection, .object([("get", operation("list", [])), ("post", operation("create", query))])))
            operations.append(
                (
                    collection + "/{name}",
                    .object([
                        ("get", operation("read", [])), ("put", operation("replace", query)),
                        ("patch", operation("patch", query)), ("delete", operation("delete", [])),
                    ])
                ))
        }
        let components = Value.object(types.map { (definitionName($0), schema($0, schemas)) })
        return .object([
            ("openapi", .string("3.0.0")),
            ("info", .object([("title", .string("EdgeSim OCM hub")), ("version", .string("v1.32.0"))])),
            ("paths", .object(operations)),
            ("components", .object([("schemas", components)])),
        ])
    }

    /// `GET /openapi/v2`: one Swagger 2.0 document with every type's definition.
    static func v2(_ schemas: SchemaRegistry) -> Value {
        .object([
            ("swagger", .string("2.0")),
            ("info", .object([("title", .string("EdgeSim OCM hub")), ("version", .string("v1.32.0"))])),
            ("paths", .object([])),
            ("definitions", .object(ResourceCatalog.all.map { (definitionName($0), schema($0, schemas)) })),
        ])
    }

    private static func digest(_ document: Value) -> String {
        SHA256.hash(data: document.canonicalJSONData()).prefix(16).map { String(format: "%02X", $0) }.joined()
    }
}
