import AppModel

/// The discovery documents `kubectl` reads before anything else (CONTRACT.md §11).
///
/// Only the legacy (non-aggregated) forms are served, always as `application/json`: client-go asks for aggregated
/// discovery first and, seeing a plain JSON answer, reads it as `APIGroupList` / `APIResourceList`.
enum Discovery {
    /// The Kubernetes version the hub claims to be.
    static let version: Value = .object([
        ("major", .string("1")), ("minor", .string("32")), ("gitVersion", .string("v1.32.0-edgesim")),
        ("gitCommit", .string("0000000000000000000000000000000000000000")), ("gitTreeState", .string("clean")),
        ("buildDate", .string("2026-01-01T00:00:00Z")), ("goVersion", .string("go1.23.0")),
        ("compiler", .string("gc")), ("platform", .string("linux/amd64")),
    ])

    /// `GET /api`.
    static func coreVersions(serverAddress: String) -> Value {
        .object([
            ("kind", .string("APIVersions")), ("versions", .array([.string("v1")])),
            (
                "serverAddressByClientCIDRs",
                .array([.object([("clientCIDR", .string("0.0.0.0/0")), ("serverAddress", .string(serverAddress))])])
            ),
        ])
    }

    /// `GET /apis`.
    static var groupList: Value {
        .object([
            ("kind", .string("APIGroupList")), ("apiVersion", .string("v1")),
            ("groups", .array(ResourceCatalog.groups.map { group($0.name, versions: $0.versions) })),
        ])
    }

    /// `GET /apis/<group>`, or nil for a group the hub does not serve.
    static func group(named name: String) -> Value? {
        guard let group = ResourceCatalog.groups.first(where: { $0.name == name }) else { return nil }
        return self.group(group.name, versions: group.versions).setting("kind", to: .string("APIGroup"))
            .setting("apiVersion", to: .string("v1"))
    }

    private static func group(_ name: String, versions: [String]) -> Value {
        func entry(_ version: String) -> Value {
            .object([("groupVersion", .string("\(name)/\(version)")), ("version", .string(version))])
        }
        return .object([
            ("name", .string(name)), ("versions", .array(versions.map(entry))),
            ("preferredVersion", entry(versions[0])),
        ])
    }

    /// `GET /api/v1` or `GET /apis/<group>/<version>`, or nil when nothing is served there.
    static func resourceList(group: String, version: String) -> Value? {
        let types = ResourceCatalog.all.filter { $0.group == group && $0.version == version }
        guard let first = types.first else { return nil }
        var resources: [Value] = []
        for type in types {
            var entry: [(String, Value)] = [
                ("name", .string(type.plural)), ("singularName", .string(type.singular)),
                ("namespaced", .bool(type.namespaced)), ("kind", .string(type.kind)),
                ("verbs", .array(["create", "delete", "get", "list", "patch", "update", "watch"].map(Value.string))),
            ]
            if !type.shortNames.isEmpty { entry.append(("shortNames", .array(type.shortNames.map(Value.string)))) }
            resources.append(.object(entry))
            if type.hasStatusSubresource {
                resources.append(
                    .object([
                        ("name", .string(type.plural + "/status")), ("singularName", .string("")),
                        ("namespaced", .bool(type.namespaced)), ("kind", .string(type.kind)),
                        ("verbs", .array(["get", "patch", "update"].map(Value.string))),
                    ]))
            }
        }
        return .object([
            ("kind", .string("APIResourceList")), ("apiVersion", .string("v1")),
            ("groupVersion", .string(first.apiVersion)), ("resources", .array(resources)),
        ])
    }
}
