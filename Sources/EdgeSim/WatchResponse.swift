import AppModel
import Hummingbird
import ServiceLifecycle

/// The chunked response of a watch: one JSON event per line until the watch times out, the client goes away
/// or the hub shuts down.
enum WatchResponse {
    /// Streams the events of watch `id`.
    /// - Parameters:
    ///   - bookmarkInterval: time between BOOKMARK events, nil when the client did not allow them.
    ///   - timeout: `timeoutSeconds`, nil for no limit.
    ///   - table: render each object as a one-row `meta.k8s.io/v1` Table (what `kubectl get --watch` asks for).
    static func make(
        store: HubStore, id: Int, stream: AsyncStream<WatchMessage>, type: ResourceType,
        bookmarkInterval: Duration?, timeout: Duration?, table: Bool
    ) -> Response {
        let body = ResponseBody { writer in
            let helpers = Task {
                await withTaskGroup(of: Void.self) { group in
                    if let bookmarkInterval {
                        group.addTask {
                            while (try? await Task.sleep(for: bookmarkInterval)) != nil { await store.bookmark(id) }
                        }
                    }
                    if let timeout {
                        group.addTask {
                            if (try? await Task.sleep(for: timeout)) != nil { await store.endWatch(id) }
                        }
                    }
                    group.addTask {
                        if (try? await gracefulShutdown()) != nil { await store.endWatch(id) }
                    }
                }
            }
            defer { helpers.cancel() }
            do {
                for await message in stream {
                    var object = message.object
                    if table, message.type != "BOOKMARK" {
                        object = TableBuilder.table(type, [object], resourceVersion: nil)
                    }
                    let line = Value.object([("type", .string(message.type)), ("object", object)]).canonicalJSON()
                    try await writer.write(ByteBuffer(string: line + "\n"))
                }
            } catch {
                await store.endWatch(id)
                throw error
            }
            await store.endWatch(id)
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: [.contentType: "application/json"], body: body)
    }
}
