import AppModel
import Foundation
import GitStore

/// How one Placer instance reconciles: which repo and branch, who commits, where it caches.
public struct ReconcilerConfiguration: Sendable {
    /// The app repo's clone URL (file://, git://, ssh://, https://).
    public var repoURL: String
    /// The tracked branch.
    public var branch: String
    /// A folder for Placer's bare cache of the repo.
    public var cacheDirectory: String
    /// Committer of placement commits (who made the commit).
    public var committerName: String
    public var committerEmail: String
    /// Author of placement commits (whose change it is); `nil` uses the committer.
    public var authorName: String?
    public var authorEmail: String?
    /// The placement commit message, with placeholders `{{summary}}` (the one-line summary), `{{changes}}`
    /// (one line per app that changed), `{{apps}}` (comma-separated app names), `{{branch}}`, `{{source}}`
    /// (the input revision) and `{{mode}}` (`commit` or `propose`). `nil` uses ``CommitMessage/defaultTemplate``.
    /// The `Placer-Decision`, `Placer-Inputs` and `Placer-Source` trailers are always appended, whatever the
    /// template, because rollback, explain and the webhook filter read them.
    public var messageTemplate: String?
    /// `commit` pushes placement commits to ``branch``; `propose` pushes them to ``proposalBranch`` for review
    /// and applies only what ``branch`` holds.
    public var mode: Mode = .commit
    /// The review branch used in ``Mode/propose`` mode.
    public var proposalBranch: String = "placer/proposals"
    /// How fetch and push authenticate (SSH key and known_hosts, HTTPS token and CA bundle); secrets are read
    /// from their files or variables at connect time and never logged.
    public var credentials: GitCredentials = .none
    /// Signs Placer's placement commits with an SSH key (`git log --show-signature` verifies them); nil signs none.
    public var signer: CommitSigner?
    /// Shipped policy presets: name → bytes of `policies/<name>.yaml`.
    public var presets: [String: Data]
    /// Pushes tried before a reconcile gives up when the branch keeps moving.
    public var maxPushAttempts: Int
    /// The largest share of known apps (0…1) one reconcile may prune without `allowMassPrune`.
    public var maxPruneShare: Double
    public var allowMassPrune: Bool
    /// Lets a reconcile go on when the fetched tree has no `apps/` folder or no loadable app while the hub
    /// still holds ManifestWorks this instance owns (it would delete them all). Without it the loop stalls
    /// with ``ReconcileError/emptyRepo(reason:ownedWorks:instance:)`` and deletes nothing.
    public var allowEmptyPrune: Bool = false
    /// This instance's owner identity (a label value), on every object it writes on the hub: prune, drift
    /// correction and status touch only objects carrying it. Default: ``Ownership/defaultInstance(repoURL:branch:)``.
    public var instance: String
    /// How long to wait for the work agent to report a ManifestWork's status after applying, in seconds.
    public var statusWaitSeconds: Double
    /// The most hub writes apply keeps in flight at once (`--hub-writes`; 16 by default, at least 1): ManifestWork
    /// comparisons and writes, one app's Placement and PlacementDecisions, and prunes each run as independent
    /// tasks of a bounded task group, as a client-go controller runs several workers over its queue. What must
    /// come first still does: one app's Placement before its decisions, every new work before any prune.
    public var hubWriteConcurrency: Int = 16
    /// Namespace on the hub for the Placements and PlacementDecisions Placer publishes; `nil` publishes none.
    public var decisionNamespace: String?
    /// Name of the fleet-wide Placement listing every cluster that runs at least one app.
    public var fleetPlacement: String = "placer"
    /// Whether input errors (`file:line:column: message`) and status transitions are logged as a reconcile sees
    /// them: on for the daemon, off for one-shot commands that print the report themselves (each error shown once).
    public var logsInputErrors = true
    /// Placer's namespace on the hub, where the state that survives a restart is kept (a ConfigMap).
    public var stateNamespace: String = "placer"
    /// The name of that ConfigMap; `nil` derives it from the instance (``stateConfigMapName``).
    public var stateName: String?
    /// The clock (injected so tests can move time); used for AddOnPlacementScore validity and commit dates.
    public var now: @Sendable () -> Date = { Date() }
    /// Seconds between full passes, in which the reconciler forgets its parsed apps and rendered ManifestWorks and
    /// reads, parses and renders the whole repo again (`--full-pass-interval`; 3600 by default). Between them a
    /// reconcile parses only the apps and placement files whose content changed and renders only ManifestWorks
    /// whose app, cluster or decision changed; the result is byte-identical either way. A full pass also happens
    /// on start and whenever `policies/` changes. 0 makes every reconcile a full pass.
    public var fullPassIntervalSeconds: Double = 3600
    /// Whether every decision of every reconcile is explained in full, as a full pass does. Off (the default), an
    /// incremental pass explains in full only the decisions whose `placements/` record it rewrites (the same
    /// commits, statuses and stability; the console explains the others on demand); on, for measuring the
    /// difference (`placer-lab bench scale --explain-every-decision`).
    public var explainsEveryDecision = false
    /// Growth of the resident set, in bytes, after which a finished reconcile gives malloc's freed memory back to the
    /// kernel (``HeapTrimmer``, `malloc_trim(0)`); nil never trims (for measuring the difference:
    /// `placer-lab bench scale --no-heap-trim`). Without it the RSS stays at the peak of the largest pass so far.
    public var heapTrimThresholdBytes: Int? = 16 << 20

    /// Where placement commits go.
    public enum Mode: String, Sendable, CaseIterable {
        /// Push to the tracked branch and apply (GitOps with Placer as a committer).
        case commit
        /// Push to a review branch; apply only once a human merges it into the tracked branch.
        case propose
    }

    public init(
        repoURL: String, branch: String = "main", cacheDirectory: String, committerName: String = "Placer",
        committerEmail: String = "placer@placer.dev", presets: [String: Data] = [:], maxPushAttempts: Int = 5,
        maxPruneShare: Double = 0.3, allowMassPrune: Bool = false, statusWaitSeconds: Double = 5,
        decisionNamespace: String? = nil
    ) {
        self.decisionNamespace = decisionNamespace
        self.repoURL = repoURL
        self.branch = branch
        self.cacheDirectory = cacheDirectory
        self.committerName = committerName
        self.committerEmail = committerEmail
        self.presets = presets
        self.maxPushAttempts = maxPushAttempts
        self.maxPruneShare = maxPruneShare
        self.allowMassPrune = allowMassPrune
        self.statusWaitSeconds = statusWaitSeconds
        self.instance = Ownership.defaultInstance(repoURL: repoURL, branch: branch)
    }

    /// The `placer.dev/source` annotation: the repo URL without credentials and the branch.
    public var source: String { "\(Redact.url(repoURL))#\(branch)" }
    /// The ConfigMap holding the state that must survive a restart: ``stateName``, or `placer-state-<instance>`
    /// (lower-cased, `_` as `-`), so every replica of one instance shares it and two instances on one hub do not.
    public var stateConfigMapName: String {
        if let stateName { return stateName }
        return "placer-state-" + instance.lowercased().replacingOccurrences(of: "_", with: "-")
    }

    /// Reads every `*.yaml` of a presets folder (Placer's top-level `policies/`).
    public static func loadPresets(from directory: String) -> [String: Data] {
        let url = URL(fileURLWithPath: directory)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        var presets: [String: Data] = [:]
        for name in names where name.hasSuffix(".yaml") {
            presets[String(name.dropLast(5))] = try? Data(contentsOf: url.appendingPathComponent(name))
        }
        return presets
    }
}
