import Foundation

/// One event of a watch stream (`{"type": ..., "object": {...}}`, one JSON object a line).
public struct WatchEvent: Sendable, Equatable {
    /// The event types of the Kubernetes watch protocol.
    public enum EventType: String, Sendable, Equatable {
        /// The object was created (or existed when a watch without a resourceVersion began).
        case added = "ADDED"
        /// The object changed.
        case modified = "MODIFIED"
        /// The object was deleted; `object` is its last state.
        case deleted = "DELETED"
        /// No change: the stream has reached `object.metadata.resourceVersion` (carries nothing else).
        case bookmark = "BOOKMARK"
        /// The watch failed; `object` is a `Status` (``WatchEvent/status``), code 410 when the version expired.
        case error = "ERROR"
    }

    /// The identity of the event's object, read from its metadata.
    public struct Metadata: Sendable, Equatable, Decodable {
        /// `metadata.name`; nil for bookmarks and Status objects.
        public var name: String?
        /// `metadata.namespace`.
        public var namespace: String?
        /// `metadata.resourceVersion`: where a watch resumes after this event.
        public var resourceVersion: String?
        /// `metadata.labels`.
        public var labels: [String: String]?
        /// `metadata.generation`: bumped by the server on every change of `spec` (not of status or metadata).
        public var generation: Int?

        /// Creates the metadata of an event.
        public init(
            name: String?, namespace: String?, resourceVersion: String?, labels: [String: String]?,
            generation: Int? = nil
        ) {
            self.name = name
            self.namespace = namespace
            self.resourceVersion = resourceVersion
            self.labels = labels
            self.generation = generation
        }
    }

    /// What happened.
    public var type: EventType
    /// The object's JSON, byte for byte as the server sent it.
    public var object: Data
    /// The object's name, namespace, resourceVersion and labels.
    public var metadata: Metadata
    /// For ``EventType/error`` events: the `Status` code, reason and message.
    public var status: Status?

    /// The `Status` object of an ERROR event.
    public struct Status: Sendable, Equatable {
        /// HTTP-like status code (410 when the requested resourceVersion is too old).
        public var code: Int?
        /// CamelCase reason (`Expired`, `Gone`).
        public var reason: String?
        /// Human-readable message.
        public var message: String?
    }

    /// The object's resourceVersion.
    public var resourceVersion: String? { metadata.resourceVersion }

    /// Creates an event (for a ``Hub`` implementation other than ``KubeClient``, such as a test fake).
    /// - Parameters:
    ///   - type: what happened.
    ///   - object: the object's JSON.
    ///   - metadata: its name, namespace, resourceVersion and labels; nil reads them from `object`.
    ///   - status: the `Status` of an ERROR event.
    public init(type: EventType, object: Data, metadata: Metadata? = nil, status: Status? = nil) {
        struct ObjectHead: Decodable { var metadata: Metadata? }
        self.type = type
        self.object = object
        self.metadata =
            metadata ?? (try? JSONDecoder().decode(ObjectHead.self, from: object))?.metadata
            ?? Metadata(name: nil, namespace: nil, resourceVersion: nil, labels: nil)
        self.status = status
    }

    /// Decodes one line of a watch stream.
    /// - Returns: nil for a blank line.
    /// - Throws: ``WatchEvent/DecodingFailure`` for a line that is not a watch event.
    static func decode(line: Data) throws -> WatchEvent? {
        guard line.contains(where: { ![0x20, 0x0A, 0x0D, 0x09].contains($0) }) else { return nil }
        struct Envelope: Decodable { var type: String }
        struct ObjectHead: Decodable { var metadata: Metadata? }
        guard let envelope = try? JSONDecoder().decode(Envelope.self, from: line),
            let type = EventType(rawValue: envelope.type), let object = JSONItems.member("object", in: line)
        else { throw DecodingFailure(line: String(decoding: line.prefix(200), as: UTF8.self)) }
        let head = try? JSONDecoder().decode(ObjectHead.self, from: object)
        var status: Status?
        if type == .error, let body = try? JSONDecoder().decode(StatusBody.self, from: object) {
            status = Status(code: body.code, reason: body.reason, message: body.message)
        }
        return WatchEvent(
            type: type, object: object,
            metadata: head?.metadata ?? Metadata(name: nil, namespace: nil, resourceVersion: nil, labels: nil),
            status: status)
    }

    /// A stream line that is not a watch event.
    struct DecodingFailure: Error, CustomStringConvertible {
        var line: String
        var description: String { "not a watch event: \(line)" }
    }
}
