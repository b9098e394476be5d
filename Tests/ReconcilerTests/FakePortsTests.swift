import AppModel
import EdgeSim
import Foundation
import GitStore
import OCMClient
import PlacerFakes
import Reconciler
import Testing

/// The reconcile loop over in-memory fakes of its two ports (``FakeGitSource``, ``FakeHub``): no git daemon, no
/// hub server, no disk but the presets. Each test runs in well under a second.
@Suite struct FakePortsTests {
    static let presets = ReconcilerConfiguration.loadPresets(from: packageRoot.appendingPathComponent("policies").path)
    static let exampleFiles: [String: String] = {
        let files = (try? RepoFiles.read(directory: packageRoot.appendingPathComponent("example-repo").path)) ?? [:]
        return files.mapValues { String(decoding: $0, as: UTF8.self) }
    }()
    static let apps = Set(
        exampleFiles.keys.filter { $0.hasPrefix("apps/") }.map { String($0.split(separator: "/")[1]) })

    /// A world: the example repo in a fake git source, the example clusters on a fake hub, and a reconciler.
    struct World {
        let git: FakeGitSource
        let hub: FakeHub
        let configuration: ReconcilerConfiguration

        init(configure: (inout ReconcilerConfiguration) -> Void = { _ in }) async {
            git = FakeGitSource(files: FakePortsTests.exampleFiles)
            hub = FakeHub()
            var configuration = ReconcilerConfiguration(
                repoURL: "git://fake.example/app-repo.git", cacheDirectory: "/nonexistent",
                presets: FakePortsTests.presets,
                statusWaitSeconds: 1)
            configure(&configuration)
            self.configuration = configuration
            let files = FakePortsTests.exampleFiles.mapValues { Data($0.utf8) }
            for cluster in RepoLoader.load(files: files).clusters {
                await hub.seed(ManagedClusterFactory.make(from: cluster), kind: .managedCluster)
            }
        }

        func reconciler() -> Reconciler {
            Reconciler(configuration: configuration, git: git, hub: hub)
        }

        /// ManifestWorks as `namespace/name` → resourceVersion.
        func works() async -> [String: String] {
            var result: [String: String] = [:]
            for work in await hub.objects(.manifestWork) {
                let key =
                    "\(work[path: "metadata.namespace"]?.stringValue ?? "")/\(work[path: "metadata.name"]?.stringValue ?? "")"
                result[key] = work[path: "metadata.resourceVersion"]?.stringValue
            }
            return result
        }
    }

    @Test(.timeLimit(.minutes(1))) func firstReconcilePlacesAndAppliesEveryApp() async throws {
        let world = await World()
        let seed = try #require(await world.git.head(of: "main"))
        let report = try await world.reconciler().reconcileOnce()

        let commit = try #require(report.commit)
        #expect(await world.git.head(of: "main")?.hex == commit)
        let commitID = try #require(ObjectID(hex: commit))
        let info = try await world.git.commitInfo(commitID)
        #expect(info.parents == [seed])
        #expect(
            info.message.split(separator: "\n").filter { $0.hasPrefix("Placer-Decision: ") }.count == Self.apps.count)
        let files = await world.git.text(ofBranch: "main")
        for app in Self.apps { #expect(files["placements/\(app).yaml"] != nil, "\(app) has no placement") }
        let works = await world.works()
        #expect(Set(works.keys.map { String($0.split(separator: "/")[1]) }) == Self.apps)
        #expect(report.apps.allSatisfy { $0.phase == .ready }, "\(report.apps.map { "\($0.app) \($0.phase)" })")
    }

    @Test(.timeLimit(.minutes(1))) func anUnchangedWorldMakesNoCommitAndNoHubWrites() async throws {
        let world = await World()
        let placer = world.reconciler()
        _ = try await placer.reconcileOnce()
        let tip = await world.git.head(of: "main")
        let writes = await world.hub.writes

        let again = try await placer.reconcileOnce()
        #expect(again.commit == nil)
        #expect(again.decided == false)
        // A restarted Placer decides again, byte-identically, and so commits and writes nothing.
        let restarted = try await world.reconciler().reconcileOnce()
        #expect(restarted.commit == nil)
        #expect(await world.git.head(of: "main") == tip)
        #expect(await world.hub.writes == writes)
    }

    @Test(.timeLimit(.minutes(1))) func aPushedLatencyEditMovesOnlyThatApp() async throws {
        let world = await World()
        let placer = world.reconciler()
        _ = try await placer.reconcileOnce()
        let before = await world.works()
        #expect(before["regional-cloud/digital-twin"] != nil)

        let app = try #require(await world.git.text(ofBranch: "main")["apps/digital-twin/app.yaml"])
        await world.git.commit(
            [
                "apps/digital-twin/app.yaml": app.replacingOccurrences(
                    of: "nwlatency: \"100\"", with: "nwlatency: \"10\"")
            ],
            message: "twin serves the control room")
        let head = try #require(await world.git.head(of: "main"))
        let report = try await placer.reconcileOnce()
        let hex = try #require(report.commit)
        let commit = try #require(ObjectID(hex: hex))

        #expect(
            try await world.git.changedPaths(from: head, to: commit) == [
                "placements/digital-twin.yaml", "rendered/factory-dc/digital-twin.yaml",
                "rendered/regional-cloud/digital-twin.yaml",
            ])
        #expect(report.apps.first { $0.app == "digital-twin" }?.moved == true)
        let after = await world.works()
        #expect(after["regional-cloud/digital-twin"] == nil)
        #expect(after["factory-dc/digital-twin"] != nil)
        for (key, version) in before where !key.hasSuffix("/digital-twin") {
            #expect(after[key] == version, "\(key) was rewritten")
        }
    }

    @Test(.timeLimit(.minutes(1))) func aNonFastForwardPushIsRetriedFromFetch() async throws {
        let world = await World()
        await world.git.raceNextPushes(2, by: ["docs/notes.md": "a human was faster\n"])
        let report = try await world.reconciler().reconcileOnce()

        let hex = try #require(report.commit)
        let commit = try #require(ObjectID(hex: hex))
        #expect(await world.git.rejectedPushes == 2)
        #expect(await world.git.fetches == 3)
        // The placement commit sits on the racer's commit, which keeps its file.
        #expect(await world.git.head(of: "main") == commit)
        #expect(await world.git.text(ofBranch: "main")["docs/notes.md"] == "a human was faster\n")
        #expect(await world.git.text(ofBranch: "main")["placements/digital-twin.yaml"] != nil)
    }

    @Test(.timeLimit(.minutes(1))) func aPushThatKeepsLosingFailsAfterTheLimit() async throws {
        let world = await World { $0.maxPushAttempts = 2 }
        await world.git.raceNextPushes(5)
        await #expect(throws: ReconcileError.self) { try await world.reconciler().reconcileOnce() }
        #expect(await world.git.rejectedPushes == 2)
        #expect(await world.works().isEmpty)
    }

    @Test(.timeLimit(.minutes(1))) func pruneDeletesOnlyWorksThisInstanceOwns() async throws {
        let world = await World()
        let placer = world.reconciler()
        _ = try await placer.reconcileOnce()
        // Someone else's work and an unlabelled one in a cluster namespace Placer prunes in.
        let managedBy = ("app.kubernetes.io/managed-by", Value.string("placer"))
        for (name, labels) in [
            ("foreign", [managedBy, ("placer.dev/owner", .string("someone-else"))]), ("legacy", [managedBy]),
        ] {
            await world.hub.seed(
                .object([
                    ("apiVersion", .string("work.open-cluster-management.io/v1")), ("kind", .string("ManifestWork")),
                    (
                        "metadata",
                        .object([
                            ("name", .string(name)), ("namespace", .string("factory-dc")), ("labels", .object(labels)),
                        ])
                    ),
                    ("spec", .object([])),
                ]), kind: .manifestWork)
        }
        await world.git.commit(
            Dictionary(
                uniqueKeysWithValues: Self.exampleFiles.keys.filter { $0.hasPrefix("apps/quality-dashboard/") }.map {
                    ($0, nil)
                }),
            message: "dashboard retired")
        let report = try await placer.reconcileOnce()

        #expect(report.apps.first { $0.app == "quality-dashboard" }?.phase == .pruned)
        let works = await world.works()
        #expect(!works.keys.contains { $0.hasSuffix("/quality-dashboard") })
        #expect(works["factory-dc/foreign"] != nil)
        #expect(works["factory-dc/legacy"] != nil)
    }

    @Test(.timeLimit(.minutes(1))) func anEmptiedRepoStallsAndDeletesNothing() async throws {
        let world = await World()
        let placer = world.reconciler()
        _ = try await placer.reconcileOnce()
        let works = await world.works()
        let writes = await world.hub.writes

        await world.git.commit(
            Dictionary(uniqueKeysWithValues: Self.exampleFiles.keys.filter { $0.hasPrefix("apps/") }.map { ($0, nil) }),
            message: "oops")
        let tip = await world.git.head(of: "main")
        var thrown: ReconcileError?
        do { _ = try await placer.reconcileOnce() } catch let error as ReconcileError { thrown = error }
        guard case let .emptyRepo(_, owned, _)? = thrown else {
            Issue.record("expected a stall, got \(String(describing: thrown))")
            return
        }
        #expect(owned == works.count)
        #expect(thrown?.nextAction == .stall)
        // Stalled: the same tip does no work again, and nothing on the hub or in Git changed.
        await #expect(throws: ReconcileError.self) { try await placer.reconcileOnce() }
        #expect(await world.works() == works)
        #expect(await world.hub.writes == writes)
        #expect(await world.git.head(of: "main") == tip)
    }

    @Test(.timeLimit(.minutes(1))) func anUnreachableHubIsAOneLineRetry() async throws {
        let world = await World()
        await world.hub.failNext(100)
        do {
            _ = try await world.reconciler().reconcileOnce()
            Issue.record("an unreachable hub must fail")
        } catch let error as ReconcileError {
            #expect(!error.description.contains("\n"))
            #expect(error.description.contains("cannot reach"))
            #expect(error.nextAction == .retry)
        }
    }
}
