import Foundation

/// What ``KubeClient/watchList(_:namespace:labelSelector:limit:timeoutSeconds:)`` reports.
public enum WatchListEvent: Sendable, Equatable {
    /// The first complete list: every object that matches, as JSON.
    case listed([Data])
    /// A fresh complete list after the watch could not resume (410 Gone): it replaces everything known, so
    /// objects missing from it were deleted meanwhile.
    case relisted([Data])
    /// A change seen by the watch: ADDED, MODIFIED or DELETED (bookmarks and errors are handled inside).
    case changed(WatchEvent)
}
