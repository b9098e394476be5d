import AppModel
import EdgeSim
import Foundation
import GitStore
import OCMClient
import PlacerTestSupport
import Reconciler
import Testing

/// The package root, found from this file.
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

/// A whole Placer world on 127.0.0.1: the example app repo as a bare repo behind a real `git daemon`, an
/// EdgeSim hub seeded with the example clusters, and Placer's cache, all in one temporary folder.
final class FactoryFixture: @unchecked Sendable {
    let folder: URL
    let daemon: GitDaemon
    let hub: EdgeSimHub
    let repoURL: String
    let kubeconfigPath: String
    let barePath: String
    let client: KubeClient
    private var human: GitRepository?

    static let humanSignature = GitSignature(name: "Factory Engineer", email: "engineer@factory.example", date: Date())

    private init(folder: URL, daemon: GitDaemon, hub: EdgeSimHub, kubeconfigPath: String, client: KubeClient) {
        self.folder = folder
        self.daemon = daemon
        self.hub = hub
        self.repoURL = daemon.url(repository: "app-repo.git")
        self.kubeconfigPath = kubeconfigPath
        self.barePath = folder.appendingPathComponent("app-repo.git").path
        self.client = client
    }

    /// Seeds the bare repo with example-repo (a human's root commit) and starts the daemon and the hub.
    static func start() async throws -> FactoryFixture {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("placer-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let bare = try GitRepository.initBare(at: folder.appendingPathComponent("app-repo.git").path)
        let files = try RepoFiles.read(directory: packageRoot.appendingPathComponent("example-repo").path)
        _ = try bare.commit(
            parent: nil, changes: files.mapValues { Optional($0) }, author: humanSignature, committer: humanSignature,
            message: "Factory apps\n", updateRef: "refs/heads/main")
        try bare.setHead(branch: "main")
        let daemon = try GitDaemon(baseDirectory: folder.path)
        // HTTPS with a generated CA, as a real hub: kubectl and Placer verify it through the kubeconfig.
        let hub = EdgeSimHub(
            configuration: HubConfiguration(agentDelay: .milliseconds(20)),
            tls: try HubTLS(dnsNames: ["localhost"], ipAddresses: ["127.0.0.1"]))
        try await hub.start()
        for cluster in RepoLoader.load(files: files).clusters {
            try await hub.seed(ManagedClusterFactory.make(from: cluster))
        }
        let kubeconfig = folder.appendingPathComponent("hub.kubeconfig").path
        try hub.writeKubeconfig(to: kubeconfig)
        let client = try KubeClient(kubeconfig: try Kubeconfig.load(path: kubeconfig))
        return FactoryFixture(folder: folder, daemon: daemon, hub: hub, kubeconfigPath: kubeconfig, client: client)
    }

    /// A Placer reconciler for this world (a new one models a restarted daemon; `cache` picks its cache folder).
    func reconciler(
        cache: String = "cache", hub useHub: Bool = true, configure: (inout ReconcilerConfiguration) -> Void = { _ in }
    )
        throws -> Reconciler
    {
        var configuration = ReconcilerConfiguration(
            repoURL: repoURL, branch: "main", cacheDirectory: folder.appendingPathComponent(cache).path,
            presets: ReconcilerConfiguration.loadPresets(from: packageRoot.appendingPathComponent("policies").path),
            statusWaitSeconds: 3)
        configure(&configuration)
        return try Reconciler(configuration: configuration, hub: useHub ? client : nil)
    }

    /// The branch tip, read straight from the bare repo.
    func tip() throws -> ObjectID {
        let repository = try GitRepository.open(at: barePath)
        guard let tip = try repository.resolve(reference: "refs/heads/main") else {
            throw FixtureError("main has no commit")
        }
        return tip
    }

    /// Files at the branch tip.
    func files() throws -> [String: Data] {
        let repository = try GitRepository.open(at: barePath)
        return try repository.files(at: try tip()).mapValues(\.data)
    }

    /// Pushes a human commit over git:// that applies `changes` (path → new bytes, nil = delete).
    @discardableResult
    func humanPush(_ changes: [String: Data?], message: String) throws -> ObjectID {
        let repository =
            try human ?? GitRepository.openCache(at: folder.appendingPathComponent("human").path, remoteURL: repoURL)
        human = repository
        guard let tip = try repository.fetch(branch: "main"),
            let commit = try repository.commit(
                parent: tip, changes: changes, author: Self.humanSignature, committer: Self.humanSignature,
                message: message)
        else { throw FixtureError("human commit made no change") }
        try repository.push(commit, toBranch: "main")
        return commit
    }

    /// Rewrites one file at the tip with `edit` and pushes it as a human.
    @discardableResult
    func humanEdit(_ path: String, message: String, _ edit: (String) -> String) throws -> ObjectID {
        guard let data = try files()[path] else { throw FixtureError("no \(path)") }
        let edited = edit(String(decoding: data, as: UTF8.self))
        return try humanPush([path: Data(edited.utf8)], message: message)
    }

    /// A reviewer merges `branch` into main with a merge commit, as a pull request would, from a clone of their
    /// own, and pushes it.
    /// - Throws: `FixtureError` when the clone, the merge or the push fails.
    func reviewerMerges(_ branch: String = "placer/proposals") async throws {
        let clone = folder.appendingPathComponent("review-\(UUID().uuidString)").path
        _ = try await runProgram("/usr/bin/git", ["clone", "-q", barePath, clone])
        let merge = try await runProgram(
            "/usr/bin/git",
            [
                "-C", clone, "-c", "user.name=Reviewer", "-c", "user.email=review@factory.example",
                "merge", "--no-ff", "-q", "-m", "Merge \(branch)", "origin/\(branch)",
            ])
        guard merge.status == 0 else { throw FixtureError("the reviewer's merge failed: \(merge.output)") }
        let push = try await runProgram("/usr/bin/git", ["-C", clone, "push", "-q", "origin", "HEAD:main"])
        guard push.status == 0 else { throw FixtureError("the reviewer's push failed: \(push.output)") }
    }

    /// ManifestWorks on the hub as "namespace/name" → resourceVersion.
    func works() async -> [String: String] {
        var result: [String: String] = [:]
        for work in await hub.objects("manifestworks") {
            let key =
                "\(work[path: "metadata.namespace"]?.stringValue ?? "")/\(work[path: "metadata.name"]?.stringValue ?? "")"
            result[key] = work[path: "metadata.resourceVersion"]?.stringValue
        }
        return result
    }

    func finish() async {
        try? await client.shutdown()
        await hub.stop()
        daemon.stop()
        try? FileManager.default.removeItem(at: folder)
    }
}

/// Runs `body` with a started world and always tears it down.
func withFactory(_ body: (FactoryFixture) async throws -> Void) async throws {
    let fixture = try await FactoryFixture.start()
    do {
        try await body(fixture)
    } catch {
        await fixture.finish()
        throw error
    }
    await fixture.finish()
}

struct FixtureError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// The git CLI against the bare repo, as an independent check of what Placer committed.
func git(_ fixture: FactoryFixture, _ arguments: [String]) async throws -> String {
    let result = try await runProgram("/usr/bin/git", ["--git-dir", fixture.barePath] + arguments)
    guard result.status == 0 else {
        throw FixtureError("git \(arguments.joined(separator: " ")) failed: \(result.output)")
    }
    return result.output
}
