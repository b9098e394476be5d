// The Telemetry module: cluster state from Prometheus, the hub and the static inventory (DESIGN.md §3).
