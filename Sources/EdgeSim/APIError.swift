import AppModel

/// A failed API request, answered as a Kubernetes `Status` object (`kind: Status`, `status: Failure`).
struct APIError: Error, Sendable {
    /// HTTP status code (also the Status `code`).
    var code: Int
    /// CamelCase Status reason (`NotFound`, `AlreadyExists`, `Conflict`, ...).
    var reason: String
    var message: String
    var details: Value?

    /// The Status body.
    var status: Value {
        .object([
            "kind": .string("Status"),
            "apiVersion": .string("v1"),
            "metadata": .object([]),
            "status": .string("Failure"),
            "message": .string(message),
            "reason": .string(reason),
            "details": details,
            "code": .int(code),
        ])
    }

    private static func details(_ type: ResourceType, _ name: String) -> Value {
        .object(["name": .string(name), "group": .string(type.group), "kind": .string(type.plural)])
    }

    static func notFound(_ type: ResourceType, _ name: String) -> APIError {
        APIError(
            code: 404, reason: "NotFound", message: "\(type.qualifiedName) \"\(name)\" not found",
            details: details(type, name))
    }

    static func alreadyExists(_ type: ResourceType, _ name: String) -> APIError {
        APIError(
            code: 409, reason: "AlreadyExists", message: "\(type.qualifiedName) \"\(name)\" already exists",
            details: details(type, name))
    }

    static func conflict(_ type: ResourceType, _ name: String) -> APIError {
        APIError(
            code: 409, reason: "Conflict",
            message:
                "Operation cannot be fulfilled on \(type.qualifiedName) \"\(name)\": the object has been modified; "
                + "please apply your changes to the latest version and try again",
            details: details(type, name))
    }

    static func badRequest(_ message: String) -> APIError {
        APIError(code: 400, reason: "BadRequest", message: message)
    }

    static func invalid(_ type: ResourceType, _ name: String, _ message: String) -> APIError {
        APIError(
            code: 422, reason: "Invalid", message: "\(type.kind).\(type.group) \"\(name)\" is invalid: \(message)",
            details: details(type, name))
    }

    static let unauthorized = APIError(code: 401, reason: "Unauthorized", message: "Unauthorized")

    static func pathNotFound(_ path: String) -> APIError {
        APIError(code: 404, reason: "NotFound", message: "the server could not find the requested resource (\(path))")
    }

    static func methodNotAllowed(_ method: String) -> APIError {
        APIError(code: 405, reason: "MethodNotAllowed", message: "the server does not allow method \(method) here")
    }

    static func unsupportedMediaType(_ contentType: String) -> APIError {
        APIError(
            code: 415, reason: "UnsupportedMediaType",
            message: "the body of the request was in an unknown format - accepted media types include: "
                + "application/json, application/apply-patch+yaml, application/merge-patch+json (got \(contentType))")
    }
}

extension APIError {
    /// 410 Gone for a watch from a resourceVersion older than the kept history.
    static func expired(resourceVersion: Int, oldest: Int) -> APIError {
        APIError(code: 410, reason: "Expired", message: "too old resource version: \(resourceVersion) (\(oldest))")
    }

    /// 410 Gone for a list continue token older than the kept history.
    static let continueExpired = APIError(
        code: 410, reason: "Expired",
        message: "The provided continue parameter is too old to display a consistent list result. You can start "
            + "a new list without the continue parameter.")

    /// 422 Invalid listing every cause, as kube-apiserver reports a schema violation.
    static func invalid(_ type: ResourceType, _ name: String, causes: [FieldCause]) -> APIError {
        let list = causes.map(\.text)
        let summary = list.count == 1 ? list[0] : "[" + list.joined(separator: ", ") + "]"
        return APIError(
            code: 422, reason: "Invalid", message: "\(type.kind).\(type.group) \"\(name)\" is invalid: \(summary)",
            details: .object([
                ("name", .string(name)), ("group", .string(type.group)), ("kind", .string(type.kind)),
                ("causes", .array(causes.map(\.value))),
            ]))
    }
}
