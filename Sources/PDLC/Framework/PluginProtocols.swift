import AppModel

/// A placement plugin, as kube-scheduler's framework `Plugin`: a name, and one or more phases it opts into by
/// conforming to their protocols (``PreFilterPlugin``, ``FilterPlugin``, ``PreScorePlugin``, ``ScorePlugin``,
/// ``NormalizeScorePlugin``). Each phase protocol has exactly one required method.
///
/// Contract for every phase: pure and deterministic (same inputs, same result), no I/O, called on the caller's
/// thread; plugins are immutable values, so whatever they precompute lives in ``CycleState`` under their key.
public protocol PlacementPlugin: Sendable {
    /// The plugin's name as policies (weights, profiles) and explanations spell it.
    var name: String { get }
}

/// Runs once per cycle before any app is filtered (kube-scheduler's PreFilter, taken per evaluation): computes
/// the per-cluster data the plugin's ``FilterPlugin/filter(_:candidates:state:verdicts:)`` reads, which the
/// engine stores in ``CycleState`` under ``PlacementPlugin/name`` and the plugin reads back with
/// ``PreFilterPlugin/cycleState(_:)``.
public protocol PreFilterPlugin: PlacementPlugin {
    /// What the plugin precomputes, typically arrays indexed by cluster index.
    associatedtype State: Sendable
    /// Computes the plugin's state from the cycle's fleet (``CycleState/clusterList``, ``CycleState/fleet``,
    /// ``CycleState/policy``). Called before any app is placed, so it must not read per-app fields.
    func preFilter(_ state: CycleState) -> State
}

/// A hard constraint: which clusters can host an app at all (kube-scheduler's Filter).
///
/// One code path per check: the plugin walks `candidates` (cluster indices, ascending) and calls
/// ``FilterVerdicts/refuse(_:_:)`` for every reason it refuses a cluster. The engine calls it once per app on the
/// hot path with verdicts that only record which clusters were refused (the reason is never built), and again
/// with verdicts that collect the structured ``Rejection``s for the clusters a decision lists. A plugin may
/// return at once when the app or fleet gives it nothing to check (an app without a selector, a fleet without
/// taints).
public protocol FilterPlugin: PlacementPlugin {
    /// Reports every cluster of `candidates` that cannot host `app`, with each reason, to `verdicts`.
    /// - Parameters:
    ///   - app: the app with its zones, current cluster and channel bounds resolved (``CycleState/prepare(_:)``).
    ///   - candidates: cluster indices into ``CycleState/clusterList``, ascending.
    ///   - state: the cycle so far (capacity consumed, apps placed).
    ///   - verdicts: where refusals go; see ``FilterVerdicts``.
    func filter(_ app: PreparedApp, candidates: [Int], state: CycleState, verdicts: inout FilterVerdicts)
}

/// Marks a filter that refuses for lack of capacity: the repair pass may free capacity by moving an app aside.
public protocol CapacityFilterPlugin: FilterPlugin {}

/// Runs once per cycle before any app is scored (kube-scheduler's PreScore, taken per evaluation): computes the
/// per-cluster data the plugin's ``ScorePlugin/score(_:clusters:state:into:)`` reads, stored in ``CycleState``
/// under ``PlacementPlugin/name`` and read back with ``PreScorePlugin/cycleState(_:)``.
public protocol PreScorePlugin: PlacementPlugin {
    /// What the plugin precomputes, typically arrays indexed by cluster index.
    associatedtype State: Sendable
    /// Computes the plugin's state from the cycle's fleet; must not read per-app fields.
    func preScore(_ state: CycleState) -> State
}

/// A soft preference among feasible clusters (kube-scheduler's Score).
///
/// One code path per score: the plugin appends one value per cluster of `clusters`, in order, through
/// ``ScoreSink/add(_:_:)``, whose explanation is built only when the sink collects explanations. Values are 0…100
/// for a plugin without normalisation; a ``NormalizeScorePlugin`` appends its raw measurement instead and turns
/// the values of all feasible clusters into 0…100 afterwards. Weights are applied by the engine from the policy's
/// profile, never by the plugin.
public protocol ScorePlugin: PlacementPlugin {
    /// Appends the score of each cluster in `clusters` to `scores`.
    /// - Parameters:
    ///   - app: the prepared app.
    ///   - clusters: feasible cluster indices, ascending.
    ///   - state: the cycle so far.
    ///   - scores: where values (and, when asked, explanations) go; exactly one ``ScoreSink/add(_:_:)`` per cluster.
    func score(_ app: PreparedApp, clusters: [Int], state: CycleState, into scores: inout ScoreSink)
}

/// Rescales a score plugin's raw values over the feasible clusters of one app into 0…100 (kube-scheduler's
/// NormalizeScore).
public protocol NormalizeScorePlugin: ScorePlugin {
    /// Turns the raw values of the feasible clusters (in the order scored) into 0…100, in place.
    func normalize(_ scores: inout [Double])
}

extension PreFilterPlugin {
    /// The plugin's state of this cycle: stored by the engine before the first app, or computed now when the
    /// state was built without the engine (tests).
    @inline(__always) public func cycleState(_ state: CycleState) -> State {
        state.pluginState(StateKey<State>(name)) ?? preFilter(state)
    }

    /// Computes the state and stores it in `state` under the plugin's key.
    func runPreFilter(_ state: inout CycleState) {
        state.setPluginState(preFilter(state), for: StateKey<State>(name))
    }
}

extension PreScorePlugin {
    /// The plugin's state of this cycle: stored by the engine before the first app, or computed now.
    @inline(__always) public func cycleState(_ state: CycleState) -> State {
        state.pluginState(StateKey<State>(name)) ?? preScore(state)
    }

    /// Computes the state and stores it in `state` under the plugin's key.
    func runPreScore(_ state: inout CycleState) {
        state.setPluginState(preScore(state), for: StateKey<State>(name))
    }
}

extension FilterPlugin {
    /// Whether cluster `c` passes this filter for `app` (the hot path's verdicts on one cluster).
    public func admits(_ app: PreparedApp, at c: Int, state: CycleState) -> Bool {
        var verdicts = FilterVerdicts(plugin: name, explains: false)
        filter(app, candidates: [c], state: state, verdicts: &verdicts)
        return verdicts.refusedClusters.isEmpty
    }

    /// This filter's verdict on cluster `c` for `app`, with every structured reason.
    public func status(_ app: PreparedApp, at c: Int, state: CycleState) -> FilterStatus {
        var verdicts = FilterVerdicts(plugin: name, explains: true)
        filter(app, candidates: [c], state: state, verdicts: &verdicts)
        return FilterStatus(plugin: name, rejections: verdicts.rejections)
    }
}

extension ScorePlugin {
    /// The score of cluster `c` for `app` before normalisation, with its explanation.
    public func explainedScore(_ app: PreparedApp, at c: Int, state: CycleState) -> (value: Double, detail: String) {
        var sink = ScoreSink(explains: true)
        score(app, clusters: [c], state: state, into: &sink)
        return (sink.values.first ?? 0, sink.details.first ?? "")
    }
}

/// Min-max normalisation, larger raw better (`higherIsBetter`) or smaller: best 100, worst 0, all equal 100,
/// as OCM's ResourceAllocatable prioritizers normalise.
enum MinMax {
    static func normalize(_ values: inout [Double], higherIsBetter: Bool) {
        guard var low = values.first else { return }
        var high = low
        for value in values {
            if value < low { low = value }
            if value > high { high = value }
        }
        let span = high - low
        values.withUnsafeMutableBufferPointer { v in
            if span < 1e-12 {
                for k in v.indices { v[k] = 100 }
            } else if higherIsBetter {
                for k in v.indices { v[k] = min(100, max(0, 100 * (v[k] - low) / span)) }
            } else {
                for k in v.indices { v[k] = min(100, max(0, 100 * (high - v[k]) / span)) }
            }
        }
    }
}
