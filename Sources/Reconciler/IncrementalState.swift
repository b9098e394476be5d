import AppModel
import Foundation
import GitStore

/// What the reconciler keeps between reconciles so that a reconcile's cost follows what changed: the parsed apps
/// and placement records (``ParsedAppCache``), the snapshot of the last tip it loaded, and a fingerprint of every
/// ManifestWork it rendered. No file bytes of the repo are kept: the snapshot is the parse, and a rendered work is
/// held as its key and the SHA-256 of its bytes.
///
/// Everything here is a cache of pure functions of the repo's content (a parse of the same bytes, a render of the
/// same app, cluster and decision), so forgetting it (``reset()``, a full pass) changes the cost, never the result.
struct IncrementalState: Sendable {
    /// The last tip loaded without a repo-wide error: its snapshot as loaded (before telemetry is merged) and the
    /// digest of its `placements/` files (``Digest/sha256(files:)``, a decision input).
    struct LoadedTip: Sendable {
        var tip: ObjectID
        var snapshot: RepoSnapshot
        var placementDigest: String
    }

    /// A ManifestWork rendered from an unamended work: what it was rendered from (app files' key, cluster,
    /// decision id) and the hex SHA-256 of the bytes written.
    struct RenderedWork: Sendable, Equatable {
        var key: String
        var digest: String
    }

    var parsed = ParsedAppCache()
    var loaded: LoadedTip?
    /// `rendered/<cluster>/<app>.yaml` → how its committed bytes were made.
    var renderedWorks: [String: RenderedWork] = [:]
    /// When the last full pass began (nil: none yet, so the next reconcile is one).
    var lastFullPass: Date?
    /// Passes since start, by kind (for tests and logs).
    var fullPasses = 0
    var incrementalPasses = 0

    /// Forgets every cache: the next load parses and renders the whole repo.
    mutating func reset() {
        parsed = ParsedAppCache()
        loaded = nil
        renderedWorks = [:]
    }

    /// The key a rendered ManifestWork is reused under: the app's files, the cluster and the decision id together
    /// determine the work ``ManifestBuilder/manifestWork(app:cluster:decisionID:)`` builds.
    static func renderKey(appKey: String, cluster: String, decisionID: String) -> String {
        "\(appKey)\u{0}\(cluster)\u{0}\(decisionID)"
    }
}

extension Reconciler {
    /// Full and incremental passes since start, and the last load's parses done and reused (tests, logs).
    func incrementalCounts() -> (fullPasses: Int, incrementalPasses: Int, parsed: Int, reused: Int) {
        (incremental.fullPasses, incremental.incrementalPasses, incremental.parsed.misses, incremental.parsed.hits)
    }
}
