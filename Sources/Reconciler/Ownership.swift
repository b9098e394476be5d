import AppModel
import Foundation

/// Which Placer instance owns an object on the hub, and whether this one may touch it.
///
/// Every object Placer writes (ManifestWorks, Placements, PlacementDecisions, Events, its state ConfigMap)
/// carries `app.kubernetes.io/managed-by=placer` and `placer.dev/owner=<instance>`, where the instance is a
/// Kubernetes label value (at most 63 characters of `[A-Za-z0-9._-]`, starting and ending alphanumeric; see
/// "Labels and Selectors" in the Kubernetes documentation). Lists select on both labels, so prune, drift
/// correction and status never see another instance's objects, as Argo CD's tracking label and Flux's
/// `kustomize.toolkit.fluxcd.io/name` label keep their controllers apart.
public enum Ownership {
    /// Who holds an object Placer wants to write.
    public enum Claim: Equatable, Sendable {
        /// Labelled with this instance.
        case ours
        /// Placer's (`managed-by=placer`) but written before owner labels existed: this instance adopts it by
        /// writing, and never prunes it.
        case legacy
        /// Another instance's, or not Placer's at all (`owner` says whose, as far as the labels tell).
        case foreign(owner: String)
    }

    /// The default instance name for a repo and branch: the repo's last path segment and the branch, made
    /// label-safe, then 8 hex digits of SHA-256 over the credential-free URL and the branch, so two repos of
    /// the same name (or one repo's two branches) get different owners. Example: `app-repo-main-1f2e3d4c`.
    public static func defaultInstance(repoURL: String, branch: String) -> String {
        let url = Redact.url(repoURL)
        let digest = String(Digest.sha256(Data("\(url)#\(branch)".utf8)).prefix(8))
        var base = url.split(whereSeparator: { "/:".contains($0) }).last.map(String.init) ?? "repo"
        if base.hasSuffix(".git") { base = String(base.dropLast(4)) }
        let readable = sanitize("\(base)-\(branch)", limit: 63 - 9)
        return readable.isEmpty ? digest : "\(readable)-\(digest)"
    }

    /// Whether `name` can be an instance name (a valid Kubernetes label value, not empty).
    public static func isValidInstance(_ name: String) -> Bool {
        guard !name.isEmpty, name.count <= 63, let first = name.unicodeScalars.first,
            let last = name.unicodeScalars.last
        else { return false }
        let alphanumeric = CharacterSet.alphanumerics
        let allowed = alphanumeric.union(CharacterSet(charactersIn: "-_."))
        return name.unicodeScalars.allSatisfy { $0.isASCII && allowed.contains($0) }
            && alphanumeric.contains(first) && alphanumeric.contains(last)
    }

    /// The label selector of the objects `instance` owns.
    public static func selector(instance: String) -> String {
        "\(Labels.managedBy)=placer,\(Labels.owner)=\(instance)"
    }

    /// Who holds `object` (a Kubernetes object as JSON), seen from `instance`.
    public static func claim(of object: Value, instance: String) -> Claim {
        let labels = object[path: "metadata"]?["labels"]
        let owner = labels?[Labels.owner]?.stringValue
        if owner == instance { return .ours }
        if let owner { return .foreign(owner: "Placer instance \(owner)") }
        if labels?[Labels.managedBy]?.stringValue == "placer" { return .legacy }
        let manager = labels?[Labels.managedBy]?.stringValue.map { "\($0) (managed-by)" } ?? "not Placer"
        return .foreign(owner: manager)
    }

    /// `object` with this instance's owner label, `managed-by=placer` and the source annotation added to its
    /// metadata (other labels and annotations kept).
    public static func stamp(_ object: Value, instance: String, source: String) -> Value {
        let metadata = object["metadata"] ?? .object([])
        let labels = (metadata["labels"] ?? .object([]))
            .setting(Labels.managedBy, to: .string("placer"))
            .setting(Labels.owner, to: .string(instance))
        let annotations = (metadata["annotations"] ?? .object([])).setting(Labels.source, to: .string(source))
        return object.setting(
            "metadata", to: metadata.setting("labels", to: labels).setting("annotations", to: annotations))
    }

    /// `text` lower-cased, runs of characters a label value cannot hold turned into one `-`, trimmed to
    /// `limit` characters and to alphanumeric ends.
    static func sanitize(_ text: String, limit: Int) -> String {
        var result = ""
        for scalar in text.lowercased().unicodeScalars {
            // DNS-1123 characters only, so a default instance is also a valid Lease name.
            let keep = scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar) || scalar == ".")
            if keep {
                result.unicodeScalars.append(scalar)
            } else if !result.hasSuffix("-") {
                result += "-"
            }
        }
        result = String(result.prefix(limit))
        while let last = result.last, !(last.isLetter || last.isNumber) { result.removeLast() }
        while let first = result.first, !(first.isLetter || first.isNumber) { result.removeFirst() }
        return result
    }
}
