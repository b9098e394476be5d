import Foundation
import Reconciler

/// Prints a reconcile report as a table: app → cluster → status → top reason.
public enum ReportPrinter {
    /// Prints `report` to standard output: one row per app, then the revision, commit, applied and deleted
    /// ManifestWork counts, published PlacementDecisions, events and errors.
    /// - Parameter report: the report of one reconcile.
    public static func print(_ report: ReconcileReport) {
        let rows = report.apps.map { status -> [String] in
            let cluster = status.cluster ?? "-"
            return [status.app, status.moved ? "\(cluster) (moved)" : cluster, status.phase.rawValue, status.reason]
        }
        let header = ["APP", "CLUSTER", "STATUS", "REASON"]
        var widths = header.map(\.count)
        for row in rows {
            for (index, cell) in row.enumerated() where index < 3 { widths[index] = max(widths[index], cell.count) }
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { index, cell in
                index < 3 ? cell.padding(toLength: widths[index], withPad: " ", startingAt: 0) : cell
            }
            .joined(separator: "  ")
        }
        Console.print(line(header))
        for row in rows { Console.print(line(row)) }
        let commit = report.commit.map { "committed \($0.prefix(12))" } ?? "no commit (nothing changed)"
        Console.print(
            "\nrevision \(report.revision.prefix(12)): \(commit); applied \(report.applied.count), deleted \(report.deleted.count) ManifestWorks"
        )
        if !report.publishedDecisions.isEmpty {
            Console.print("published \(report.publishedDecisions.count) PlacementDecisions")
        }
        for event in report.events { Console.print("event: \(event)") }
        // An invalid app's first error is its row's reason already: print each error once.
        let shown = Set(report.apps.filter { $0.phase == .invalid }.map(\.reason))
        for error in report.errors where !shown.contains(error) { Console.print("error: \(error)") }
    }
}
