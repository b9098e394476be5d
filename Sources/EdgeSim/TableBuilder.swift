import AppModel
import Foundation

/// Builds the `meta.k8s.io/v1` Table that `kubectl get` asks for, from a CRD's `additionalPrinterColumns`
/// (types without printer columns get the default `Name`, `Age`), as kube-apiserver's CRD table convertor does.
enum TableBuilder {
    static func table(_ type: ResourceType, _ objects: [Value], resourceVersion: String?, now: Date = Date()) -> Value {
        let columns =
            type.printerColumns.isEmpty
            ? [PrinterColumn(name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp")] : type.printerColumns
        var definitions: [Value] = [
            column("Name", type: "string", format: "name", description: "Name of the object")
        ]
        definitions += columns.map { column($0.name, type: $0.type, format: "", description: $0.jsonPath) }
        let rows = objects.map { object -> Value in
            let cells = [Value.string(object.objectName)] + columns.map { cell(object, $0, now: now) }
            let metadata = (object["metadata"] ?? .object([])).removing("managedFields")
            return .object([
                ("cells", .array(cells)),
                (
                    "object",
                    .object([
                        ("kind", .string("PartialObjectMetadata")), ("apiVersion", .string("meta.k8s.io/v1")),
                        ("metadata", metadata),
                    ])
                ),
            ])
        }
        var metadata: [(String, Value)] = []
        if let resourceVersion { metadata.append(("resourceVersion", .string(resourceVersion))) }
        return .object([
            ("kind", .string("Table")), ("apiVersion", .string("meta.k8s.io/v1")),
            ("metadata", .object(metadata)), ("columnDefinitions", .array(definitions)), ("rows", .array(rows)),
        ])
    }

    private static func column(_ name: String, type: String, format: String, description: String) -> Value {
        .object([
            ("name", .string(name)), ("type", .string(type)), ("format", .string(format)),
            ("description", .string(description)), ("priority", .int(0)),
        ])
    }

    private static func cell(_ object: Value, _ column: PrinterColumn, now: Date) -> Value {
        let results = JSONPath.evaluate(column.jsonPath, on: object)
        guard let first = results.first else { return .null }
        switch column.type {
        case "date":
            guard let text = first.stringValue, let date = try? Date(text, strategy: .iso8601) else { return .null }
            return .string(humanDuration(now.timeIntervalSince(date)))
        case "integer", "number", "boolean":
            return first
        default:
            return .string(results.compactMap { $0.scalarText }.joined(separator: ","))
        }
    }

    /// Kubernetes' `duration.HumanDuration`: `45s`, `5m30s`, `3h`, `2d5h`, `400d`.
    static func humanDuration(_ interval: TimeInterval) -> String {
        let seconds = Int(interval)
        if seconds < -1 { return "<invalid>" }
        if seconds < 0 { return "0s" }
        if seconds < 120 { return "\(seconds)s" }
        let minutes = seconds / 60
        if minutes < 10 { return seconds % 60 == 0 ? "\(minutes)m" : "\(minutes)m\(seconds % 60)s" }
        if minutes < 180 { return "\(minutes)m" }
        let hours = minutes / 60
        if hours < 8 { return minutes % 60 == 0 ? "\(hours)h" : "\(hours)h\(minutes % 60)m" }
        if hours < 48 { return "\(hours)h" }
        if hours < 192 { return hours % 24 == 0 ? "\(hours / 24)d" : "\(hours / 24)d\(hours % 24)h" }
        if hours < 24 * 365 * 2 { return "\(hours / 24)d" }
        let years = hours / 24 / 365
        if years < 8 { return "\(years)y\((hours / 24) % 365)d" }
        return "\(years)y"
    }
}
