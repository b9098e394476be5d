import AppModel
import Foundation
import GitStore
import PlacerCLI
import PlacerCore

/// One scripted human push of the crash suite, drawn from the seed before it is applied, so a seed replays the
/// same stream of intents whatever state the daemon left the branch in.
enum HumanEdit: Sendable, CustomStringConvertible {
    /// Edits `placements/<app>.yaml` to another cluster: a human's placement, which Placer applies (a move).
    case move(appIndex: Int, clusterIndex: Int)
    /// Writes `pinned: false` in an app's placement: Placer decides again (often a move back).
    case release(appIndex: Int)
    /// Toggles regional-cloud's latency to factory-dc between 15 and 150 ms (moves the digital twin).
    case link
    /// A new image tag in an app's first manifest (a re-render; the human decision on it lapses).
    case image(appIndex: Int, tag: Int)
    /// A line in NOTES.md: a human commit Placer has nothing to do for.
    case note(Int)

    var description: String {
        switch self {
        case let .move(app, cluster): return "move(app #\(app) → cluster #\(cluster))"
        case let .release(app): return "release(app #\(app))"
        case .link: return "link"
        case let .image(app, tag): return "image(app #\(app), r\(tag))"
        case let .note(number): return "note(\(number))"
        }
    }

    /// A random edit: moves most often, since moves reach every failpoint.
    static func draw(_ generator: inout SplitMix64, serial: Int) -> HumanEdit {
        let appIndex = Int.random(in: 0..<64, using: &generator)
        let clusterIndex = Int.random(in: 0..<64, using: &generator)
        switch Int.random(in: 0..<100, using: &generator) {
        case 0..<40: return .move(appIndex: appIndex, clusterIndex: clusterIndex)
        case 40..<55: return .release(appIndex: appIndex)
        case 55..<70: return .link
        case 70..<85: return .image(appIndex: appIndex, tag: serial)
        default: return .note(serial)
        }
    }

    /// The file changes this edit makes on `files` (the tip's), and the commit message.
    func changes(on files: [String: Data]) -> (changes: [String: Data?], message: String) {
        let apps = Set(
            files.keys.compactMap { path -> String? in
                let parts = path.split(separator: "/")
                return parts.count == 3 && parts[0] == "apps" ? String(parts[1]) : nil
            }
        ).sorted()
        // The AGV controllers define the same objects (one per hall): two on one cluster are refused by design (the
        // later keeps its last placement), so a human's move of one is not a move the invariants can hold to.
        let movable = apps.filter { !$0.hasPrefix("agv-controller") }
        let clusters = files.keys.filter { $0.hasPrefix("clusters/") && $0.hasSuffix(".yaml") }.map {
            String($0.dropFirst(9).dropLast(5))
        }.sorted()
        func text(_ path: String) -> String? { files[path].map { String(decoding: $0, as: UTF8.self) } }
        switch self {
        case let .move(appIndex, clusterIndex):
            let app = movable[appIndex % movable.count]
            let path = "placements/\(app).yaml"
            guard let record = text(path), let current = Self.cluster(in: record) else { return fallback(files) }
            var target = clusters[clusterIndex % clusters.count]
            if target == current { target = clusters[(clusterIndex + 1) % clusters.count] }
            let edited = Self.replacingSpecLine(in: record, key: "cluster", with: target)
            return ([path: Data(edited.utf8)], "Move \(app) to \(target)\n")
        case let .release(appIndex):
            let app = movable[appIndex % movable.count]
            let path = "placements/\(app).yaml"
            guard let record = text(path), Self.cluster(in: record) != nil else { return fallback(files) }
            let edited =
                record.contains("\n  pinned: ")
                ? Self.replacingSpecLine(in: record, key: "pinned", with: "false")
                : record.replacingOccurrences(of: "\n  requests:", with: "\n  pinned: false\n  requests:")
            return ([path: Data(edited.utf8)], "Let Placer decide \(app) again\n")
        case .link:
            let path = "clusters/regional-cloud.yaml"
            guard let cluster = text(path) else { return fallback(files) }
            let edited =
                cluster.contains("factory-dc: 150")
                ? cluster.replacingOccurrences(of: "factory-dc: 150", with: "factory-dc: 15")
                : cluster.replacingOccurrences(of: "factory-dc: 15", with: "factory-dc: 150")
            return ([path: Data(edited.utf8)], "Regional link to the factory changed\n")
        case let .image(appIndex, tag):
            let app = apps[appIndex % apps.count]
            guard
                let path = files.keys.filter({ $0.hasPrefix("apps/\(app)/") && $0.hasSuffix(".yaml") }).sorted().first(
                    where: { text($0)?.contains("image: ") == true }),
                let manifest = text(path),
                let range = manifest.range(of: #"image: [^\s:]+:[^\s]+"#, options: .regularExpression)
            else { return fallback(files) }
            let image = manifest[range].split(separator: ":").dropLast().joined(separator: ":")
            let edited = manifest.replacingCharacters(in: range, with: "\(image):r\(tag)")
            return ([path: Data(edited.utf8)], "\(app): image r\(tag)\n")
        case let .note(number):
            return fallback(files, number: number)
        }
    }

    private func fallback(_ files: [String: Data], number: Int = 0) -> (changes: [String: Data?], message: String) {
        var notes = files["NOTES.md"] ?? Data()
        notes.append(Data("- shift note \(number) (\(self))\n".utf8))
        return (["NOTES.md": notes], "Shift notes\n")
    }

    /// The cluster in a placement record's `spec` (nil when unplaced).
    static func cluster(in record: String) -> String? {
        guard let line = record.split(separator: "\n").first(where: { $0.hasPrefix("  cluster: ") }) else {
            return nil
        }
        let value = line.dropFirst(11).trimmingCharacters(in: .whitespaces)
        return value.isEmpty || value == "null" ? nil : value
    }

    /// `record` with the `spec` line `  key: …` set to `value`.
    static func replacingSpecLine(in record: String, key: String, with value: String) -> String {
        record.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            line.hasPrefix("  \(key): ") ? "  \(key): \(value)" : String(line)
        }.joined(separator: "\n")
    }
}

/// The human's clone: pushes over git:// like a person, fetching and redoing the edit when the branch moved.
final class HumanClone: @unchecked Sendable {
    let repository: GitRepository
    private(set) var commits: [ObjectID] = []

    init(path: String, remoteURL: String) throws {
        repository = try GitRepository.openCache(at: path, remoteURL: remoteURL)
    }

    /// Pushes `edit` on the current tip, retrying on a non-fast-forward (the daemon committed meanwhile).
    /// - Returns: the pushed commit, or nil when the edit changed nothing.
    @discardableResult
    func push(_ edit: HumanEdit) throws -> ObjectID? {
        for _ in 0..<50 {
            guard let tip = try repository.fetch(branch: "main") else { throw CommandFailure("main is gone") }
            let files = try repository.files(at: tip).mapValues(\.data)
            let (changes, message) = edit.changes(on: files)
            let signature = GitSignature(name: "Factory Engineer", email: "engineer@factory.example", date: Date())
            guard
                let commit = try repository.commit(
                    parent: tip, changes: changes, author: signature, committer: signature, message: message)
            else { return nil }
            do {
                try repository.push(commit, toBranch: "main")
                commits.append(commit)
                return commit
            } catch let error as GitError where error.isNonFastForward {
                Thread.sleep(forTimeInterval: 0.01)
            }
        }
        throw CommandFailure("a human push kept losing the race for 50 attempts")
    }
}
