import AppModel
import Foundation
import PlacerTestSupport

typealias AppModelValue = Value

/// A watch opened with curl: its JSON lines as they arrive.
struct WatchLines {
    let child: ChildProcess

    /// Starts `curl -sN` on `path` of the hub.
    init(_ client: HubClient, _ path: String) throws {
        child = try ChildProcess(
            "/usr/bin/curl", ["-sN", "-H", "Authorization: Bearer \(client.token ?? "")", client.baseURL + path])
    }

    /// The events received so far as (type, object).
    var events: [(type: String, object: AppModelValue)] {
        child.text.split(separator: "\n").compactMap { line in
            guard let value = try? AppModelValue.parseJSON(Data(line.utf8)), let type = value["type"]?.stringValue,
                let object = value["object"]
            else { return nil }
            return (type, object)
        }
    }

    /// Waits until at least `count` events arrived.
    func waitForEvents(_ count: Int, timeout: Duration = .seconds(10)) async -> [(type: String, object: AppModelValue)]
    {
        _ = await child.waitForOutput(timeout: timeout) { text in
            text.split(separator: "\n").count >= count
        }
        return events
    }
}
