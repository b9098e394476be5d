import AppModel
import Foundation

/// Reads the one protobuf body stock kubectl sends the hub: a core/v1 Namespace (`kubectl create namespace`),
/// wrapped in Kubernetes' protobuf envelope (`k8s\0` + `runtime.Unknown`). Name, generateName, labels and
/// annotations are kept; everything else in it is defaulted by the hub anyway.
enum ProtobufNamespace {
    /// The Namespace as a JSON-shaped value, or nil when `data` is not a protobuf Namespace.
    static func decode(_ data: Data) -> Value? {
        let bytes = [UInt8](data)
        guard bytes.count > 4, bytes[0...3] == [0x6B, 0x38, 0x73, 0x00] else { return nil }
        let envelope = fields(bytes[4...])
        guard let typeMeta = envelope[1]?.first, let raw = envelope[2]?.first else { return nil }
        let meta = fields(typeMeta[...])
        guard string(meta[1]?.first) == "v1", string(meta[2]?.first) == "Namespace" else { return nil }
        guard let metadataBytes = fields(raw[...])[1]?.first else { return nil }
        let metadata = fields(metadataBytes[...])
        var pairs: [(String, Value)] = []
        if let name = string(metadata[1]?.first) { pairs.append(("name", .string(name))) }
        if let prefix = string(metadata[2]?.first) { pairs.append(("generateName", .string(prefix))) }
        for (field, key) in [(11, "labels"), (12, "annotations")] {
            let entries = (metadata[field] ?? []).compactMap { entry -> (String, Value)? in
                let parts = fields(entry[...])
                guard let key = string(parts[1]?.first) else { return nil }
                return (key, .string(string(parts[2]?.first) ?? ""))
            }
            if !entries.isEmpty { pairs.append((key, .object(entries))) }
        }
        return .object([
            ("apiVersion", .string("v1")), ("kind", .string("Namespace")), ("metadata", .object(pairs)),
        ])
    }

    private static func string(_ bytes: [UInt8]?) -> String? {
        bytes.map { String(decoding: $0, as: UTF8.self) }
    }

    /// The length-delimited fields of a message by field number (varint and fixed fields are skipped).
    private static func fields(_ bytes: ArraySlice<UInt8>) -> [Int: [[UInt8]]] {
        var result: [Int: [[UInt8]]] = [:]
        var index = bytes.startIndex
        func varint() -> Int? {
            var value = 0
            var shift = 0
            while index < bytes.endIndex, shift < 63 {
                let byte = bytes[index]
                index += 1
                value |= Int(byte & 0x7F) << shift
                if byte & 0x80 == 0 { return value }
                shift += 7
            }
            return nil
        }
        while index < bytes.endIndex {
            guard let tag = varint() else { break }
            switch tag & 7 {
            case 0: guard varint() != nil else { return result }
            case 1: index += 8
            case 5: index += 4
            case 2:
                guard let length = varint(), length >= 0, index + length <= bytes.endIndex else { return result }
                result[tag >> 3, default: []].append(Array(bytes[index..<(index + length)]))
                index += length
            default: return result
            }
        }
        return result
    }
}
