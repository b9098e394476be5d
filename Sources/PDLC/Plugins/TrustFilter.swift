import AppModel

/// Refuses clusters below the app's CAM `securityClass` or `complianceClass` (cluster labels
/// `placer.dev/security-class`, `placer.dev/compliance-class`; levels High > Good > Medium > Low > None).
public struct TrustFilter: FilterPlugin {
    public let name = "SecurityCompliance"
    public init() {}

    public func filter(_ app: Application, on cluster: ClusterSpec, state: CycleState) -> FilterStatus {
        var reasons: [String] = []
        if let required = app.securityClass, cluster.securityClass.level < required.level {
            reasons.append("security class \(cluster.securityClass.rawValue) below required \(required.rawValue)")
        }
        if let required = app.complianceClass, cluster.complianceClass.level < required.level {
            reasons.append("compliance class \(cluster.complianceClass.rawValue) below required \(required.rawValue)")
        }
        return reasons.isEmpty ? .feasible(name) : FilterStatus(code: .unschedulable, reasons: reasons, plugin: name)
    }

    public func admit(_ app: PreparedApp, _ candidates: inout [Int], state: CycleState) {
        guard app.app.securityClass != nil || app.app.complianceClass != nil else { return }
        candidates.removeAll { !admits(app, at: $0, state: state) }
    }

    public func admits(_ app: PreparedApp, at c: Int, state: CycleState) -> Bool {
        if let required = app.app.securityClass, state.fleet.securityLevel[c] < required.level { return false }
        if let required = app.app.complianceClass, state.fleet.complianceLevel[c] < required.level { return false }
        return true
    }
}
