import AppModel

/// Refuses clusters below the app's CAM `securityClass` or `complianceClass` (cluster labels
/// `placer.dev/security-class`, `placer.dev/compliance-class`; levels High > Good > Medium > Low > None).
public struct TrustFilter: PreFilterPlugin, FilterPlugin {
    public let name = "SecurityCompliance"
    public init() {}

    /// Per cluster index: its security and compliance levels (``SecurityClass/level``, ``ComplianceClass/level``).
    public struct State: Sendable {
        public var securityLevel: [Int]
        public var complianceLevel: [Int]
    }

    /// The cluster's class (`have`) is below the app's (`need`).
    public enum Reason: RejectionReason, Equatable {
        case security(have: SecurityClass, need: SecurityClass)
        case compliance(have: ComplianceClass, need: ComplianceClass)

        public var code: String {
            switch self {
            case .security: "SecurityClassTooLow"
            case .compliance: "ComplianceClassTooLow"
            }
        }

        public var text: String {
            switch self {
            case .security(let have, let need): "security class \(have.rawValue) below required \(need.rawValue)"
            case .compliance(let have, let need): "compliance class \(have.rawValue) below required \(need.rawValue)"
            }
        }
    }

    public func preFilter(_ state: CycleState) -> State {
        State(
            securityLevel: state.clusterList.map(\.securityClass.level),
            complianceLevel: state.clusterList.map(\.complianceClass.level))
    }

    public func filter(_ app: PreparedApp, candidates: [Int], state: CycleState, verdicts: inout FilterVerdicts) {
        let security = app.app.securityClass
        let compliance = app.app.complianceClass
        guard security != nil || compliance != nil else { return }
        let levels = cycleState(state)
        for c in candidates {
            if let need = security, levels.securityLevel[c] < need.level {
                verdicts.refuse(c, Reason.security(have: state.clusterList[c].securityClass, need: need))
            }
            if let need = compliance, levels.complianceLevel[c] < need.level {
                verdicts.refuse(c, Reason.compliance(have: state.clusterList[c].complianceClass, need: need))
            }
        }
    }
}
