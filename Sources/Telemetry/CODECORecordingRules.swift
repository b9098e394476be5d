/// The node recording rules CODECO's ACM operator reads (`instance:node_cpu:rate1m`, `instance:node_memory:avg1m`,
/// `instance:node_energy:irate1m`, `instance:node_status:avg1m`; reference/codeco/README.md), as a Prometheus
/// rules file.
///
/// CODECO's operator queries these names, but the rule *definitions* are not in the published reference material,
/// so the expressions here are Placer's, written to what the names say and to the inputs a CODECO cluster has:
///
/// | record | unit | expression over |
/// | --- | --- | --- |
/// | `instance:node_cpu:rate1m` | cores busy | `rate(node_cpu_seconds_total{mode!~"idle\|iowait\|steal"}[1m])` summed per node (node-exporter) |
/// | `instance:node_memory:avg1m` | bytes in use | 1-minute average of `MemTotal − MemAvailable` (node-exporter) |
/// | `instance:node_energy:irate1m` | watts | `irate(kepler_node_platform_joules_total[1m])` per node (Kepler, as Kepler's docs query it) |
/// | `instance:node_status:avg1m` | 0…1 | 1-minute average of `kube_node_status_condition{condition="Ready",status="true"}` (kube-state-metrics), its `node` label as `instance` |
///
/// Every record keeps the `cluster` label (set per scrape target) and `instance` (the node). `EdgeSim`'s
/// `PrometheusServer` loads this text in tests; a production Prometheus loads it as a rules file (docs/telemetry.md).
public enum CODECORecordingRules {
    /// The rules file (YAML, one group evaluated at the server's `evaluation_interval`).
    public static let yaml = #"""
        groups:
          - name: codeco-node
            rules:
              - record: instance:node_cpu:rate1m
                expr: sum by (cluster, instance) (rate(node_cpu_seconds_total{mode!~"idle|iowait|steal"}[1m]))
              - record: instance:node_memory_used:bytes
                expr: node_memory_MemTotal_bytes - node_memory_MemAvailable_bytes
              - record: instance:node_memory:avg1m
                expr: avg_over_time(instance:node_memory_used:bytes[1m])
              - record: instance:node_energy:irate1m
                expr: sum by (cluster, instance) (irate(kepler_node_platform_joules_total[1m]))
              - record: instance:node_status:avg1m
                expr: >-
                  max by (cluster, instance) (label_replace(
                    avg_over_time(kube_node_status_condition{condition="Ready",status="true"}[1m]),
                    "instance", "$1", "node", "(.+)"))

        """#
}
