import AppModel
import Foundation
import Hummingbird

/// One request against stored objects, decoded from HTTP and carried out on the store.
struct ObjectCall: Sendable {
    var type: ResourceType
    var namespace: String?
    var name: String?
    var part: WritePart
    var method: HTTPRequest.Method
    var contentType: String
    var accept: String
    var query: [String: String]
    var body: Data

    private var options: WriteOptions { WriteOptions(query: query) }

    /// Runs the verb and builds the response.
    /// - Throws: ``APIError`` for every refusal (answered as a Status body).
    func perform(on store: HubStore) async throws -> Response {
        guard let name else { return try await collection(store) }
        switch method {
        case .get:
            let object = try await store.get(type, namespace: namespace, name: name)
            return respond(object)
        case .put:
            return respond(
                try await store.update(
                    type, namespace: namespace, name: name, body: parsedBody(), part: part, options: options))
        case .patch:
            return try await patch(store, name: name)
        case .delete where part == .main:
            return respond(try await store.delete(type, namespace: namespace, name: name, options: options))
        default:
            throw APIError.methodNotAllowed(method.rawValue)
        }
    }

    private func collection(_ store: HubStore) async throws -> Response {
        switch method {
        case .get:
            let selector = try query["labelSelector"].map { try LabelSelector(parsing: $0) }
            let fields = try query["fieldSelector"].map { try FieldSelector(parsing: $0) }
            if ["1", "true"].contains(query["watch"] ?? "") {
                return try await watch(store, selector: selector, fields: fields)
            }
            let items = await store.list(type, namespace: namespace, selector: selector)
                .filter { fields?.matches($0) ?? true }
            let page = try ListPage(
                items: items, limit: query["limit"].flatMap { Int($0) }, token: query["continue"],
                resourceVersion: await store.revision, oldestResourceVersion: await store.historyFloor)
            if wantsTable {
                return HubResponder.json(
                    TableBuilder.table(type, page.items, resourceVersion: page.resourceVersion)
                        .setting("metadata", to: page.metadata))
            }
            return HubResponder.json(
                .object([
                    ("apiVersion", .string(type.apiVersion)), ("kind", .string(type.listKind)),
                    ("metadata", page.metadata), ("items", .array(page.items)),
                ]))
        case .post where type.namespaced == (namespace != nil):
            let created = try await store.create(type, namespace: namespace, body: parsedBody(), options: options)
            return HubResponder.json(created, code: 201)
        default:
            throw APIError.methodNotAllowed(method.rawValue)
        }
    }

    private func watch(_ store: HubStore, selector: LabelSelector?, fields: FieldSelector?) async throws -> Response {
        let (id, stream) = try await store.startWatch(
            type, namespace: namespace, selector: selector, fields: fields, resourceVersion: query["resourceVersion"])
        let bookmarks = ["1", "true"].contains(query["allowWatchBookmarks"] ?? "")
        let timeout = query["timeoutSeconds"].flatMap { Int($0) }.flatMap { $0 > 0 ? Duration.seconds($0) : nil }
        return WatchResponse.make(
            store: store, id: id, stream: stream, type: type,
            bookmarkInterval: bookmarks ? store.configuration.bookmarkInterval : nil, timeout: timeout,
            table: wantsTable)
    }

    private func patch(_ store: HubStore, name: String) async throws -> Response {
        let mediaType = contentType.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        switch mediaType {
        case "application/apply-patch+yaml":
            guard let manager = query["fieldManager"], !manager.isEmpty else {
                throw APIError.badRequest("PATCH requests with apply content type require fieldManager")
            }
            var options = self.options
            options.manager = manager
            let (object, created) = try await store.apply(
                type, namespace: namespace, name: name, body: parsedBody(), part: part, options: options)
            return HubResponder.json(object, code: created ? 201 : 200)
        case "application/merge-patch+json":
            return respond(
                try await store.mergePatch(
                    type, namespace: namespace, name: name, patch: parsedBody(), part: part, options: options))
        default:
            throw APIError.unsupportedMediaType(mediaType)
        }
    }

    /// Whether the client asked for a `meta.k8s.io/v1` Table (as `kubectl get` does).
    private var wantsTable: Bool {
        accept.split(separator: ",").first.map { $0.contains("as=Table") && $0.contains("g=meta.k8s.io") } ?? false
    }

    private func respond(_ object: Value) -> Response {
        if wantsTable, method == .get {
            return HubResponder.json(TableBuilder.table(type, [object], resourceVersion: nil))
        }
        return HubResponder.json(object)
    }

    /// The request body as a value (JSON or YAML; exactly one document).
    private func parsedBody() throws -> Value {
        if contentType.contains("protobuf") {
            // kubectl sends built-in types as protobuf; the hub reads the Namespace of `kubectl create namespace`.
            guard let namespace = ProtobufNamespace.decode(body) else {
                throw APIError.unsupportedMediaType(contentType)
            }
            return namespace
        }
        let documents: [YAMLDocument]
        do {
            documents = try YAMLLoader.load(body, file: "request body")
        } catch {
            throw APIError.badRequest("cannot decode the request body: \(error)")
        }
        guard documents.count == 1, let document = documents.first else {
            throw APIError.badRequest("the request body must hold exactly one object, found \(documents.count)")
        }
        return document.value
    }
}
