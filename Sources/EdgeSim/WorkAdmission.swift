import AppModel

/// OCM's ManifestWork validating webhook (`manifestworkvalidators.admission.work.open-cluster-management.io`,
/// ocm `pkg/work/webhook`; CONTRACT.md §2): manifests present, within the size limit, each named, none with
/// `generateName`, no two for the same resource. A violation is a 400 BadRequest.
struct WorkAdmission: Sendable {
    /// The limit on the summed JSON size of all manifests, in bytes.
    var limitBytes: Int

    static let webhook = "manifestworkvalidators.admission.work.open-cluster-management.io"

    /// - Throws: ``APIError`` 400 naming the rule the work breaks.
    func check(_ work: Value) throws {
        let manifests = work[path: "spec.workload.manifests"]?.arrayValue ?? []
        guard !manifests.isEmpty else { throw Self.denied("Workload manifests should not be empty") }
        let totalBytes = manifests.reduce(0) { $0 + $1.canonicalJSON().utf8.count }
        if totalBytes > limitBytes {
            throw Self.denied(
                "the size of manifests is \(totalBytes) bytes which exceeds the \(limitBytes) limit")
        }
        var seen: Set<[String]> = []
        for (index, manifest) in manifests.enumerated() {
            if manifest[path: "metadata.generateName"]?.stringValue?.isEmpty == false {
                throw Self.denied("generateName must not be set in manifest \(index)")
            }
            guard !manifest.objectName.isEmpty else { throw Self.denied("name must be set in manifest \(index)") }
            let apiVersion = manifest["apiVersion"]?.stringValue ?? ""
            let group = apiVersion.contains("/") ? String(apiVersion.prefix { $0 != "/" }) : ""
            let kind = manifest["kind"]?.stringValue ?? ""
            let identity = [group, kind, manifest.objectNamespace ?? "", manifest.objectName]
            guard seen.insert(identity).inserted else {
                throw Self.denied(
                    "duplicate manifest \(index): \(kind).\(group) \(identity[2].isEmpty ? "" : identity[2] + "/")"
                        + "\(manifest.objectName) is already in the work")
            }
        }
    }

    private static func denied(_ reason: String) -> APIError {
        APIError.badRequest("admission webhook \"\(webhook)\" denied the request: \(reason)")
    }
}
