import Foundation
import NIOConcurrencyHelpers

/// Counts the hub's API requests by Kubernetes verb and resource (`list manifestworks`, `watch placements`,
/// `get manifestworks/status`), so tests and benchmarks can assert what a client costs the hub (issue 15: zero
/// requests per idle reconcile beyond the open watches).
///
/// Verbs follow kube-apiserver's audit vocabulary: `get`, `list`, `watch` (a GET of a collection with
/// `watch=true`), `create`, `update`, `patch` (server-side apply is a PATCH), `delete`. Discovery, OpenAPI and
/// SelfSubjectReview requests count under the verb `discovery`. Thread-safe.
public final class RequestCounter: Sendable {
    private let counts = NIOLockedValueBox([String: Int]())

    /// An empty counter.
    public init() {}

    /// Adds one request.
    /// - Parameters:
    ///   - verb: `get`, `list`, `watch`, `create`, `update`, `patch`, `delete` or `discovery`.
    ///   - resource: the plural, with `/status` for the subresource; empty for discovery.
    func record(verb: String, resource: String) {
        let key = resource.isEmpty ? verb : "\(verb) \(resource)"
        counts.withLockedValue { $0[key, default: 0] += 1 }
    }

    /// Every count so far, keyed `verb resource` (e.g. `patch manifestworks`).
    public func snapshot() -> [String: Int] {
        counts.withLockedValue { $0 }
    }

    /// The total of every count so far.
    public func total() -> Int {
        counts.withLockedValue { $0.values.reduce(0, +) }
    }

    /// Counts since `earlier` (a ``snapshot()``), leaving out keys that did not move.
    public func since(_ earlier: [String: Int]) -> [String: Int] {
        snapshot().compactMapValues { $0 }.filter { $0.value != earlier[$0.key] ?? 0 }
            .reduce(into: [:]) { result, entry in result[entry.key] = entry.value - (earlier[entry.key] ?? 0) }
    }
}
