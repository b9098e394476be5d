import Foundation
import OCMClient

/// The ManagedClusters of the last pass, decoded, by their bytes. A hub cache (informer) hands back the same bytes
/// until an object changes, so a pass decodes only what changed since the one before; decoding all of them was a
/// fifth of an idle reconcile at 10,000 apps × 1,000 clusters. Holds only the last pass's objects.
final class DecodedClusters: @unchecked Sendable {
    /// An object's bytes as a key, hashed over every byte.
    struct Bytes: Hashable {
        let data: Data
        func hash(into hasher: inout Hasher) { data.withUnsafeBytes { hasher.combine(bytes: $0) } }
    }

    // Guarded by `lock`; @unchecked because NSLock-guarded state is invisible to the checker.
    private let lock = NSLock()
    private var last: [Bytes: ManagedClusterObject] = [:]

    /// Each item as a ``ManagedClusterObject``, in order, leaving out items that do not decode (as a fresh decode
    /// would); equal bytes to an item of the previous call reuse its decoding.
    func decode(_ items: [Data]) -> [ManagedClusterObject] {
        lock.withLock {
            var next: [Bytes: ManagedClusterObject] = [:]
            next.reserveCapacity(items.count)
            var objects: [ManagedClusterObject] = []
            objects.reserveCapacity(items.count)
            for item in items {
                let key = Bytes(data: item)
                guard let object = last[key] ?? (try? ManagedClusterObject.decode(item)) else { continue }
                next[key] = object
                objects.append(object)
            }
            last = next
            return objects
        }
    }
}
