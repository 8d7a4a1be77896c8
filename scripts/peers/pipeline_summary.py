#!/usr/bin/env python3
"""scripts/bench-pipeline's summary: median/min/max per bench and implementation, mcnd
beside the Python reference (ratio, targets), and one JSON line per row.

  pipeline_summary.py RUNS.jsonl IMAGES
"""
import json, statistics, sys
runs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
groups = {}
for r in runs:
    groups.setdefault((r["bench"], r["impl"]), []).append(r)
rows = []
units = {"predict": "images/s", "ingest": "files/s"}
print("%-14s %-17s %6s %5s %9s %9s %9s %-11s %9s %10s %7s" % ("bench", "impl", "files", "runs", "median", "min", "max", "unit",
                                                             "median s", "peak RSS", "other%"))
for (bench, impl), rs in groups.items():
    rates = [r["per_second"] for r in rs]
    secs = [r["seconds"] for r in rs]
    row = {"bench": bench + "-summary", "impl": impl, "files": rs[0]["files"], "runs": len(rs),
           "median_per_second": round(statistics.median(rates), 1), "min_per_second": round(min(rates), 1),
           "max_per_second": round(max(rates), 1), "median_seconds": round(statistics.median(secs), 4),
           "max_rss_mb": max(r["max_rss_mb"] for r in rs), "max_other_load_pct": max(r["other_load_pct"] for r in rs)}
    rows.append(row)
    print("%-14s %-17s %6d %5d %9.0f %9.0f %9.0f %-11s %9.3f %7.1f MB %6.0f%%" % (bench, impl, row["files"], row["runs"],
          row["median_per_second"], row["min_per_second"], row["max_per_second"], units.get(bench, "examples/s"),
          row["median_seconds"], row["max_rss_mb"], row["max_other_load_pct"]))
by = {(r["bench"], r["impl"]): r for r in rows}
print()
# Issue 13's targets: a rate and a ratio to the reference, both from this run.
targets = {"predict-summary": (40000, 3.0), "ingest-summary": (25000, 3.0)}
for bench, (rate, ratio) in targets.items():
    m, p = by.get((bench, "mcnd")), by.get((bench, "python-reference"))
    if m and p:
        name = bench.split("-")[0]
        # mcnd and the reference alternate: the ratio within each repetition shares its load.
        pairs = {}
        for r in runs:
            if r["bench"] == name:
                pairs.setdefault(r["rep"], {})[r["impl"]] = r["per_second"]
        per_rep = [v["mcnd"] / v["python-reference"] for v in pairs.values() if "mcnd" in v and "python-reference" in v]
        x = m["median_per_second"] / p["median_per_second"]
        print("%s: mcnd %.0f/s vs reference %.0f/s -> mcnd %.2fx (per repetition: %s); other load up to %.0f%% / %.0f%%"
              % (name, m["median_per_second"], p["median_per_second"], x, ", ".join("%.2fx" % v for v in per_rep),
                 m["max_other_load_pct"], p["max_other_load_pct"]))
        print("   target >= %d/s: %s; target >= %.0fx the reference: %s" % (rate, "met" if m["median_per_second"] >= rate else "MISSED",
              ratio, "met" if x >= ratio else "MISSED"))
# Each bench's floors (scripts/peers/fs_floor.c, ingest_floor.c), as the implementations the bench ran.
floors = {
    "predict": (("fs-floor", "the file-system floor (stat, open, read, rename, a line, fsyncs per 256; nothing else; 2 threads)"),
                ("contract-floor", "the contract's floor (that plus SHA-256, libpng decode, a durable SQLite journal; no model,"
                                   " no review)")),
    "ingest": (("contract-floor", "the contract's floor (stat, read, SHA-256, libpng decode, examples and journal in SQLite,"
                                  " renames, fsyncs; 2 threads)"),),
}
for bench in ("predict", "ingest"):
    p = by.get((bench + "-summary", "python-reference"))
    for impl, what in floors[bench]:
        f, m = by.get((bench + "-summary", impl)), by.get((bench + "-summary", "mcnd"))
        if f and m:
            print("%s: %s %.0f/s (%.3f s); mcnd reaches %.0f%% of it%s" % (
                bench, what, f["median_per_second"], f["median_seconds"], 100 * m["median_per_second"] / f["median_per_second"],
                "; it is %.2fx the reference" % (f["median_per_second"] / p["median_per_second"]) if p else ""))
for name, what in (("train-60k-summary", "default hyperparameters"), ("train-60k-book-summary", "the book's 100 units, batch 256")):
    t = by.get((name, "mcnd"))
    if t:
        print("train, 1 epoch, %d examples, %s: %.2f s, peak RSS %.1f MB; target <= 150 MB: %s" % (t["files"], what,
              t["median_seconds"], t["max_rss_mb"], "met" if t["max_rss_mb"] <= 150 else "MISSED"))
m = by.get(("predict-summary", "mcnd"))
if m:
    print("predict: peak RSS %.1f MB" % m["max_rss_mb"])
print()
for row in rows:
    print(json.dumps(row))
