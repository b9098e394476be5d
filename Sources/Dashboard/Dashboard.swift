// The Dashboard module: push webhooks (GitHub, GitLab, Gitea) that request reconciles through a
// `ReconcileTrigger`, and `/healthz` and `/readyz`, served over Hummingbird by `DashboardServer` (DESIGN.md §3).
// See docs/webhooks.md.
