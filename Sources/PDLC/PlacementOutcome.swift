/// What a decision did with an app, as a code: callers branch on it, never on the text of
/// ``AppDecision/reasons``.
public enum PlacementOutcome: String, Sendable, Hashable, CaseIterable {
    /// A new app (no cluster before) got a cluster.
    case placed = "Placed"
    /// The app stays on its cluster: it is still the best, a better one gains too little, or no cluster is
    /// feasible and its last placement is kept.
    case kept = "Kept"
    /// The app moves to a better cluster (score gain held for the required evaluations, cooldown passed).
    case moved = "Moved"
    /// A human pinned the app (or made its placement); Placer keeps it there. ``AppDecision/reasons`` starts
    /// with the pin's statement.
    case pinned = "Pinned"
    /// The app leaves a cluster that failed its filters or left the inventory.
    case evacuated = "Evacuated"
    /// The app is moved off its saturated cluster (``Saturation``) to bring that cluster under its limit.
    case shed = "Shed"
    /// A better cluster won, but stability (consecutive evaluations, cooldown, move limit) keeps the app.
    case heldByHysteresis = "HeldByHysteresis"
    /// No cluster fits and the app had none to keep.
    case unplaced = "Unplaced"
}
