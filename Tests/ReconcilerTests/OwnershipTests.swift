import AppModel
import EdgeSim
import Foundation
import GitStore
import OCMClient
import Testing

@testable import Reconciler

/// Never touch what is not ours: two Placer instances (two repos, or two branches) on one hub, works written
/// by hand, works from a Placer release without owner labels, and a repo emptied by mistake.
@Suite struct OwnershipTests {
    /// A second bare repo beside the factory's, served by the same `git daemon`: the factory's clusters and
    /// policies and one app of its own (`line-display`, a renamed copy of the broker).
    static func secondRepo(_ factory: FactoryFixture) throws -> String {
        let bare = try GitRepository.initBare(at: factory.folder.appendingPathComponent("other-repo.git").path)
        let example = try RepoFiles.read(directory: packageRoot.appendingPathComponent("example-repo").path)
        var files = example.filter { $0.key.hasPrefix("clusters/") || $0.key.hasPrefix("policies/") }
        let broker = String(decoding: try #require(example["apps/mqtt-broker/app.yaml"]), as: UTF8.self)
        files["apps/line-display/app.yaml"] = Data(
            broker.replacingOccurrences(of: "mqtt-broker", with: "line-display").utf8)
        _ = try bare.commit(
            parent: nil, changes: files.mapValues { Optional($0) }, author: FactoryFixture.humanSignature,
            committer: FactoryFixture.humanSignature, message: "Line display\n", updateRef: "refs/heads/main")
        try bare.setHead(branch: "main")
        return factory.daemon.url(repository: "other-repo.git")
    }

    static func owner(of work: Value) -> String? { work[path: "metadata.labels"]?[Labels.owner]?.stringValue }

    @Test func aSecondRepoOnTheSameHubDeletesNothingOfTheFirst() async throws {
        try await withFactory { factory in
            let first = try factory.reconciler()
            _ = try await first.reconcileOnce()
            let firstWorks = await factory.works()
            #expect(firstWorks.count == EndToEndTests.apps.count)

            let otherURL = try Self.secondRepo(factory)
            let second = try Reconciler(
                configuration: ReconcilerConfiguration(
                    repoURL: otherURL, branch: "main",
                    cacheDirectory: factory.folder.appendingPathComponent("cache-other").path,
                    presets: ReconcilerConfiguration.loadPresets(
                        from: packageRoot.appendingPathComponent("policies").path),
                    statusWaitSeconds: 3),
                hub: factory.client)
            let report = try await second.reconcileOnce()
            #expect(report.deleted.isEmpty, "\(report.deleted)")
            #expect(report.applied.count == 1 && report.applied.first?.hasSuffix("/line-display") == true)

            // The first repo's works are exactly as they were, and each is labelled with its own owner.
            let now = await factory.works()
            for (key, version) in firstWorks { #expect(now[key] == version, "\(key) changed") }
            let instances = Set(await factory.hub.objects("manifestworks").compactMap(Self.owner))
            #expect(instances == [first.configuration.instance, second.configuration.instance])
            #expect(first.configuration.instance != second.configuration.instance)

            // And the first instance never prunes the second's work.
            let again = try await factory.reconciler(cache: "cache-2").reconcileOnce()
            #expect(again.deleted.isEmpty)
            #expect(await factory.works().keys.contains { $0.hasSuffix("/line-display") })
        }
    }

    @Test func anEmptiedRepoStallsAndDeletesNothingUntilConfirmed() async throws {
        try await withFactory { factory in
            _ = try await factory.reconciler().reconcileOnce()
            let works = await factory.works()
            // A bad merge empties the repo's apps/, placements/ and rendered/ at once (nothing left to count
            // as a mass prune inside the repo).
            let doomed = try factory.files().keys.filter {
                $0.hasPrefix("apps/") || $0.hasPrefix("placements/") || $0.hasPrefix("rendered/")
            }
            try factory.humanPush(Dictionary(uniqueKeysWithValues: doomed.map { ($0, Data?.none) }), message: "oops\n")
            let tip = try factory.tip()

            let stalled = try await factory.reconciler(cache: "cache-2")
            let error = await #expect(throws: ReconcileError.self) { _ = try await stalled.reconcileOnce() }
            guard case let .emptyRepo(reason, owned, instance)? = error else {
                Issue.record("expected a stall on the emptied repo, got \(String(describing: error))")
                return
            }
            #expect(
                reason.contains("no apps/ folder") && owned == EndToEndTests.apps.count && error?.nextAction == .stall)
            #expect(instance == stalled.configuration.instance)
            #expect(error?.description.contains("--allow-empty-prune") == true)
            #expect(await factory.works() == works)
            #expect(try factory.tip() == tip)

            // A person confirms: now (and only now) the fleet goes.
            let confirmed = try await factory.reconciler(cache: "cache-3") {
                $0.allowEmptyPrune = true
                $0.allowMassPrune = true
            }.reconcileOnce()
            #expect(confirmed.deleted.count == EndToEndTests.apps.count)
            #expect(await factory.works().isEmpty)
        }
    }

    @Test func theHubSideGuardRefusesToPruneMostOfTheFleetAtOnce() async throws {
        try await withFactory { factory in
            _ = try await factory.reconciler().reconcileOnce()
            let works = await factory.works()
            // rendered/ emptied by hand while the apps stay: the repo-side guard sees no app leaving.
            let rendered = try factory.files().keys.filter { $0.hasPrefix("rendered/") }
            try factory.humanPush(
                Dictionary(uniqueKeysWithValues: rendered.map { ($0, Data?.none) }), message: "tidy\n")
            let tip = try factory.tip()
            let placer = try factory.reconciler(cache: "cache-2") { $0.mode = .propose }
            // Propose mode applies what the tracked branch holds: an empty rendered/.
            let error = await #expect(throws: ReconcileError.self) { _ = try await placer.reconcileOnce() }
            guard case let .massPrune(apps, _, _)? = error else {
                Issue.record("expected the mass-prune guard, got \(String(describing: error))")
                return
            }
            #expect(apps.count == EndToEndTests.apps.count)
            #expect(await factory.works() == works)
            #expect(try factory.tip() == tip)
        }
    }

    @Test func aManifestWorkOwnedByAnotherInstanceIsAConflictAndIsNeverWritten() async throws {
        try await withFactory { factory in
            let placer = try factory.reconciler()
            _ = try await placer.reconcileOnce()
            // Another tool takes the vision service's work: relabels it and scales it down.
            let other = try KubeClient(
                kubeconfig: try Kubeconfig.load(path: factory.kubeconfigPath), fieldManager: "someone-else")
            defer { Task { try? await other.shutdown() } }
            let takeover: Value = .object([
                ("apiVersion", .string("work.open-cluster-management.io/v1")), ("kind", .string("ManifestWork")),
                (
                    "metadata",
                    .object([
                        ("name", .string("vision-inference")), ("namespace", .string("factory-dc")),
                        ("labels", .object([(Labels.owner, .string("someone-else"))])),
                    ])
                ),
            ])
            _ = try await other.apply(
                .manifestWork, namespace: "factory-dc", name: "vision-inference", body: takeover.canonicalJSONData())
            let before = await factory.works()

            let report = try await placer.reconcileOnce()
            let status = try #require(report.apps.first { $0.app == "vision-inference" })
            #expect(status.phase == .conflict)
            #expect(status.reason.contains("owned by Placer instance someone-else"))
            #expect(!report.applied.contains("factory-dc/vision-inference"))
            #expect(await factory.works() == before, "nothing rewritten or deleted")
            // The other apps carry on.
            #expect(report.apps.filter { $0.app != "vision-inference" }.allSatisfy { $0.phase == .ready })
        }
    }

    @Test func worksFromAReleaseWithoutOwnerLabelsAreAdoptedAndNeverPruned() async throws {
        try await withFactory { factory in
            // A work of an app this repo no longer has, written by a Placer without owner labels.
            try await factory.hub.seed(
                .object([
                    ("apiVersion", .string("work.open-cluster-management.io/v1")), ("kind", .string("ManifestWork")),
                    (
                        "metadata",
                        .object([
                            ("name", .string("old-app")), ("namespace", .string("factory-dc")),
                            ("labels", .object([(Labels.managedBy, .string("placer"))])),
                        ])
                    ),
                    ("spec", .object([("workload", .object([("manifests", .array([]))]))])),
                ]))
            let placer = try factory.reconciler()
            let report = try await placer.reconcileOnce()
            #expect(report.deleted.isEmpty)
            let works = await factory.hub.objects("manifestworks")
            #expect(works.contains { $0[path: "metadata.name"]?.stringValue == "old-app" })
            let ours = works.filter { Self.owner(of: $0) == placer.configuration.instance }
            #expect(ours.count == EndToEndTests.apps.count)
            #expect(
                ours.allSatisfy {
                    $0[path: "metadata.annotations"]?[Labels.source]?.stringValue == "\(factory.repoURL)#main"
                })
        }
    }

    @Test func theFleetDecisionNamesEveryAppOnEachCluster() async throws {
        try await withFactory { factory in
            _ = try await factory.reconciler { $0.decisionNamespace = "placer" }.reconcileOnce()
            let fleet = try await factory.client.list(
                .placementDecision, namespace: "placer",
                labelSelector: "cluster.open-cluster-management.io/placement=placer")
            let reasons = try fleet.flatMap { try Value.parseJSON($0)[path: "status.decisions"]?.arrayValue ?? [] }
                .compactMap { $0["reason"]?.stringValue }
            let named = reasons.flatMap {
                $0.dropFirst("runs ".count).split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            }
            #expect(Set(named) == Set(EndToEndTests.apps))
            let owned = try await factory.client.list(.placement, namespace: "placer", labelSelector: Labels.owner)
            #expect(owned.count == EndToEndTests.apps.count + 1)
        }
    }

    @Test func defaultInstancesAreLabelValuesThatTellReposAndBranchesApart() {
        let main = Ownership.defaultInstance(
            repoURL: "https://token:secret@git.example.com/factory/app-repo.git", branch: "main")
        #expect(main.hasPrefix("app-repo-main-"))
        #expect(!main.contains("secret"))
        #expect(Ownership.isValidInstance(main))
        let staging = Ownership.defaultInstance(
            repoURL: "https://git.example.com/factory/app-repo.git", branch: "staging")
        #expect(staging.hasPrefix("app-repo-staging-") && staging != main)
        let other = Ownership.defaultInstance(repoURL: "git://127.0.0.1:9418/other/app-repo.git", branch: "main")
        #expect(other != main)
        let long = Ownership.defaultInstance(
            repoURL: "file:///srv/" + String(repeating: "Very_Long/Name ", count: 9), branch: "feature/x")
        #expect(Ownership.isValidInstance(long) && long.count <= 63, "\(long)")
        #expect(!Ownership.isValidInstance("-bad"))
        #expect(!Ownership.isValidInstance(String(repeating: "a", count: 64)))
    }

    @Test func claimsTellOursLegacyAndForeignApart() {
        func work(_ labels: [(String, Value)]) -> Value {
            .object([("metadata", .object([("labels", .object(labels))]))])
        }
        #expect(Ownership.claim(of: work([(Labels.owner, .string("me"))]), instance: "me") == .ours)
        #expect(Ownership.claim(of: work([(Labels.managedBy, .string("placer"))]), instance: "me") == .legacy)
        #expect(
            Ownership.claim(of: work([(Labels.owner, .string("you"))]), instance: "me")
                == .foreign(owner: "Placer instance you"))
        #expect(Ownership.claim(of: work([]), instance: "me") == .foreign(owner: "not Placer"))
        let stamped = Ownership.stamp(work([("keep", .string("x"))]), instance: "me", source: "git://h/r.git#main")
        #expect(stamped[path: "metadata.labels"]?["keep"] == .string("x"))
        #expect(Ownership.claim(of: stamped, instance: "me") == .ours)
    }
}
