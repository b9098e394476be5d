import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A named step of a reconcile where a fault can be injected for crash and chaos testing (etcd's gofail idea):
/// the process can exit on the spot without cleanup, the step can fail with an error, or it can be delayed.
///
/// Nothing happens unless the environment variable ``Failpoints/environmentVariable`` (`PLACER_FAILPOINTS`) is set
/// when the process starts; unset, ``hit()`` is one load of a nil global. Syntax and exit status in
/// docs/reliability.md.
public enum Failpoint: String, CaseIterable, Sendable {
    /// The tracked branch was fetched; nothing was decided yet.
    case afterFetch = "after-fetch"
    /// PDLC decided; nothing was rendered or committed yet.
    case afterDecide = "after-decide"
    /// The placement commit exists in the cache; it is not pushed yet.
    case beforePush = "before-push"
    /// The placement commit is on the remote; nothing of it is applied yet.
    case afterPush = "after-push"
    /// A move: the new ManifestWork is applied; the old one is not deleted yet.
    case moveBeforeDelete = "move-before-delete"
    /// Between two PlacementDecision writes of one publishing pass.
    case publishDecisions = "publish-decisions"
    /// Propose mode: the tracked branch holds the proposal; the proposal branch is not deleted yet.
    case proposalMerge = "proposal-merge"

    /// Runs the fault configured for this point, if any.
    /// - Throws: ``FailpointError`` when the point is set to `error`; `CancellationError` when a delay is cancelled.
    @inline(__always)
    public func hit() async throws {
        guard let active = Failpoints.active else { return }
        try await active.fire(self)
    }
}

/// What an armed failpoint does when hit; its description is the syntax that arms it (`crash`, `delay(200ms)`).
public enum FailpointAction: Sendable, Equatable, CustomStringConvertible {
    /// `_exit` with ``Failpoints/crashStatus``: no `defer`, no flush, no graceful shutdown.
    case crash
    /// The step throws ``FailpointError``.
    case error
    /// The step waits this long, then goes on.
    case delay(Duration)

    public var description: String {
        switch self {
        case .crash: return "crash"
        case .error: return "error"
        case let .delay(duration): return "delay(\(Int(duration / .milliseconds(1)))ms)"
        }
    }
}

/// The error an armed failpoint set to `error` throws.
public struct FailpointError: Error, CustomStringConvertible, Sendable {
    /// The failpoint's name.
    public var name: String
    public var description: String { "failpoint \(name): injected error" }
}

/// A bad `PLACER_FAILPOINTS` value (the process refuses to start rather than test something else than asked).
public struct FailpointSyntaxError: Error, CustomStringConvertible, Sendable {
    public var description: String
}

/// The armed failpoints of this process: `name=action[@n]` terms separated by `;`, where action is `crash`,
/// `error`, `delay(200ms)` (`ms` or `s`) or `off`. Without `@n` the action runs on every hit; with it, only on the
/// n-th hit (1-based), so a crash can land on a later reconcile of the same process and an error or delay
/// happens once.
public final class Failpoints: Sendable {
    /// The environment variable read once at start.
    public static let environmentVariable = "PLACER_FAILPOINTS"
    /// The exit status of a `crash` failpoint (distinct from a Swift trap's and a signal's).
    public static let crashStatus: Int32 = 86

    /// The armed points of this process, or nil when the variable is unset or empty (the production case).
    public static let active: Failpoints? = {
        guard let text = ProcessInfo.processInfo.environment[environmentVariable], !text.isEmpty else { return nil }
        // A typo must not silently test nothing: say so and stop.
        do {
            return try Failpoints(parsing: text)
        } catch {
            FileHandle.standardError.write(Data("placer: \(environmentVariable): \(error)\n".utf8))
            exit(2)
        }
    }()

    /// Each armed point's action and the one hit it acts on (nil: every hit).
    public let armed: [Failpoint: (action: FailpointAction, onlyHit: Int?)]
    /// Hits counted so far, of the points armed for one hit only.
    private let hits = Mutex<[Failpoint: Int]>([:])

    /// Parses a `PLACER_FAILPOINTS` value.
    /// - Throws: ``FailpointSyntaxError`` naming the term for an unknown point, action or count.
    public init(parsing text: String) throws {
        var armed: [Failpoint: (action: FailpointAction, onlyHit: Int?)] = [:]
        for term in text.split(separator: ";").map({ $0.trimmingCharacters(in: .whitespaces) }) where !term.isEmpty {
            let parts = term.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, let point = Failpoint(rawValue: parts[0]) else {
                let known = Failpoint.allCases.map(\.rawValue).joined(separator: ", ")
                throw FailpointSyntaxError(description: "unknown failpoint in '\(term)' (known: \(known))")
            }
            var spec = Substring(parts[1])
            var onlyHit: Int?
            if let at = spec.lastIndex(of: "@") {
                guard let count = Int(spec[spec.index(after: at)...]), count >= 1 else {
                    throw FailpointSyntaxError(description: "bad hit count in '\(term)' (want @1, @2, …)")
                }
                onlyHit = count
                spec = spec[..<at]
            }
            guard let action = try Self.action(String(spec), term: term) else { continue }
            armed[point] = (action, onlyHit)
        }
        self.armed = armed
    }

    private static func action(_ spec: String, term: String) throws -> FailpointAction? {
        switch spec {
        case "off": return nil
        case "crash": return .crash
        case "error": return .error
        default:
            guard spec.hasPrefix("delay("), spec.hasSuffix(")") else {
                throw FailpointSyntaxError(description: "unknown action in '\(term)' (crash, error, delay(200ms), off)")
            }
            let amount = spec.dropFirst(6).dropLast()
            let (number, scale) =
                amount.hasSuffix("ms")
                ? (amount.dropLast(2), 1.0) : (amount.dropLast(amount.hasSuffix("s") ? 1 : 0), 1000.0)
            guard let value = Double(number), value >= 0 else {
                throw FailpointSyntaxError(description: "bad delay in '\(term)' (e.g. delay(200ms), delay(2s))")
            }
            return .delay(.milliseconds(Int64((value * scale).rounded())))
        }
    }

    /// Counts a hit of `point` and runs its action when armed for this hit.
    func fire(_ point: Failpoint) async throws {
        guard let (action, onlyHit) = armed[point] else { return }
        if let onlyHit {
            let count = hits.withLock { hits in
                hits[point, default: 0] += 1
                return hits[point, default: 0]
            }
            guard count == onlyHit else { return }
        }
        // One unbuffered line on standard error per fired point, so a harness can tell what happened where.
        let line = "failpoint \(point.rawValue): \(action)\n"
        _ = line.withCString { write(2, $0, strlen($0)) }
        switch action {
        case .crash: _exit(Self.crashStatus)  // no defer, no flush, no graceful shutdown
        case .error: throw FailpointError(name: point.rawValue)
        case let .delay(duration): try await Task.sleep(for: duration)
        }
    }
}
