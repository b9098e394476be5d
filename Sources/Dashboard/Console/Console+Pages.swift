import AppModel
import Foundation
import GitStore
import Hummingbird
import Reconciler

// The read-only pages: each builds one Codable model (the JSON answer) and renders it.

extension PlacerConsole {
    /// One `<option>` of a filter.
    struct Option {
        var value: String
        var label: String
        var selected: Bool
    }

    static func options(_ values: [String], selected: String, any: String) -> [Option] {
        [Option(value: "", label: any, selected: selected.isEmpty)]
            + values.map { Option(value: $0, label: $0, selected: $0 == selected) }
    }

    /// `GET /`: the apps, filtered, searched and paged on the server.
    func appsPage(_ request: Request, _ identity: Identity) async throws -> Response {
        let snapshot = await reconciler.status.snapshot()
        let view = await reconciler.consoleView()
        let filter = AppFilter(query: Self.query(request))
        let page = AppsPage.make(snapshot: snapshot, view: view, filter: filter)
        if Self.wantsJSON(request) { return json(page) }
        return html(
            "apps", Self.appsContext(page, view: view), title: "Apps", identity: identity,
            revision: snapshot.loop.revision,
            loop: loopLine(snapshot))
    }

    static func appsContext(_ page: AppsPage, view: ConsoleView?) -> [String: Any] {
        let clusters = (view?.snapshot.clusters ?? []).map(\.name).sorted()
        var context: [String: Any] = [
            "page": page, "filter": page.filter,
            "statuses": Self.options(
                AppStatusFilter.conditions + AppStatusFilter.phases, selected: page.filter.status, any: "any status"),
            "clusters": Self.options(clusters, selected: page.filter.cluster, any: "any cluster"),
            "classes": Self.options(
                QoSClass.allCases.map(\.rawValue), selected: page.filter.qosClass, any: "any class"),
        ]
        if page.page > 1 { context["previous"] = page.filter.query(page: page.page - 1) }
        if page.page < page.pages { context["next"] = page.filter.query(page: page.page + 1) }
        return context
    }

    /// The answer of `GET /apps/<name>` as JSON: the detail plus its decision history.
    struct AppAnswer: Codable {
        var app: AppDetail
        var history: [HistoryEntry]
    }

    /// `GET /apps/<name>`: explain as a page.
    func appPage(_ request: Request, _ identity: Identity, name: String) async throws -> Response {
        let snapshot = await reconciler.status.snapshot()
        let view = await reconciler.consoleView(explaining: name)
        guard let detail = AppDetail.make(app: name, record: snapshot.apps[name], view: view) else {
            throw ConsoleNotFound(what: "no app \(name)")
        }
        let history = try await reconciler.placementHistory(app: name, limit: 20).map(HistoryEntry.init)
        if Self.wantsJSON(request) { return json(AppAnswer(app: detail, history: history)) }
        return html(
            "app", Self.appContext(detail, history: history, view: view), title: name, identity: identity,
            revision: snapshot.loop.revision, loop: loopLine(snapshot))
    }

    static func appContext(_ detail: AppDetail, history: [HistoryEntry], view: ConsoleView?) -> [String: Any] {
        let names = (view?.snapshot.clusters ?? []).map(\.name).sorted()
        return [
            "detail": detail, "history": history, "chart": ConsoleSVG.barChart(detail),
            "clusterNames": names.map { ["name": $0, "selected": $0 == detail.row?.cluster] as [String: Any] },
        ]
    }

    /// `GET /clusters`.
    func clustersPage(_ request: Request, _ identity: Identity) async throws -> Response {
        let snapshot = await reconciler.status.snapshot()
        let rows = ClusterRow.all(snapshot: snapshot, view: await reconciler.consoleView())
        if Self.wantsJSON(request) { return json(rows) }
        return html(
            "clusters", ["clusters": rows], title: "Clusters", identity: identity, revision: snapshot.loop.revision,
            loop: loopLine(snapshot))
    }

    /// `GET /clusters/<name>`.
    func clusterPage(_ request: Request, _ identity: Identity, name: String) async throws -> Response {
        let snapshot = await reconciler.status.snapshot()
        guard
            let row = ClusterRow.all(snapshot: snapshot, view: await reconciler.consoleView()).first(where: {
                $0.name == name
            })
        else { throw ConsoleNotFound(what: "no cluster \(name)") }
        if Self.wantsJSON(request) { return json(row) }
        let capacity = Double(row.cpuCores) ?? 0
        return html(
            "cluster",
            [
                "cluster": row,
                "sparkline": ConsoleSVG.sparkline(
                    row.cpuHistory, capacity: capacity, label: "CPU cores used on \(name)"),
            ], title: name, identity: identity, revision: snapshot.loop.revision, loop: loopLine(snapshot))
    }

    /// `GET /history?app=&by=placer|human`: placement commits as a timeline.
    func historyPage(_ request: Request, _ identity: Identity) async throws -> Response {
        let query = Self.query(request)
        let app = query["app"] ?? ""
        let by = query["by"] ?? ""
        var entries = try await reconciler.placementHistory(app: app.isEmpty ? nil : app, limit: 100).map(
            HistoryEntry.init)
        if by == "placer" { entries = entries.filter { $0.by == "Placer" } }
        if by == "human" { entries = entries.filter { $0.by == "human" } }
        if Self.wantsJSON(request) { return json(entries) }
        let snapshot = await reconciler.status.snapshot()
        return html(
            "history",
            [
                "entries": entries, "filter": ["app": app],
                "byOptions": [
                    Option(value: "", label: "anyone", selected: by.isEmpty),
                    Option(value: "placer", label: "Placer", selected: by == "placer"),
                    Option(value: "human", label: "a human", selected: by == "human"),
                ],
            ], title: "History", identity: identity, revision: snapshot.loop.revision, loop: loopLine(snapshot))
    }

    /// The answer of `GET /commits/<id>` as JSON.
    struct CommitAnswer: Codable {
        var commit: HistoryEntry
        var diff: String
    }

    /// `GET /commits/<id>`: a commit and its diff.
    func commitPage(_ request: Request, _ identity: Identity, id: String) async throws -> Response {
        let detail: (commit: PlacementCommit, diff: String)
        do {
            detail = try await reconciler.commitDetail(id)
        } catch let error as ConsoleActionError {
            throw ConsoleNotFound(what: error.description)
        }
        let entry = HistoryEntry(detail.commit)
        if Self.wantsJSON(request) { return json(CommitAnswer(commit: entry, diff: detail.diff)) }
        return html(
            "commit", ["commit": entry, "diff": ConsoleSVG.diff(detail.diff)], title: "Commit \(entry.short)",
            identity: identity)
    }

    /// The answer of `GET /what-if` as JSON.
    struct WhatIfAnswer: Codable {
        var moves: [WhatIfMove]
    }

    /// `GET /what-if?app=&class=&budget=&cpu=&down=&link=&factor=`: the plan under a change, nothing committed.
    func whatIfPage(_ request: Request, _ identity: Identity) async throws -> Response {
        let query = Self.query(request)
        let view = await reconciler.consoleView()
        func number(_ key: String) throws -> Double? {
            guard let text = query[key], !text.isEmpty else { return nil }
            guard let value = Double(text), value.isFinite, value >= 0 else {
                throw ConsoleInputError(message: "\(key): \(text) is not a non-negative number")
            }
            return value
        }
        var error: String?
        var moves: [WhatIfMove] = []
        var ran = false
        do {
            let qos = try (query["class"]).flatMap { text -> QoSClass? in
                guard !text.isEmpty else { return nil }
                guard let qos = QoSClass(rawValue: text) else {
                    throw ConsoleInputError(message: "class: \(text) is not Gold, Silver or BestEffort")
                }
                return qos
            }
            let app = query["app"].flatMap { $0.isEmpty ? nil : $0 }
            let change = WhatIfChange(
                app: app, qosClass: qos, latencyBudgetMilliseconds: try number("budget"), cpuCores: try number("cpu"),
                downClusters: query["down"].flatMap { $0.isEmpty ? nil : [$0] } ?? [],
                degradedCluster: query["link"].flatMap { $0.isEmpty ? nil : $0 }, linkFactor: try number("factor") ?? 1)
            if !change.isEmpty {
                moves = try await reconciler.whatIf(change)
                ran = true
            }
        } catch let failure as ConsoleInputError {
            error = failure.message
        } catch let failure as ConsoleActionError {
            error = failure.description
        }
        if Self.wantsJSON(request) {
            if let error { return json(Message(status: "error", message: error), status: .unprocessableContent) }
            return json(WhatIfAnswer(moves: moves))
        }
        let apps = (view?.snapshot.apps ?? []).map(\.name).sorted()
        let clusters = (view?.snapshot.clusters ?? []).map(\.name).sorted()
        func named(_ names: [String], _ selected: String?) -> [[String: Any]] {
            names.map { ["name": $0, "selected": $0 == selected] }
        }
        var context: [String: Any] = [
            "appNames": named(apps, query["app"]), "downNames": named(clusters, query["down"]),
            "linkNames": named(clusters, query["link"]),
            "classes": QoSClass.allCases.map {
                Option(value: $0.rawValue, label: $0.rawValue, selected: $0.rawValue == query["class"])
            },
            "form": ["budget": query["budget"] ?? "", "cpu": query["cpu"] ?? "", "factor": query["factor"] ?? ""],
            "moves": moves.map {
                ["app": $0.app, "from": $0.from ?? "none", "to": $0.to ?? "none", "reason": $0.reason]
            },
            "ran": ran,
        ]
        if let error { context["error"] = error }
        let snapshot = await reconciler.status.snapshot()
        return html(
            "whatif", context, title: "What-if", identity: identity, status: error == nil ? .ok : .unprocessableContent,
            revision: snapshot.loop.revision, loop: loopLine(snapshot))
    }

    func deployPage(_ identity: Identity, name: String, yaml: String, errors: [String]) -> Response {
        html(
            "deploy", ["name": name, "yaml": yaml, "errors": errors, "hasErrors": !errors.isEmpty],
            title: "Deploy", identity: identity, status: errors.isEmpty ? .ok : .unprocessableContent)
    }
}

extension PlacerConsole {
    /// The apps page exactly as `GET /?…` renders it for an anonymous reader, from a status snapshot and a view
    /// (for benchmarks: `placer-lab bench console`).
    /// - Parameter query: the query parameters (`q`, `status`, `cluster`, `class`, `page`, `per`).
    public static func renderAppsPage(snapshot: StatusSnapshot, view: ConsoleView?, query: [String: String]) -> String {
        let page = AppsPage.make(snapshot: snapshot, view: view, filter: AppFilter(query: query))
        var context = appsContext(page, view: view)
        context["csrf"] = ""
        return ConsoleRenderer.shared.page(
            "apps", context, title: "Apps", user: nil, csrf: nil, revision: snapshot.loop.revision, loop: "")
    }

    /// The app detail page as `GET /apps/<app>` renders it, with `history` as its decision history; nil for an
    /// unknown app (for benchmarks).
    public static func renderAppPage(
        app: String, snapshot: StatusSnapshot, view: ConsoleView?, history: [PlacementCommit]
    ) -> String? {
        guard let detail = AppDetail.make(app: app, record: snapshot.apps[app], view: view) else { return nil }
        var context = appContext(detail, history: history.map(HistoryEntry.init), view: view)
        context["csrf"] = ""
        return ConsoleRenderer.shared.page(
            "app", context, title: app, user: nil, csrf: nil, revision: snapshot.loop.revision, loop: "")
    }
}
