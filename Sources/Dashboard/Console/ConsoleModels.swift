import AppModel
import Foundation
import PDLC
import Reconciler

// What the console's pages show, as Codable values: the JSON API returns them as they are (docs/console.md), and
// the HTML pages render them with the templates of `ConsoleTemplates`. Built from the `StatusStore` snapshot and
// the reconciler's `ConsoleView` only, so a page costs no Git or hub access (the history and diff pages read Git).

/// One row of the apps list (`GET /`).
struct AppRow: Codable, Sendable {
    var name: String
    var cluster: String?
    /// The one-word phase `placer reconcile` prints (`Ready`, `Progressing`, `Invalid`, …).
    var phase: String
    /// `Ready` condition status: `True`, `False` or `Unknown`.
    var ready: String
    var readyReason: String
    var readyMessage: String
    var reconciling: Bool
    var stalled: Bool
    var invalid: Bool
    /// An invalid app's errors, `file:line:column: message`.
    var errors: [String]
    var qosClass: String?
    var lastDecision: DecisionSummary?
    /// Whether the last reconcile moved it.
    var moved: Bool
    /// The last drift correction's event line, if any.
    var drift: String?
    /// `Placer` or `human`: who made the committed placement.
    var placedBy: String?
    /// CSS class of the Ready badge (HTML only, also in JSON for simplicity).
    var readyClass: String
}

/// An app's last decision in one line.
struct DecisionSummary: Codable, Sendable {
    var outcome: String
    var cluster: String?
    var reason: String
    /// ISO 8601.
    var at: String
    var commit: String?
    var short: String?
}

/// The apps list's filters (query parameters `q`, `status`, `cluster`, `class`, `page`, `per`).
struct AppFilter: Codable, Sendable {
    var q = ""
    var status = ""
    var cluster = ""
    var qosClass = ""
    var page = 1
    var perPage = 50

    enum CodingKeys: String, CodingKey {
        case q, status, cluster
        case qosClass = "class"
        case page
        case perPage = "per"
    }

    init(query: [String: String]) {
        q = query["q"] ?? ""
        status = query["status"] ?? ""
        cluster = query["cluster"] ?? ""
        qosClass = query["class"] ?? ""
        page = max(1, Int(query["page"] ?? "") ?? 1)
        perPage = min(500, max(1, Int(query["per"] ?? "") ?? 50))
    }

    /// The query string for another page with the same filters.
    func query(page: Int) -> String {
        var items: [(String, String)] = []
        if !q.isEmpty { items.append(("q", q)) }
        if !status.isEmpty { items.append(("status", status)) }
        if !cluster.isEmpty { items.append(("cluster", cluster)) }
        if !qosClass.isEmpty { items.append(("class", qosClass)) }
        if perPage != 50 { items.append(("per", String(perPage))) }
        items.append(("page", String(page)))
        return "/?" + items.map { "\(FormCoding.encode($0.0))=\(FormCoding.encode($0.1))" }.joined(separator: "&")
    }
}

/// One page of the apps list.
struct AppsPage: Codable, Sendable {
    var apps: [AppRow]
    /// Apps known in total, and matching the filters.
    var total: Int
    var matched: Int
    var page: Int
    var pages: Int
    var perPage: Int
    var filter: AppFilter
    var revision: String?
}

/// The statuses the apps list filters by: conditions, then phases.
enum AppStatusFilter {
    static let conditions = ["Ready", "NotReady", "Reconciling", "Stalled", "Invalid"]
    static let phases = [
        "Progressing", "Unplaced", "Degraded", "Proposed", "PinnedInfeasible", "Conflict", "Pruned",
    ]

    static func matches(_ record: AppStatusRecord, _ status: String) -> Bool {
        switch status {
        case "": return true
        case "Ready": return record.condition(ConditionType.ready)?.status == .true
        case "NotReady": return record.condition(ConditionType.ready)?.status != .true
        case "Reconciling": return record.condition(ConditionType.reconciling)?.status == .true
        case "Stalled": return record.condition(ConditionType.stalled)?.status == .true
        case "Invalid": return record.phase == .invalid
        default: return record.phase.rawValue == status
        }
    }
}

enum ConsoleFormat {
    static func date(_ date: Date) -> String {
        date.formatted(.iso8601)
    }

    static func number(_ value: Double, digits: Int = 1) -> String {
        guard value.isFinite else { return "–" }
        var text = String(format: "%.\(digits)f", value)
        while text.contains("."), text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }

    static func short(_ commit: String) -> String { String(commit.prefix(12)) }
}

extension AppRow {
    init(record: AppStatusRecord, view: ConsoleView?) {
        let ready = record.condition(ConditionType.ready)
        name = record.app
        cluster = record.cluster
        phase = record.phase.rawValue
        self.ready = ready?.status.rawValue ?? "Unknown"
        readyReason = ready?.reason ?? ""
        readyMessage = ready?.message ?? ""
        reconciling = record.condition(ConditionType.reconciling)?.status == .true
        stalled = record.condition(ConditionType.stalled)?.status == .true
        invalid = record.phase == .invalid
        errors = invalid ? (view?.snapshot.invalidApps[record.app] ?? []).map(\.description) : []
        qosClass =
            view?.apps[record.app]?.qosClass.rawValue ?? view?.snapshot.placements[record.app]?.qosClass.rawValue
        lastDecision = record.lastDecision.map { decision in
            DecisionSummary(
                outcome: decision.outcome.rawValue, cluster: decision.cluster, reason: decision.reason,
                at: ConsoleFormat.date(decision.at), commit: decision.commit,
                short: decision.commit.map(ConsoleFormat.short))
        }
        moved = record.moved
        drift = view?.drift[record.app]?.message
        placedBy = view?.authorship[record.app].map { $0.byPlacer ? "Placer" : "human" }
        readyClass = ready?.status == .true ? "ok" : (record.phase == .invalid ? "bad" : "warn")
    }
}

extension AppsPage {
    /// Filters, searches and pages the apps of `snapshot` (sorted by name).
    static func make(snapshot: StatusSnapshot, view: ConsoleView?, filter: AppFilter) -> AppsPage {
        let q = filter.q.lowercased()
        var matched: [AppStatusRecord] = []
        matched.reserveCapacity(snapshot.apps.count)
        for record in snapshot.apps.values {
            if !q.isEmpty, !record.app.lowercased().contains(q) { continue }
            if !filter.cluster.isEmpty, record.cluster != filter.cluster { continue }
            if !AppStatusFilter.matches(record, filter.status) { continue }
            if !filter.qosClass.isEmpty {
                let qos =
                    view?.apps[record.app]?.qosClass.rawValue
                    ?? view?.snapshot.placements[record.app]?.qosClass.rawValue
                if qos != filter.qosClass { continue }
            }
            matched.append(record)
        }
        matched.sort { $0.app < $1.app }
        let pages = max(1, (matched.count + filter.perPage - 1) / filter.perPage)
        var filter = filter
        filter.page = min(filter.page, pages)
        let start = (filter.page - 1) * filter.perPage
        let rows = matched[min(start, matched.count)..<min(start + filter.perPage, matched.count)].map {
            AppRow(record: $0, view: view)
        }
        return AppsPage(
            apps: rows, total: snapshot.apps.count, matched: matched.count, page: filter.page, pages: pages,
            perPage: filter.perPage, filter: filter, revision: snapshot.loop.revision)
    }
}

/// The app detail page (`GET /apps/<name>`): `placer explain` as a page.
struct AppDetail: Codable, Sendable {
    struct Condition: Codable, Sendable {
        var type: String
        var status: String
        var reason: String
        var message: String
        var lastTransitionTime: String
    }
    struct Weight: Codable, Sendable {
        var plugin: String
        var weight: String
    }
    struct Cell: Codable, Sendable {
        var plugin: String
        /// The plugin's explanation of its raw input (e.g. `latency 12 ms to hall-1`).
        var raw: String
        /// Normalised score, 0–100.
        var score: String
        var weight: String
        /// weight × score ÷ Σ weights: this criterion's share of the total.
        var contribution: String
        var contributionValue: Double
    }
    struct Candidate: Codable, Sendable {
        var cluster: String
        var total: String
        var totalValue: Double
        var winner: Bool
        var cells: [Cell]
    }
    struct Refusal: Codable, Sendable {
        var cluster: String
        /// The filters that refused it.
        var filters: String
        var reasons: String
    }
    struct Input: Codable, Sendable {
        var cluster: String
        var metric: String
        /// Where it came from; for forecasts, the model.
        var source: String
        var age: String
        var interval: String
    }
    /// One cluster's load forecast as the decision used it: model, horizon, value, interval, recent error and
    /// the load the headroom filter checked (PDLC's `LoadForecast`).
    struct ForecastLine: Codable, Sendable {
        var cluster: String
        var metric: String
        var model: String
        var text: String
    }
    struct Placement: Codable, Sendable {
        var cluster: String?
        var pinned: Bool
        /// `Placer` or `human`.
        var by: String
        var commit: String
        var short: String
        var subject: String
        var author: String
        var date: String
        var honoured: Bool
        var note: String?
    }

    var name: String
    var row: AppRow?
    var conditions: [Condition]
    var placement: Placement?
    var winner: String?
    var outcome: String?
    var reasons: [String]
    /// Why the app did not move (or did): the hysteresis state in one line.
    var hysteresis: String
    var weights: [Weight]
    var hasWeights: Bool
    var criteria: [String]
    var candidates: [Candidate]
    var refused: [Refusal]
    var inputs: [Input]
    var forecasts: [ForecastLine]
    var errors: [String]
    var hasErrors: Bool
    var revision: String?

    static func make(app: String, record: AppStatusRecord?, view: ConsoleView?) -> AppDetail? {
        let decision = view?.decisions[app]
        let committed = view?.snapshot.placements[app]
        let known =
            record != nil || decision != nil || committed != nil || view?.apps[app] != nil
            || view?.snapshot.invalidApps[app] != nil
        guard known else { return nil }
        let weightsByPlugin = decision.map { view?.snapshot.policy.weights(for: $0.app) ?? [:] } ?? [:]
        let weightSum = weightsByPlugin.values.filter { $0 > 0 }.reduce(0, +)
        let criteria = Set((decision?.candidates ?? []).flatMap(\.scores.keys)).sorted()
        let candidates: [Candidate] = (decision?.candidates ?? []).map { candidate in
            let cells = criteria.map { plugin -> Cell in
                let score = candidate.scores[plugin] ?? 0
                let weight = weightsByPlugin[plugin] ?? 0
                let contribution = weightSum > 0 ? weight * score / weightSum : 0
                return Cell(
                    plugin: plugin, raw: decision?.details[candidate.cluster]?[plugin] ?? "",
                    score: ConsoleFormat.number(score), weight: ConsoleFormat.number(weight, digits: 2),
                    contribution: ConsoleFormat.number(contribution), contributionValue: contribution)
            }
            return Candidate(
                cluster: candidate.cluster, total: ConsoleFormat.number(candidate.total), totalValue: candidate.total,
                winner: candidate.cluster == decision?.cluster, cells: cells)
        }
        let refused = (decision?.rejected ?? []).map { rejection in
            let filters = (decision?.verdicts[rejection.cluster] ?? []).filter { !$0.rejections.isEmpty }.map(\.plugin)
            return Refusal(
                cluster: rejection.cluster, filters: filters.isEmpty ? "filters" : filters.joined(separator: ", "),
                reasons: rejection.reasons.joined(separator: "; "))
        }
        var inputs: [Input] = []
        for (cluster, list) in (decision?.inputs ?? [:]).sorted(by: { $0.key < $1.key }) {
            let spec = view?.snapshot.clusters.first { $0.name == cluster }
            let step = spec?.telemetry.map { "\(ConsoleFormat.number($0.stepSeconds, digits: 0)) s" } ?? "–"
            for input in list {
                inputs.append(
                    Input(
                        cluster: cluster, metric: input.metric, source: input.source,
                        age: input.ageSeconds.map { "\(ConsoleFormat.number($0, digits: 0)) s" } ?? "static",
                        interval: input.ageSeconds == nil ? "–" : step))
            }
            for fallback in decision?.fallbacks[cluster] ?? [] {
                inputs.append(Input(cluster: cluster, metric: "fallback", source: fallback, age: "–", interval: "–"))
            }
        }
        let forecasts = (decision?.forecasts ?? [:]).sorted(by: { $0.key < $1.key }).flatMap { cluster, list in
            list.map {
                ForecastLine(cluster: cluster, metric: $0.metric.rawValue, model: $0.model, text: $0.description)
            }
        }
        var placement: Placement?
        if let author = view?.authorship[app] {
            let note: String? =
                author.byPlacer
                ? nil
                : author.honoured
                    ? "a human decision: Placer keeps it until apps/\(app)/ changes or the placement says pinned: false"
                    : "a human's commit, no longer binding (apps/\(app)/ changed since, or pinned: false)"
            placement = Placement(
                cluster: committed?.cluster, pinned: committed?.pinned ?? false,
                by: author.byPlacer ? "Placer" : "human",
                commit: author.commit.hex, short: ConsoleFormat.short(author.commit.hex), subject: author.subject,
                author: author.author, date: ConsoleFormat.date(author.date), honoured: author.honoured, note: note)
        }
        let hysteresis: String
        if let decision {
            switch decision.outcome {
            case .heldByHysteresis:
                hysteresis = "a better cluster exists, but stability holds it: \(decision.reasons.first ?? "")"
            case .pinned:
                hysteresis = "pinned: Placer does not move it (\(decision.reasons.first ?? ""))"
            default:
                hysteresis =
                    decision.moves
                    ? "it moved: \(decision.previousCluster ?? "-") → \(decision.cluster ?? "-")"
                    : "\(decision.outcome.rawValue): no challenger beats the current cluster by the policy's margin"
            }
        } else {
            hysteresis = "no decision yet"
        }
        let errors = (view?.snapshot.invalidApps[app] ?? []).map(\.description)
        let weights = weightsByPlugin.filter { $0.value > 0 }.sorted { $0.key < $1.key }.map {
            Weight(plugin: $0.key, weight: ConsoleFormat.number($0.value, digits: 2))
        }
        return AppDetail(
            name: app, row: record.map { AppRow(record: $0, view: view) },
            conditions: (record?.conditions ?? []).map {
                Condition(
                    type: $0.type, status: $0.status.rawValue, reason: $0.reason, message: $0.message,
                    lastTransitionTime: ConsoleFormat.date($0.lastTransitionTime))
            },
            placement: placement, winner: decision?.cluster ?? committed?.cluster,
            outcome: decision?.outcome.rawValue, reasons: decision?.reasons ?? committed?.reasons ?? [],
            hysteresis: hysteresis, weights: weights, hasWeights: !weights.isEmpty, criteria: criteria,
            candidates: candidates, refused: refused, inputs: inputs, forecasts: forecasts,
            errors: errors, hasErrors: !errors.isEmpty,
            revision: view?.revision)
    }
}

/// One cluster (`GET /clusters`, `GET /clusters/<name>`).
struct ClusterRow: Codable, Sendable {
    struct Score: Codable, Sendable {
        var name: String
        var value: String
    }
    var name: String
    var zone: String
    var available: Bool
    var cpuCores: String
    var memoryGiB: String
    /// `used / capacity` (live), or `–` without telemetry.
    var cpu: String
    var memory: String
    var cpuHistory: [Double]
    var appCount: Int
    var apps: [String]
    var taints: [String]
    var labels: [String]
    var scores: [Score]
    var source: String
    /// `metric from source, N s old`.
    var telemetry: [String]
    var latency: [String]
    /// What the cluster's learning agent published: model, forecast, recent error, ε spent (empty: no agent).
    var agent: [String]

    init(cluster spec: ClusterSpec, apps: [String], agent: [String] = []) {
        self.agent = agent
        name = spec.name
        zone = spec.zone
        available = spec.available
        let cores = ConsoleFormat.number(spec.cpuCores)
        let gibibytes = ConsoleFormat.number(spec.memoryBytes / 1_073_741_824)
        cpuCores = cores
        memoryGiB = gibibytes
        cpu = spec.telemetry?.cpuUsedCores.map { "\(ConsoleFormat.number($0)) / \(cores)" } ?? "–"
        memory =
            spec.telemetry?.memoryUsedBytes.map { "\(ConsoleFormat.number($0 / 1_073_741_824)) / \(gibibytes) GiB" }
            ?? "–"
        cpuHistory = spec.telemetry?.cpuUsedHistory ?? []
        appCount = apps.count
        self.apps = apps
        taints = spec.taints.map { "\($0.key)=\($0.value):\($0.effect)" }
        labels = spec.labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        scores =
            spec.addOnScores.sorted { $0.key < $1.key }.map {
                Score(name: $0.key, value: ConsoleFormat.number($0.value))
            }
            + spec.expiredAddOnScores.sorted().map { Score(name: $0, value: "expired") }
        source = spec.source.isEmpty ? "inventory" : spec.source
        telemetry =
            (spec.telemetry?.sources ?? [:]).sorted { $0.key < $1.key }.map { metric, source in
                let age =
                    spec.telemetry?.ageSeconds[metric].map { ", \(ConsoleFormat.number($0, digits: 0)) s old" } ?? ""
                return "\(metric) from \(source)\(age)"
            } + (spec.telemetry?.fallbacks ?? []).map { "fallback: \($0)" }
        let latencies =
            spec.telemetry?.latencyMilliseconds.isEmpty == false
            ? spec.telemetry?.latencyMilliseconds ?? [:] : spec.latencyMilliseconds
        latency = latencies.sorted { $0.key < $1.key }.map { "to \($0.key): \(ConsoleFormat.number($0.value)) ms" }
    }

    static func all(snapshot: StatusSnapshot, view: ConsoleView?) -> [ClusterRow] {
        var placed: [String: [String]] = [:]
        for record in snapshot.apps.values {
            if let cluster = record.cluster { placed[cluster, default: []].append(record.app) }
        }
        return (view?.snapshot.clusters ?? []).sorted { $0.name < $1.name }.map {
            ClusterRow(cluster: $0, apps: (placed[$0.name] ?? []).sorted(), agent: view?.agents[$0.name] ?? [])
        }
    }
}

/// One entry of `/history` and of an app's decision history.
struct HistoryEntry: Codable, Sendable {
    var commit: String
    var short: String
    var subject: String
    var body: String
    /// Lines of the message body that say what moved (`… → …`), for the timeline.
    var lines: [String]
    var hasLines: Bool
    var author: String
    var date: String
    /// `Placer` or `human`.
    var by: String
    var apps: [String]

    init(_ commit: PlacementCommit) {
        self.commit = commit.commit
        short = ConsoleFormat.short(commit.commit)
        subject = commit.subject
        body = commit.body
        lines = commit.body.split(separator: "\n").map(String.init).filter {
            ($0.contains("→") || $0.contains("->")) && !$0.hasPrefix("Placer-")
        }.prefix(20).map { $0.trimmingCharacters(in: .whitespaces) }
        hasLines = !lines.isEmpty
        author = commit.author
        date = ConsoleFormat.date(commit.date)
        by = commit.byPlacer ? "Placer" : "human"
        apps = commit.apps
    }
}
