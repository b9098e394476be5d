import Foundation

/// The Lease record as one ``LeaderElector`` sees it, and the reads and writes of one election round
/// (client-go's `tryAcquireOrRenew`).
struct LeaseLock {
    let elector: LeaderElector
    /// The lease's JSON as last read or written.
    private var observedObject: Data?
    /// Its spec.
    private(set) var observedSpec: LeaseObject.Spec?
    /// When, by the local monotonic clock, ``observedSpec`` last changed.
    private var observedTime = ContinuousClock.now

    init(elector: LeaderElector) {
        self.elector = elector
    }

    /// The holder of the lease as last seen.
    var observedHolder: String? { observedSpec?.holderIdentity }

    /// When another holder's lease expires by the local clock: the last change seen plus its duration.
    var observedExpiry: ContinuousClock.Instant? {
        guard let spec = observedSpec, let holder = spec.holderIdentity, !holder.isEmpty,
            holder != elector.identity
        else { return nil }
        return observedTime + .seconds(spec.leaseDurationSeconds ?? elector.leaseDurationSeconds)
    }

    /// One round: create the lease if missing, take it if free or expired, renew it if ours.
    /// - Parameter deadline: requests still running then are abandoned and the round fails.
    /// - Returns: whether this candidate holds the lease now.
    mutating func tryAcquireOrRenew(deadline: ContinuousClock.Instant) async -> Bool {
        let client = elector.client
        let (namespace, name, identity) = (elector.namespace, elector.name, elector.identity)
        do {
            let read = try await Self.within(deadline) {
                try await client.get(.lease, namespace: namespace, name: name)
            }
            guard let current = read else {
                let now = MicroTime.format(Date())
                let spec = LeaseObject.Spec(
                    holderIdentity: identity, leaseDurationSeconds: elector.leaseDurationSeconds, acquireTime: now,
                    renewTime: now, leaseTransitions: 0)
                let body = try Self.leaseJSON(spec: spec, namespace: namespace, name: name)
                let created = try await Self.within(deadline) {
                    try await client.create(.lease, namespace: namespace, body: body)
                }
                try observe(created)
                return true
            }
            try observe(current)
            let old = observedSpec ?? LeaseObject.Spec()
            let holder = old.holderIdentity ?? ""
            if let expiry = observedExpiry, expiry > ContinuousClock.now { return false }
            // Stamped after the expiry check, so a takeover's acquireTime is never earlier than the expiry.
            let now = MicroTime.format(Date())
            var spec = old
            spec.holderIdentity = identity
            spec.leaseDurationSeconds = elector.leaseDurationSeconds
            spec.renewTime = now
            if holder != identity {
                spec.acquireTime = now
                spec.leaseTransitions = (old.leaseTransitions ?? 0) + 1
            }
            let body = try Self.replacingSpec(of: current, with: spec)
            let updated = try await Self.within(deadline) {
                try await client.update(.lease, namespace: namespace, name: name, body: body)
            }
            try observe(updated)
            return true
        } catch {
            if !(error is CancellationError) {
                elector.logger.debug(
                    "lease round failed", metadata: ["lease": "\(namespace)/\(name)", "error": "\(error)"])
            }
            return false
        }
    }

    /// Frees the lease if this candidate holds it: empty holder, so a follower takes over at once.
    func release() async {
        guard let observedObject, var spec = observedSpec, spec.holderIdentity == elector.identity else { return }
        let client = elector.client
        let (namespace, name) = (elector.namespace, elector.name)
        let now = MicroTime.format(Date())
        spec.holderIdentity = ""
        spec.leaseDurationSeconds = 1
        spec.renewTime = now
        spec.acquireTime = now
        guard let body = try? Self.replacingSpec(of: observedObject, with: spec) else { return }
        let identity = elector.identity
        // A fresh task: the caller is usually cancelled, and a cancelled task's requests do not go out.
        let released = await Task { () -> Bool in
            if (try? await client.update(.lease, namespace: namespace, name: name, body: body)) != nil { return true }
            // A renewal cancelled in flight may still have landed, leaving our resourceVersion stale (409): read
            // the Lease again and free it if it is still ours.
            guard let data = try? await client.get(.lease, namespace: namespace, name: name),
                (try? LeaseObject.decode(data).spec.holderIdentity) == identity,
                let fresh = try? Self.replacingSpec(of: data, with: spec)
            else { return false }
            return (try? await client.update(.lease, namespace: namespace, name: name, body: fresh)) != nil
        }.value
        elector.logger.debug("lease released", metadata: ["lease": "\(namespace)/\(name)", "ok": "\(released)"])
    }

    /// Records a read or written lease; the observation time moves only when the record changed.
    private mutating func observe(_ data: Data) throws {
        let spec = try LeaseObject.decode(data).spec
        if spec != observedSpec { observedTime = ContinuousClock.now }
        observedSpec = spec
        observedObject = data
    }

    /// A new Lease object's JSON.
    static func leaseJSON(spec: LeaseObject.Spec, namespace: String, name: String) throws -> Data {
        let object: [String: Any] = [
            "apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
            "metadata": ["name": name, "namespace": namespace], "spec": try specObject(spec),
        ]
        return try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    }

    /// The lease's JSON with its spec replaced; metadata (and so resourceVersion) is kept.
    static func replacingSpec(of data: Data, with spec: LeaseObject.Spec) throws -> Data {
        guard var object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw LeaderElectionError.invalidConfiguration("the lease is not a JSON object")
        }
        object["spec"] = try specObject(spec)
        object.removeValue(forKey: "status")
        if var metadata = object["metadata"] as? [String: Any] {
            metadata.removeValue(forKey: "managedFields")
            object["metadata"] = metadata
        }
        return try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    }

    private static func specObject(_ spec: LeaseObject.Spec) throws -> Any {
        try JSONSerialization.jsonObject(with: JSONEncoder().encode(spec))
    }

    /// Runs `operation`, abandoning it at `deadline`.
    /// - Throws: the operation's error, or `LeaseRoundTimeout` when the deadline came first.
    static func within<T: Sendable>(
        _ deadline: ContinuousClock.Instant, _ operation: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await operation() }
            group.addTask {
                try await Task.sleep(until: deadline, clock: .continuous)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let value = first else { throw LeaseRoundTimeout() }
            return value
        }
    }

    /// A lease request that outlived its round's deadline.
    struct LeaseRoundTimeout: Error {}
}
