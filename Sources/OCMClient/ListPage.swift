import Foundation

/// One page of a LIST answer: the items' raw JSON and the list's `metadata`.
public struct ListPage: Sendable, Equatable {
    /// Each item's JSON, byte for byte as the server sent it.
    public var items: [Data]
    /// `metadata.continue`: pass it to fetch the next page; nil (or empty from the server) on the last page.
    public var continueToken: String?
    /// `metadata.resourceVersion` of the list: where a watch that follows this list starts.
    public var resourceVersion: String?
    /// `metadata.remainingItemCount`, when the server estimates it.
    public var remainingItemCount: Int64?

    /// Creates a page.
    public init(
        items: [Data], continueToken: String? = nil, resourceVersion: String? = nil, remainingItemCount: Int64? = nil
    ) {
        self.items = items
        self.continueToken = continueToken
        self.resourceVersion = resourceVersion
        self.remainingItemCount = remainingItemCount
    }

    /// Reads a list body.
    /// - Returns: nil when the body is not a JSON object with an `items` array.
    static func parse(_ body: Data) -> ListPage? {
        guard let items = JSONItems.split(body) else { return nil }
        struct Envelope: Decodable {
            struct Metadata: Decodable {
                var `continue`: String?
                var resourceVersion: String?
                var remainingItemCount: Int64?
            }
            var metadata: Metadata?
        }
        let metadata = (try? JSONDecoder().decode(Envelope.self, from: body))?.metadata
        let token = metadata?.continue.flatMap { $0.isEmpty ? nil : $0 }
        return ListPage(
            items: items, continueToken: token, resourceVersion: metadata?.resourceVersion,
            remainingItemCount: metadata?.remainingItemCount)
    }
}
