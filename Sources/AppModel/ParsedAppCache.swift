import Foundation

/// Parsed apps and placement records kept between loads of the app repo, keyed by the content of their files,
/// so a reconcile parses only what changed since the last one.
///
/// An app's key is the SHA-256 of its folder's files (``Digest/sha256(paths:in:)``, after the tree's symlinks
/// were followed): the same files always give the same parse, so a cached entry is exactly what a fresh parse
/// would return (apps, errors and warnings alike), whichever commit the files came from. Git's blob ids are the
/// same idea; hashing the bytes Placer actually read also covers symlinks followed into another folder. Apps
/// rendered by kustomize are never cached (a base outside the folder may change their output), nor are apps with
/// refused entries (cheap to refuse again). Placement records are keyed by their file's SHA-256.
///
/// Memory: one parsed ``Application`` (or its errors) per app and one ``PlacementRecord`` per placement file:
/// the parse itself, no file bytes. Entries of apps and records that left the repo are dropped on each load.
public struct ParsedAppCache: Sendable {
    /// One app's parse: the app or its errors, and the warnings its files produced, in load order.
    struct AppEntry: Sendable {
        var key: String
        var app: Application?
        var errors: [ModelError]
        var warnings: [ModelError]
    }

    /// One placement file's parse: the record, or the warning that says why it was ignored.
    struct RecordEntry: Sendable {
        var key: String
        var record: PlacementRecord?
        var warning: ModelError?
    }

    var apps: [String: AppEntry] = [:]
    var records: [String: RecordEntry] = [:]
    /// Parses reused and parses done by the last load (apps and records together).
    public private(set) var hits = 0
    public private(set) var misses = 0

    /// An empty cache: the next load parses everything (a full pass).
    public init() {}

    /// Apps held.
    public var appCount: Int { apps.count }

    /// Starts counting a new load.
    mutating func beginLoad() {
        hits = 0
        misses = 0
    }

    mutating func hit() { hits += 1 }
    mutating func miss() { misses += 1 }
}
