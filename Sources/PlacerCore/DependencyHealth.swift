import CoreMetrics
import Foundation
import Logging
import Synchronization

/// Whether each part the daemon depends on (the Git remote, the OCM hub, Prometheus) answers, as seen by the
/// calls that just ran; the one place an outage is logged, exported and shown.
///
/// Callers report every outcome (``succeeded(_:)``, ``failed(_:reason:)``); only a change of state does
/// anything visible: one warning line when a dependency stops answering (`git remote unreachable: … (will retry
/// with backoff)`), one info line when it answers again (`git remote reachable again after 12 s`), and the gauge
/// `placer_dependency_up{dependency}` (1 or 0; absent until the first outcome). Retries in between are silent
/// (debug level), so an outage of an hour is two log lines however often the loop retries. ``outages()`` is what
/// the console's banner shows.
///
/// Thread-safe (a mutex); cheap enough to call on every request.
public final class DependencyHealth: Sendable {
    /// A part the daemon depends on.
    public enum Dependency: String, Sendable, CaseIterable, Codable {
        case git, hub, prometheus

        /// How log lines and the console name it.
        public var title: String {
            switch self {
            case .git: "git remote"
            case .hub: "OCM hub"
            case .prometheus: "Prometheus"
            }
        }

        /// What the daemon does while it is down, for the log line and the banner.
        var whileDown: String {
            switch self {
            case .git: "will retry with backoff"
            case .hub: "will retry with backoff; watches resume when it is back"
            case .prometheus: "holding placements: only a Git or inventory change is decided, on hub and inventory data"
            }
        }
    }

    /// One dependency that is down, as the console shows it.
    public struct Outage: Sendable, Equatable, Codable {
        public var dependency: Dependency
        /// When it was first seen down (the reporting clock).
        public var since: Date
        /// The first failure's reason, one line, without secrets (the callers' errors redact URLs).
        public var reason: String
        /// What the daemon does meanwhile.
        public var whileDown: String
        /// Failed calls seen since it went down.
        public var failures: Int

        /// One line: `OCM hub unreachable since 12:03:04Z (38 s): connection refused; will retry with backoff`.
        public func line(now: Date) -> String {
            let seconds = max(0, Int(now.timeIntervalSince(since).rounded()))
            let at = ISO8601DateFormatter().string(from: since)
            return "\(dependency.title) unreachable since \(at) (\(seconds) s): \(reason); \(whileDown)"
        }
    }

    private struct State {
        var down: [Dependency: Outage] = [:]
        var known: Set<Dependency> = []
    }

    private let state = Mutex(State())
    private let metrics: PlacerMetrics
    private let logger: Logger
    private let now: @Sendable () -> Date

    /// - Parameters:
    ///   - metrics: where `placer_dependency_up` goes.
    ///   - logger: where the state changes are logged.
    ///   - now: the clock outages are timed on.
    public init(
        metrics: PlacerMetrics = PlacerMetrics(), logger: Logger = Logger(label: "placer.health"),
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.metrics = metrics
        self.logger = logger
        self.now = now
    }

    /// A call to `dependency` got an answer. Logs and exports only when it was down (or not known yet).
    public func succeeded(_ dependency: Dependency) {
        let time = now()
        let (ended, first) = state.withLock { state -> (Outage?, Bool) in
            let first = state.known.insert(dependency).inserted
            return (state.down.removeValue(forKey: dependency), first)
        }
        if let ended {
            let seconds = Int(time.timeIntervalSince(ended.since).rounded())
            logger.notice(
                "\(dependency.title) reachable again after \(seconds) s",
                metadata: ["dependency": "\(dependency.rawValue)", "failedCalls": "\(ended.failures)"])
        }
        if ended != nil || first { metrics.dependencyUp(dependency.rawValue, up: true) }
    }

    /// A call to `dependency` got no answer (refused, timed out, TLS or DNS failure, a 5xx). Logs one warning when
    /// this starts an outage; later failures of the same outage log at debug level only.
    /// - Parameter reason: one line, without secrets.
    public func failed(_ dependency: Dependency, reason: String) {
        let time = now()
        let started = state.withLock { state -> Bool in
            state.known.insert(dependency)
            if state.down[dependency] != nil {
                state.down[dependency]?.failures += 1
                return false
            }
            state.down[dependency] = Outage(
                dependency: dependency, since: time, reason: reason, whileDown: dependency.whileDown, failures: 1)
            return true
        }
        if started {
            metrics.dependencyUp(dependency.rawValue, up: false)
            logger.warning(
                "\(dependency.title) unreachable: \(reason) (\(dependency.whileDown))",
                metadata: ["dependency": "\(dependency.rawValue)"])
        } else {
            logger.debug("\(dependency.title) still unreachable: \(reason)")
        }
    }

    /// Whether `dependency` is down now (its last reported call failed).
    public func isDown(_ dependency: Dependency) -> Bool {
        state.withLock { $0.down[dependency] != nil }
    }

    /// The dependencies down now, in ``Dependency`` order.
    public func outages() -> [Outage] {
        state.withLock { state in Dependency.allCases.compactMap { state.down[$0] } }
    }

    /// ``outages()`` as one line each, timed at the health's clock.
    public func outageLines() -> [String] {
        let time = now()
        return outages().map { $0.line(now: time) }
    }
}
