/// A typed key into ``CycleState``'s per-plugin storage: the plugin's name and the type of what it stores, so a
/// plugin reads back exactly the type it wrote (kube-scheduler's `StateKey` with a typed read).
public struct StateKey<Value: Sendable>: Sendable, Hashable {
    /// The owning plugin's name.
    public let name: String

    public init(_ name: String) { self.name = name }
}

extension CycleState {
    /// The value stored under `key`, or `nil` when none is stored (or one of another type).
    @inline(__always) public func pluginState<Value>(_ key: StateKey<Value>) -> Value? {
        pluginStates[key.name] as? Value
    }

    /// Stores `value` under `key`, replacing what was there.
    public mutating func setPluginState<Value>(_ value: Value, for key: StateKey<Value>) {
        pluginStates[key.name] = value
    }
}
