// The Dashboard module: push webhooks, /metrics, /healthz and /readyz over Hummingbird (DESIGN.md §3).
