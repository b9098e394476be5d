import Foundation
import Testing

@testable import AppModel

/// Secret values are masked in what Placer shows, as Argo CD's diff masks them: same value, same mask; a changed
/// value, a different mask; everything else as it was.
@Suite struct SecretMaskTests {
    static func work(password: String, token: String, replicas: Int) -> Data {
        Data(
            """
            apiVersion: work.open-cluster-management.io/v1
            kind: ManifestWork
            metadata:
              name: digital-twin
              namespace: hall-1-edge
            spec:
              workload:
                manifests:
                - apiVersion: v1
                  kind: Secret
                  metadata:
                    name: twin-db
                    labels:
                      app: digital-twin
                  data:
                    token: \(token)
                  stringData:
                    password: \(password)
                - apiVersion: apps/v1
                  kind: Deployment
                  metadata:
                    name: twin
                  spec:
                    replicas: \(replicas)

            """.utf8)
    }

    static func text(_ data: Data??) -> String {
        String(decoding: (data ?? nil) ?? Data(), as: UTF8.self)
    }

    @Test func aChangedValueShowsAsADifferentMaskAndAnUnchangedOneAsTheSame() throws {
        let old = Self.work(password: "hunter2-old", token: "c2VjcmV0", replicas: 1)
        let new = Self.work(password: "hunter2-new", token: "c2VjcmV0", replicas: 2)
        let masked = try #require(SecretMask.masked(old: old, new: new, file: "rendered/hall-1-edge/twin.yaml"))
        let before = Self.text(masked.old)
        let after = Self.text(masked.new)
        for text in [before, after] {
            #expect(!text.contains("hunter2"), "\(text)")
            #expect(!text.contains("c2VjcmV0"), "\(text)")
        }
        #expect(before.contains("password: \"++++++++\"\n"), "\(before)")
        #expect(after.contains("password: \"++++++++++++\"\n"), "\(after)")
        #expect(before.contains("token: \"++++++++\"\n") && after.contains("token: \"++++++++\"\n"))
        // The rest is kept: the Deployment's change, the Secret's name and labels.
        #expect(before.contains("replicas: 1") && after.contains("replicas: 2"))
        #expect(after.contains("name: twin-db") && after.contains("app: digital-twin"))
        // Both sides are rendered the same way, so only real changes differ.
        let differing = zip(before.split(separator: "\n"), after.split(separator: "\n")).filter { $0.0 != $0.1 }
        #expect(differing.count == 2, "\(differing)")
    }

    @Test func aFileWithoutASecretIsShownAsItIs() {
        let deployment = Data("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: twin\n".utf8)
        #expect(SecretMask.masked(old: nil, new: deployment, file: "apps/twin/deploy.yaml") == nil)
        // A Secret without values (a reference) has nothing to hide either.
        let empty = Data("apiVersion: v1\nkind: Secret\nmetadata:\n  name: twin-db\n".utf8)
        #expect(SecretMask.masked(old: empty, new: nil, file: "apps/twin/secret.yaml") == nil)
    }

    @Test func anAddedOrDeletedSecretIsMaskedOnItsOneSide() throws {
        let secret = Data(
            "---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: a\nstringData:\n  key: plain-value-1\n---\n"
                .appending("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\ndata:\n  key: shown\n").utf8)
        let added = try #require(SecretMask.masked(old: nil, new: secret, file: "apps/x/all.yaml"))
        #expect(added.old == nil)
        let text = Self.text(added.new)
        #expect(!text.contains("plain-value-1") && text.contains("key: \"++++++++\"") && text.contains("key: shown"))
        #expect(text.components(separatedBy: "---\n").count == 3, "two documents: \(text)")
        let deleted = try #require(SecretMask.masked(old: secret, new: nil, file: "apps/x/all.yaml"))
        #expect(deleted.new == nil && !Self.text(deleted.old).contains("plain-value-1"))
    }

    @Test func anUnreadableFileNamingASecretIsNotShown() throws {
        let broken = Data("kind: Secret\nstringData:\n  key: [unclosed plain-value-2\n".utf8)
        let masked = try #require(SecretMask.masked(old: nil, new: broken, file: "apps/x/bad.yaml"))
        #expect(!Self.text(masked.new).contains("plain-value-2"))
    }
}
