/// The query options of a write request.
struct WriteOptions: Sendable {
    /// `fieldManager`; updates without one are recorded under `unknown`.
    var manager: String
    /// `force=true`: an apply takes over conflicting fields instead of failing with 409.
    var force = false
    /// `fieldValidation=Strict`: unknown fields are an error (400) instead of being pruned.
    var strictFields = false
    /// `dryRun=All`: everything is checked, nothing is stored.
    var dryRun = false

    /// Reads the options from a request's query items.
    init(query: [String: String]) {
        manager = query["fieldManager"].flatMap { $0.isEmpty ? nil : $0 } ?? "unknown"
        force = query["force"] == "true"
        strictFields = query["fieldValidation"] == "Strict"
        dryRun = query["dryRun"] == "All"
    }

    /// Options for `manager` with everything else off.
    init(manager: String) {
        self.manager = manager
    }
}
