import Crypto
import Foundation
import Synchronization

/// A bounded memory of recently accepted webhook deliveries, to refuse replays.
///
/// None of the three signing schemes covers a timestamp or the delivery id (GitHub signs the body only; GitLab
/// sends the bare token), so a captured delivery stays valid forever. Two keys catch a replay:
/// - the delivery id the host puts in a header (`X-GitHub-Delivery`, `X-Gitlab-Event-UUID`, `X-Gitea-Delivery`;
///   a host's own "redeliver" button reuses it), and
/// - the SHA-256 of the provider and raw body, which catches a replay under a fresh, unsigned id header. A push
///   payload names its `before` and `after` commits, so the same body twice is the same push twice.
///
/// Only authenticated deliveries are remembered (an attacker without the secret cannot fill the memory). The
/// memory keeps the newest `capacity` keys of each kind in insertion order (first in, first out), so it is
/// bounded whatever the rate: about 100 bytes per key, 400 KiB at the default 4,096.
public final class DeliveryMemory: Sendable {
    /// How many delivery ids (and as many body digests) are kept.
    public let capacity: Int
    private let state: Mutex<State>

    private struct State {
        var ids = RecentSet<String>()
        var digests = RecentSet<[UInt8]>()
    }

    /// What a delivery is, as far as the memory can tell.
    public enum Verdict: Sendable, Equatable {
        /// Not seen before; now remembered.
        case fresh
        /// The delivery id was seen (the text is the id).
        case replayedID(String)
        /// The same provider and body was seen under another or no id.
        case replayedBody
    }

    /// - Parameter capacity: the number of ids and of body digests kept (≥ 1).
    public init(capacity: Int = 4096) {
        self.capacity = max(1, capacity)
        state = Mutex(State())
    }

    /// Checks a delivery and, when fresh, remembers it. Atomic: of two concurrent identical deliveries exactly
    /// one is fresh.
    /// - Parameters:
    ///   - provider: the host (ids and bodies of different hosts never collide).
    ///   - id: the delivery id header's value, nil when absent (then only the body is checked).
    ///   - body: the raw body.
    public func admit(provider: WebhookProvider, id: String?, body: some DataProtocol) -> Verdict {
        var hasher = SHA256()
        hasher.update(data: Array(provider.name.utf8) + [0])
        hasher.update(data: body)
        let digest = Array(hasher.finalize())
        let key = id.map { "\(provider.name)/\($0)" }
        return state.withLock { state in
            if let key, let id, state.ids.contains(key) { return .replayedID(id) }
            if state.digests.contains(digest) { return .replayedBody }
            if let key { state.ids.insert(key, capacity: capacity) }
            state.digests.insert(digest, capacity: capacity)
            return .fresh
        }
    }

    /// How many ids are remembered now (≤ ``capacity``).
    public var rememberedIDs: Int { state.withLock { $0.ids.count } }
    /// How many body digests are remembered now (≤ ``capacity``).
    public var rememberedBodies: Int { state.withLock { $0.digests.count } }
}

/// A set that forgets its oldest member once it holds `capacity`: a ring of keys plus a set for lookups.
struct RecentSet<Key: Hashable> {
    private var members = Set<Key>()
    private var order: [Key] = []
    private var oldest = 0

    var count: Int { members.count }

    func contains(_ key: Key) -> Bool { members.contains(key) }

    mutating func insert(_ key: Key, capacity: Int) {
        guard members.insert(key).inserted else { return }
        if order.count < capacity {
            order.append(key)
        } else {
            members.remove(order[oldest])
            order[oldest] = key
            oldest = (oldest + 1) % capacity
        }
    }
}
