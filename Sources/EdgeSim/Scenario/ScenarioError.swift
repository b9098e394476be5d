/// Why a simulation scenario could not be built.
public enum ScenarioError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A load trace file is malformed: file, line (1-based) and what is wrong.
    case badTrace(file: String, line: Int, message: String)
    /// The repo lacks an app or cluster the scenario is written against.
    case missing(String)

    public var description: String {
        switch self {
        case .badTrace(let file, let line, let message): return "\(file):\(line): \(message)"
        case .missing(let what): return "the agv-factory scenario needs \(what)"
        }
    }
}
