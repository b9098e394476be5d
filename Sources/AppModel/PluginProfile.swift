/// Which PDLC plugins a policy runs, in what order and with what default weights: kube-scheduler's profile
/// `plugins` (`filter` and `score`, each with `enabled` and `disabled` lists), under `spec.profile.plugins`.
///
/// Merge rule (kube-scheduler's): the default plugins of a phase run in their default order, less those
/// `disabled` (`*` disables every default); a default plugin also listed in `enabled` keeps its place and takes
/// the entry's weight; other `enabled` plugins follow in the order listed. A score entry's `weight` (0…10) applies
/// to every QoS class and performance profile whose `spec.weights` table does not name the plugin.
public struct PluginProfile: Sendable, Hashable {
    /// One enabled plugin: its name and, for score plugins, an optional weight (0…10).
    public struct Entry: Sendable, Hashable {
        public var name: String
        public var weight: Double?

        public init(name: String, weight: Double? = nil) {
            self.name = name
            self.weight = weight
        }
    }

    /// One phase's changes to the defaults.
    public struct PluginSet: Sendable, Hashable {
        /// Plugins to run, after the defaults still enabled.
        public var enabled: [Entry]
        /// Default plugins not to run; `*` disables them all.
        public var disabled: [String]

        public init(enabled: [Entry] = [], disabled: [String] = []) {
            self.enabled = enabled
            self.disabled = disabled
        }
    }

    /// Filter plugins (PreFilter runs with its Filter).
    public var filter: PluginSet
    /// Score plugins (PreScore and NormalizeScore run with their Score).
    public var score: PluginSet

    public init(filter: PluginSet = PluginSet(), score: PluginSet = PluginSet()) {
        self.filter = filter
        self.score = score
    }
}

extension PlacementPolicy {
    /// The PDLC filter plugins a policy may name (`PluginRegistry.standard` in PDLC; a PDLC test keeps the two
    /// lists equal), in their default order.
    public static let knownFilterPlugins = [
        "Availability", "Taints", "ClusterSelector", "SecurityCompliance", "Capacity", "ForecastHeadroom",
        "LatencyBudget", "ChannelDelay", "Bandwidth", "EnergyLimit",
    ]
    /// The PDLC score plugins a policy may weigh or name, in their default order.
    public static let knownScorePlugins = [
        "latencyMargin", "headroom", "energy", "qosFit", "addOnScore", "balance", "reliability", "migration",
        "taintToleration", "channelAffinity",
    ]
    /// The load forecasters a policy may name in `spec.forecaster` (`ForecasterRegistry.standard` in PDLC).
    public static let knownForecasters = ["last", "seasonal", "ewma", "holt", "ridge"]

    /// Reads `spec.profile` of `document` into ``profile`` (a phase given here replaces the same phase of an
    /// earlier document).
    /// - Throws: ``ModelError`` at an unknown plugin name, a malformed entry or a weight outside 0…10.
    mutating func applyProfile(_ value: Value?, _ document: YAMLDocument) throws {
        guard let value else { return }
        guard let plugins = value["plugins"] else {
            throw document.error(at: "spec.profile", "profile must have plugins: {filter: …, score: …}")
        }
        var profile = self.profile ?? PluginProfile()
        for (phase, entry) in plugins.objectValue ?? [] {
            let path = "spec.profile.plugins.\(phase)"
            switch phase {
            case "filter":
                profile.filter = try Self.pluginSet(
                    entry, path: path, known: Self.knownFilterPlugins, kind: "filter", document)
            case "score":
                profile.score = try Self.pluginSet(
                    entry, path: path, known: Self.knownScorePlugins, kind: "score", document)
            default:
                throw document.error(at: path, "unknown phase \"\(phase)\" (known: filter, score)")
            }
        }
        self.profile = profile
    }

    private static func pluginSet(
        _ value: Value, path: String, known: [String], kind: String, _ document: YAMLDocument
    ) throws -> PluginProfile.PluginSet {
        var set = PluginProfile.PluginSet()
        for (key, list) in value.objectValue ?? [] {
            guard key == "enabled" || key == "disabled" else {
                throw document.error(at: "\(path).\(key)", "unknown key \"\(key)\" (known: enabled, disabled)")
            }
            guard let items = list.arrayValue else {
                throw document.error(at: "\(path).\(key)", "\(key) must be a list of {name: plugin}")
            }
            for (index, item) in items.enumerated() {
                let at = "\(path).\(key)[\(index)]"
                guard let name = item.stringValue ?? item["name"]?.stringValue else {
                    throw document.error(at: at, "each entry needs a plugin name")
                }
                guard known.contains(name) || (key == "disabled" && name == "*") else {
                    throw document.error(
                        at: item.stringValue == nil ? "\(at).name" : at,
                        "unknown \(kind) plugin \"\(name)\" (known: \(known.joined(separator: ", ")))")
                }
                var weight: Double?
                if let raw = item["weight"] {
                    guard kind == "score", key == "enabled", let number = raw.doubleValue, (0...10).contains(number)
                    else {
                        throw document.error(
                            at: "\(at).weight", "weight must be a number from 0 to 10 on an enabled score plugin")
                    }
                    weight = number
                }
                if key == "enabled" {
                    set.enabled.append(.init(name: name, weight: weight))
                } else {
                    set.disabled.append(name)
                }
            }
        }
        return set
    }
}
