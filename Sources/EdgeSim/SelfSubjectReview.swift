import AppModel

/// `POST /apis/authentication.k8s.io/v1/selfsubjectreviews` (what `kubectl auth whoami` asks): the user the hub
/// authenticated the request as, with kube-apiserver's implied `system:authenticated` group.
enum SelfSubjectReview {
    /// The paths answered (kubectl tries v1, then v1beta1).
    static let paths: Set<String> = [
        "/apis/authentication.k8s.io/v1/selfsubjectreviews", "/apis/authentication.k8s.io/v1beta1/selfsubjectreviews",
    ]

    /// The review of `user`, in the API version of `path`.
    static func review(of user: HubUser, path: String) -> Value {
        let version = path.contains("/v1beta1/") ? "v1beta1" : "v1"
        var groups = user.groups
        if user.name != "system:anonymous" { groups.append("system:authenticated") }
        return .object([
            ("apiVersion", .string("authentication.k8s.io/\(version)")), ("kind", .string("SelfSubjectReview")),
            ("metadata", .object([("creationTimestamp", .null)])),
            (
                "status",
                .object([
                    (
                        "userInfo",
                        .object([("username", .string(user.name)), ("groups", .array(groups.map { .string($0) }))])
                    )
                ])
            ),
        ])
    }
}
