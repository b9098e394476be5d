import AppModel
import EdgeSim
import Foundation
import PlacerTestSupport
import Testing

/// CRD schema validation (422 naming the field path), pruning, defaulting, and OCM's ManifestWork admission (400).
@Suite struct ValidationTests {
    let works = "/apis/work.open-cluster-management.io/v1/namespaces/edge-1/manifestworks"
    let placements = "/apis/cluster.open-cluster-management.io/v1beta1/namespaces/ns1/placements"

    func work(_ manifests: String, extra: String = "") -> String {
        #"{"apiVersion":"work.open-cluster-management.io/v1","kind":"ManifestWork","#
            + #""metadata":{"name":"w1","namespace":"edge-1"},"spec":{"workload":{"manifests":[\#(manifests)]}\#(extra)}}"#
    }

    let deployment = #"{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"shop"}}"#

    @Test func schemaViolationsAre422WithFieldPaths() async throws {
        try await withHub { hub in
            let client = HubClient(hub)
            let missingKind = try await client.send(
                "POST", works, body: work(#"{"apiVersion":"v1","metadata":{"name":"cm"}}"#))
            #expect(missingKind.code == 422)
            #expect(missingKind.body["reason"] == .string("Invalid"))
            let message = missingKind.body["message"]?.stringValue ?? ""
            #expect(message.contains("spec.workload.manifests[0].kind: Required value"), "\(message)")
            let causes = missingKind.body[path: "details.causes"]?.arrayValue ?? []
            #expect(causes.first?["field"] == .string("spec.workload.manifests[0].kind"))
            #expect(causes.first?["reason"] == .string("FieldValueRequired"))

            let badEnum = try await client.send(
                "POST", works, body: work(deployment, extra: #","deleteOption":{"propagationPolicy":"Sometimes"}"#))
            #expect(badEnum.code == 422)
            #expect(
                (badEnum.body["message"]?.stringValue ?? "").contains(
                    #"spec.deleteOption.propagationPolicy: Unsupported value: "Sometimes""#), "\(badEnum.text)")

            let badType = try await client.send(
                "POST", placements,
                body: #"{"apiVersion":"cluster.open-cluster-management.io/v1beta1","kind":"Placement","#
                    + #""metadata":{"name":"p1","namespace":"ns1"},"spec":{"numberOfClusters":"three"}}"#)
            #expect(badType.code == 422)
            #expect(
                (badType.body["message"]?.stringValue ?? "").contains("spec.numberOfClusters: Invalid value"),
                "\(badType.text)")
            let badName = try await client.send(
                "POST", placements,
                body: #"{"apiVersion":"cluster.open-cluster-management.io/v1beta1","kind":"Placement","#
                    + #""metadata":{"name":"Not_A_Name","namespace":"ns1"}}"#)
            #expect(badName.code == 422)
            #expect(await hub.objects("manifestworks").isEmpty)
        }
    }

    @Test func unknownFieldsArePrunedOrRefusedWhenStrictAndDefaultsApplied() async throws {
        try await withHub { hub in
            let client = HubClient(hub)
            let body =
                #"{"apiVersion":"cluster.open-cluster-management.io/v1beta1","kind":"Placement","#
                + #""metadata":{"name":"p1","namespace":"ns1"},"spec":{"bogus":1,"prioritizerPolicy":"#
                + #"{"configurations":[{"scoreCoordinate":{"builtIn":"Steady"},"weight":2}]}}}"#
            let strict = try await client.send("POST", placements + "?fieldValidation=Strict", body: body)
            #expect(strict.code == 400)
            #expect((strict.body["message"]?.stringValue ?? "").contains(#"unknown field "spec.bogus""#))
            let created = try await client.send("POST", placements, body: body)
            #expect(created.code == 201, "\(created.text)")
            #expect(created.body[path: "spec.bogus"] == nil, "unknown fields are pruned")
            let configuration = created.body[path: "spec.prioritizerPolicy.configurations"]?.arrayValue?.first
            #expect(configuration?[path: "scoreCoordinate.type"] == .string("BuiltIn"), "defaulted")
            #expect(created.body[path: "spec.prioritizerPolicy.mode"] == .string("Additive"), "defaulted")
            #expect(configuration?["weight"] == .number("2"))
        }
    }

    @Test func manifestWorkAdmissionRules() async throws {
        try await withHub(configuration: HubConfiguration(agentDelay: .seconds(60), manifestLimitBytes: 2000)) { hub in
            let client = HubClient(hub)
            func refusal(_ body: String) async throws -> String {
                let reply = try await client.send("POST", works, body: body)
                #expect(reply.code == 400, "\(reply.text)")
                #expect(reply.body["reason"] == .string("BadRequest"))
                return reply.body["message"]?.stringValue ?? ""
            }
            #expect(try await refusal(work("")).contains("manifests should not be empty"))
            let big =
                #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"big"},"data":{"x":""#
                + String(repeating: "a", count: 3000) + #""}}"#
            #expect(try await refusal(work(big)).contains("exceeds the 2000 limit"))
            let unnamed = #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"namespace":"shop"}}"#
            #expect(try await refusal(work(unnamed)).contains("name must be set"))
            let generated = #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a","generateName":"a-"}}"#
            #expect(try await refusal(work(generated)).contains("generateName must not be set"))
            #expect(try await refusal(work(deployment + "," + deployment)).contains("duplicate manifest"))
            let message = try await refusal(work(""))
            #expect(message.contains("manifestworkvalidators.admission.work.open-cluster-management.io"))
            #expect(try await client.send("POST", works, body: work(deployment)).code == 201)
            // Updates are checked too.
            let emptied = try await client.send(
                "PATCH", works + "/w1?fieldManager=t&force=true", body: work(""),
                contentType: "application/apply-patch+yaml")
            #expect(emptied.code == 400)
        }
    }

    @Test func theDefaultLimitIs512000Bytes() {
        #expect(HubConfiguration().manifestLimitBytes == 512_000)
    }
}

@Suite struct DryRunAndSelectorTests {
    let works = "/apis/work.open-cluster-management.io/v1/namespaces/edge-1/manifestworks"

    @Test func dryRunChecksButStoresNothing() async throws {
        try await withHub { hub in
            let client = HubClient(hub)
            let dry = try await client.send(
                "POST", works + "?dryRun=All", body: workJSON(name: "w1", namespace: "edge-1"))
            #expect(dry.code == 201)
            #expect(dry.body[path: "metadata.name"] == .string("w1"))
            #expect(await hub.objects("manifestworks").isEmpty)
            let invalid = try await client.send(
                "POST", works + "?dryRun=All",
                body: workJSON(name: "w1", namespace: "edge-1").replacingOccurrences(
                    of: #""kind":"Deployment","#, with: ""))
            #expect(invalid.code == 422)
        }
    }

    @Test func fieldSelectorsOnNameAndNamespace() async throws {
        try await withHub { hub in
            let client = HubClient(hub)
            for name in ["a", "b"] {
                _ = try await client.send("POST", works, body: workJSON(name: name, namespace: "edge-1"))
            }
            let one = try await client.send("GET", works + "?fieldSelector=metadata.name%3Db")
            #expect(one.body["items"]?.arrayValue?.map { $0[path: "metadata.name"] } == [.string("b")])
            let others = try await client.send("GET", works + "?fieldSelector=metadata.name!%3Db")
            #expect(others.body["items"]?.arrayValue?.map { $0[path: "metadata.name"] } == [.string("a")])
            #expect(try await client.send("GET", works + "?fieldSelector=spec.x%3D1").code == 400)
        }
    }
}
