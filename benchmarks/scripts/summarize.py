#!/usr/bin/env python3
"""Summarizes JMH JSON results of InferenceBenchmark: one row per benchmark.

Throughput rows: the median over forks of each fork's mean (images/s), and min..max of the
fork means. SampleTime rows: mean, p50 and p99 of the per-batch latency (us) over all forks.
Usage: summarize.py result1.json [result2.json ...]  (several files: medians over all forks)."""
import json
import statistics
import sys
from collections import defaultdict

throughput = defaultdict(list)
latency = defaultdict(list)
for path in sys.argv[1:]:
    for r in json.load(open(path)):
        name = r["benchmark"].rsplit(".", 1)[1]
        params = r.get("params") or {}
        key = name + ("[" + ",".join(f"{k}={v}" for k, v in params.items()) + "]" if params else "")
        m = r["primaryMetric"]
        if r["mode"] == "thrpt":
            throughput[key] += [statistics.mean(fork) for fork in m["rawData"]]
        elif r["mode"] == "sample":
            latency[key].append((m["score"], m["scorePercentiles"]["50.0"], m["scorePercentiles"]["99.0"]))

print("| benchmark | forks | median images/s | min..max of fork means |")
print("|---|---:|---:|---|")
for key in sorted(throughput):
    v = throughput[key]
    print(f"| {key} | {len(v)} | {statistics.median(v):,.0f} | {min(v):,.0f}..{max(v):,.0f} |")
print()
print("| benchmark | runs | mean us/batch | p50 us | p99 us |")
print("|---|---:|---:|---:|---:|")
for key in sorted(latency, key=lambda k: (k.split("[")[0], int(k.split("=")[-1].rstrip("]")))):
    v = latency[key]
    med = lambda i: statistics.median(x[i] for x in v)
    print(f"| {key} | {len(v)} | {med(0):,.0f} | {med(1):,.0f} | {med(2):,.0f} |")
