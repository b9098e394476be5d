import AppModel
import ArgumentParser
import AsyncHTTPClient
import Foundation
import NIOCore
import PlacerCLI

/// How `placer get` and `placer status` reach the daemon's console API (docs/console.md).
struct ServerOptions: ParsableArguments {
    @Option(
        help:
            "The daemon's console (placer run --listen), e.g. http://127.0.0.1:8080 (default: $PLACER_SERVER, else http://127.0.0.1:8080)."
    )
    var server: String?

    @Option(help: "File holding a console token, sent as a bearer token (needed when the console is not on loopback).")
    var tokenFile: String?

    var baseURL: String {
        let url = server ?? ProcessInfo.processInfo.environment["PLACER_SERVER"] ?? "http://127.0.0.1:8080"
        return url.hasSuffix("/") ? String(url.dropLast()) : url
    }

    /// GETs `path` with `Accept: application/json`.
    /// - Returns: the parsed JSON.
    /// - Throws: ``CommandFailure`` naming the URL when the daemon cannot be reached or answers an error.
    func get(_ path: String) async throws -> Any {
        var request = HTTPClientRequest(url: baseURL + path)
        request.headers.add(name: "Accept", value: "application/json")
        if let tokenFile {
            guard let data = FileManager.default.contents(atPath: tokenFile) else {
                throw CommandFailure("cannot read --token-file \(tokenFile)")
            }
            let token =
                String(decoding: data, as: UTF8.self).split(separator: "\n").first.map {
                    String($0.split(separator: " ").first ?? "")
                } ?? ""
            request.headers.add(name: "Authorization", value: "Bearer \(token)")
        }
        let response: HTTPClientResponse
        let body: ByteBuffer
        do {
            response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
            body = try await response.body.collect(upTo: 64 << 20)
        } catch {
            throw CommandFailure(
                "cannot reach the Placer console at \(baseURL): \(error) (start it with placer run --listen, or give --server)"
            )
        }
        let json = try? JSONSerialization.jsonObject(with: Data(String(buffer: body).utf8))
        guard response.status == .ok else {
            let message = (json as? [String: Any])?["message"] as? String ?? "HTTP \(response.status.code)"
            throw CommandFailure("\(baseURL)\(path): \(message)")
        }
        guard let json else { throw CommandFailure("\(baseURL)\(path): the answer is not JSON") }
        return json
    }
}

/// Output formats, as kubectl's `-o`.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table = ""
    case wide, json, yaml

    init?(argument: String) { self.init(rawValue: argument) }
    static var allValueStrings: [String] { ["wide", "json", "yaml"] }
}

/// `placer get apps|clusters [-o wide|json|yaml]`: kubectl-style lists from the daemon's console API.
struct GetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "get",
        abstract: "List apps or clusters as the running daemon sees them (kubectl conventions: columns, -o).")

    enum Resource: String, ExpressibleByArgument, CaseIterable {
        case apps, app, clusters, cluster
    }

    @Argument(help: "apps or clusters.")
    var resource: Resource

    @Option(name: .shortAndLong, help: "Output format: wide, json or yaml (default: a table).")
    var output: OutputFormat = .table

    @OptionGroup var server: ServerOptions

    func run() async throws {
        switch resource {
        case .apps, .app:
            var items: [[String: Any]] = []
            var page = 1
            while true {
                let answer = try await server.get("/?per=500&page=\(page)") as? [String: Any] ?? [:]
                items += answer["apps"] as? [[String: Any]] ?? []
                let pages = answer["pages"] as? Int ?? 1
                if page >= pages { break }
                page += 1
            }
            try emit(items, kind: "AppList", columns: Self.appColumns)
        case .clusters, .cluster:
            let items = try await server.get("/clusters") as? [[String: Any]] ?? []
            try emit(items, kind: "ClusterList", columns: Self.clusterColumns)
        }
    }

    struct Column: Sendable {
        var header: String
        var wide: Bool
        var value: @Sendable ([String: Any]) -> String
    }

    static func string(_ value: Any?) -> String {
        switch value {
        case let text as String: return text.isEmpty ? "<none>" : text
        case let number as NSNumber: return number.stringValue
        default: return "<none>"
        }
    }

    static let appColumns: [Column] = [
        Column(header: "NAME", wide: false) { GetCommand.string($0["name"]) },
        Column(header: "CLUSTER", wide: false) { GetCommand.string($0["cluster"]) },
        Column(header: "READY", wide: false) { GetCommand.string($0["ready"]) },
        Column(header: "STATUS", wide: false) { GetCommand.string($0["phase"]) },
        Column(header: "CLASS", wide: false) { GetCommand.string($0["qosClass"]) },
        Column(header: "DECISION", wide: false) {
            GetCommand.string(($0["lastDecision"] as? [String: Any])?["outcome"])
        },
        Column(header: "DECIDED", wide: false) { GetCommand.string(($0["lastDecision"] as? [String: Any])?["at"]) },
        Column(header: "COMMIT", wide: true) { GetCommand.string(($0["lastDecision"] as? [String: Any])?["short"]) },
        Column(header: "PLACED-BY", wide: true) { GetCommand.string($0["placedBy"]) },
        Column(header: "DRIFT", wide: true) { $0["drift"] is String ? "corrected" : "<none>" },
        Column(header: "REASON", wide: true) { GetCommand.string(($0["lastDecision"] as? [String: Any])?["reason"]) },
    ]

    static let clusterColumns: [Column] = [
        Column(header: "NAME", wide: false) { GetCommand.string($0["name"]) },
        Column(header: "ZONE", wide: false) { GetCommand.string($0["zone"]) },
        Column(header: "AVAILABLE", wide: false) { ($0["available"] as? Bool) == true ? "True" : "False" },
        Column(header: "CPU", wide: false) { GetCommand.string($0["cpu"]) },
        Column(header: "APPS", wide: false) { GetCommand.string($0["appCount"]) },
        Column(header: "MEMORY", wide: true) { GetCommand.string($0["memory"]) },
        Column(header: "TAINTS", wide: true) {
            ($0["taints"] as? [String]).map { $0.isEmpty ? "<none>" : $0.joined(separator: ",") } ?? "<none>"
        },
        Column(header: "SOURCE", wide: true) { GetCommand.string($0["source"]) },
    ]

    func emit(_ items: [[String: Any]], kind: String, columns: [Column]) throws {
        switch output {
        case .json, .yaml:
            let list: [String: Any] = ["apiVersion": "placer.dev/v1alpha1", "kind": kind, "items": items]
            let data = try JSONSerialization.data(
                withJSONObject: list, options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes])
            if output == .json {
                Console.print(String(decoding: data, as: UTF8.self))
            } else {
                Console.print(try YAMLRenderer.render(try Value.parseJSON(data)), terminator: "")
            }
        case .table, .wide:
            Console.print(Table.render(items, columns: columns.filter { output == .wide || !$0.wide }), terminator: "")
        }
    }
}

/// kubectl's table layout: upper-case headers, columns padded to their widest cell and three spaces apart.
enum Table {
    static func render(_ items: [[String: Any]], columns: [GetCommand.Column]) -> String {
        let rows = [columns.map(\.header)] + items.map { item in columns.map { $0.value(item) } }
        var widths = Array(repeating: 0, count: columns.count)
        for row in rows { for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) } }
        return rows.map { row in
            row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell.padding(toLength: widths[index] + 3, withPad: " ", startingAt: 0)
            }.joined()
        }.joined(separator: "\n") + "\n"
    }
}

/// `placer status APP`: one app's conditions, placement and last decision, from the daemon's console API.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show an app's conditions, placement, last decision and decision history from the running daemon.")

    @Argument(help: "The app (its folder name under apps/).")
    var app: String

    @Option(name: .shortAndLong, help: "Output format: json or yaml (default: text).")
    var output: OutputFormat = .table

    @OptionGroup var server: ServerOptions

    func run() async throws {
        let escaped = app.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? app
        let answer = try await server.get("/apps/\(escaped)") as? [String: Any] ?? [:]
        switch output {
        case .json, .yaml:
            let data = try JSONSerialization.data(
                withJSONObject: answer, options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes])
            Console.print(
                output == .json
                    ? String(decoding: data, as: UTF8.self) : try YAMLRenderer.render(try Value.parseJSON(data)),
                terminator: output == .json ? "\n" : "")
        case .table, .wide:
            for line in Self.lines(answer) { Console.print(line) }
        }
    }

    static func lines(_ answer: [String: Any]) -> [String] {
        let detail = answer["app"] as? [String: Any] ?? [:]
        let row = detail["row"] as? [String: Any] ?? [:]
        func text(_ value: Any?) -> String { GetCommand.string(value) }
        var lines = [
            "Name:       \(text(detail["name"]))",
            "Cluster:    \(text(row["cluster"]))",
            "Phase:      \(text(row["phase"]))",
            "QoS class:  \(text(row["qosClass"]))",
        ]
        if let placement = detail["placement"] as? [String: Any] {
            let pinned = (placement["pinned"] as? Bool) == true ? "pinned, " : ""
            lines.append(
                "Placement:  \(pinned)\(text(placement["by"])) \(text(placement["short"])) \"\(text(placement["subject"]))\" by \(text(placement["author"]))"
            )
        }
        lines.append("Conditions:")
        lines.append("  TYPE          STATUS   REASON              MESSAGE")
        for condition in detail["conditions"] as? [[String: Any]] ?? [] {
            lines.append(
                "  " + text(condition["type"]).padding(toLength: 14, withPad: " ", startingAt: 0)
                    + text(condition["status"]).padding(toLength: 9, withPad: " ", startingAt: 0)
                    + text(condition["reason"]).padding(toLength: 20, withPad: " ", startingAt: 0)
                    + text(condition["message"]))
        }
        if let decision = row["lastDecision"] as? [String: Any] {
            lines.append(
                "Last decision: \(text(decision["outcome"])) → \(text(decision["cluster"])) at \(text(decision["at"]))\((decision["short"] as? String).map { " in \($0)" } ?? "")"
            )
            lines.append("  \(text(decision["reason"]))")
        }
        for error in detail["errors"] as? [String] ?? [] { lines.append("Invalid: \(error)") }
        lines.append("Why: \(text(detail["hysteresis"]))")
        let history = answer["history"] as? [[String: Any]] ?? []
        if !history.isEmpty {
            lines.append("History:")
            for entry in history.prefix(10) {
                lines.append(
                    "  \(text(entry["short"]))  \(text(entry["date"]))  \(text(entry["by"]))  \(text(entry["subject"]))"
                )
            }
        }
        return lines
    }
}
