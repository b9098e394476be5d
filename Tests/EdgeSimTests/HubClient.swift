import AppModel
import EdgeSim
import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A bare HTTP client for the hub's API in tests (URLSession; plain http on 127.0.0.1).
struct HubClient: Sendable {
    var baseURL: String
    var token: String?

    init(_ hub: EdgeSimHub, token: String? = nil) {
        baseURL = hub.baseURL
        self.token = token ?? hub.configuration.token
    }

    struct Reply {
        var code: Int
        var body: Value
        var text: String
    }

    func send(
        _ method: String, _ path: String, body: String? = nil, contentType: String = "application/json",
        authorization: String? = nil, accept: String? = nil
    ) async throws -> Reply {
        var request = URLRequest(url: URL(string: baseURL + path)!)
        request.httpMethod = method
        if let header = authorization ?? token.map({ "Bearer \($0)" }), header != "none" {
            request.setValue(header, forHTTPHeaderField: "Authorization")
        }
        if let accept { request.setValue(accept, forHTTPHeaderField: "Accept") }
        if let body {
            request.httpBody = Data(body.utf8)
            request.setValue(contentType, forHTTPHeaderField: "Content-Type")
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        let code = (response as? HTTPURLResponse)?.statusCode ?? 0
        let value = data.isEmpty ? Value.null : (try? Value.parseJSON(data)) ?? .null
        return Reply(code: code, body: value, text: String(decoding: data, as: UTF8.self))
    }
}

/// A ManifestWork JSON body with one Deployment that asks for WellKnownStatus feedback.
func workJSON(name: String, namespace: String, replicas: Int = 2, labels: [String: String] = [:]) -> String {
    let labelText = labels.sorted { $0.key < $1.key }.map { "\"\($0.key)\":\"\($0.value)\"" }.joined(separator: ",")
    return """
        {"apiVersion":"work.open-cluster-management.io/v1","kind":"ManifestWork",
         "metadata":{"name":"\(name)","namespace":"\(namespace)","labels":{\(labelText)}},
         "spec":{"workload":{"manifests":[
            {"apiVersion":"v1","kind":"Namespace","metadata":{"name":"shop"}},
            {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"shop"},
             "spec":{"replicas":\(replicas)}}]},
          "manifestConfigs":[{"resourceIdentifier":{"group":"apps","resource":"deployments","namespace":"shop",
             "name":"web"},"feedbackRules":[{"type":"WellKnownStatus"}]}]}}
        """
}
