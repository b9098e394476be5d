import Foundation

/// Kubernetes object-name rules (RFC 1123 labels, as apimachinery validates them).
public enum NameCheck {
    /// Whether `name` is a DNS-1123 label: at most 63 characters of `[a-z0-9-]`, starting and ending alphanumeric.
    public static func isDNS1123Label(_ name: String) -> Bool {
        guard !name.isEmpty, name.count <= 63, let first = name.first, let last = name.last else { return false }
        let allowed = name.allSatisfy { ($0.isASCII && ($0.isLowercase || $0.isNumber)) || $0 == "-" }
        return allowed && first != "-" && last != "-"
    }

    /// Whether `name` is a DNS-1123 subdomain: at most 253 characters, dot-separated labels of `[a-z0-9-]`.
    public static func isDNS1123Subdomain(_ name: String) -> Bool {
        guard !name.isEmpty, name.count <= 253 else { return false }
        return name.split(separator: ".", omittingEmptySubsequences: false).allSatisfy {
            !$0.isEmpty && isDNS1123Label(String($0))
        }
    }

    /// The name rule apimachinery applies to `kind`: labels for Namespaces and Services, path segments for RBAC
    /// objects (`system:controller:x` is valid), subdomains for everything else.
    /// - Returns: a message when `name` breaks it, `nil` when it is valid.
    public static func problem(name: String, kind: String) -> String? {
        switch kind {
        case "Namespace", "Service":
            return isDNS1123Label(name)
                ? nil : "\"\(name)\" is not a valid \(kind) name (RFC 1123 label: a-z, 0-9, '-', at most 63)"
        case "Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding":
            return name.contains("/") || name == "." || name == ".." || name.contains("%")
                ? "\"\(name)\" is not a valid \(kind) name (no '/', '%', '.' or '..')" : nil
        default:
            return isDNS1123Subdomain(name)
                ? nil : "\"\(name)\" is not a valid \(kind) name (RFC 1123 subdomain: a-z, 0-9, '-', '.', at most 253)"
        }
    }

    static func requireDNS1123(_ name: String, at path: String, in document: YAMLDocument) throws {
        guard isDNS1123Label(name) else {
            throw document.error(
                at: path, "\"\(name)\" is not a valid Kubernetes name (RFC 1123 label: a-z, 0-9, '-', at most 63)")
        }
    }
}

/// Reads Placer's annotations.
enum AnnotationReader {
    /// A comma-separated list (`hall-1, hall-2`).
    static func list(_ value: Value?) -> [String] {
        guard let text = value?.scalarText else { return [] }
        return text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// An equality selector (`k=v,k2=v2`).
    static func selector(_ value: Value?) -> [String: String] {
        var result: [String: String] = [:]
        for item in list(value) {
            let parts = item.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if parts.count == 2 { result[parts[0]] = parts[1] }
        }
        return result
    }
}
